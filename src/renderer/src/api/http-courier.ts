import type { CourierClient } from '@shared/client'
import { httpPath, HTTP_EVENTS_PATH, type MethodArgs, type MethodName, type MethodResult } from '@shared/contract'
import { ErrorCode } from '@shared/errors'
import { CourierEvent } from '@shared/events'
import type { OutputId } from '@shared/output'
import type { Failure, Result } from '@shared/result'

export interface HttpCourierOptions {
  /** Origin of the web host; defaults to the page's own (relative URLs). */
  base?: string
  /** Called when the event stream comes back after a drop, so the caller can re-sync what it missed. */
  onReconnect?: () => void
  fetch?: typeof fetch
  EventSource?: typeof EventSource
}

const internal = (message: string): Failure => ({ code: 'INTERNAL', message })

/** Turns whatever the web host answered into a Result; anything that is not one becomes INTERNAL. */
export function toResult<T>(status: number, body: unknown): Result<T> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) {
    return { ok: false, error: internal(`The web host answered HTTP ${status} without a result.`) }
  }
  if (body.ok === true && 'value' in body) return { ok: true, value: body.value as T }
  const error: unknown = 'error' in body ? body.error : undefined
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    const code = ErrorCode.safeParse('code' in error ? error.code : undefined)
    const field = 'field' in error && typeof error.field === 'string' ? error.field : undefined
    const failure: Failure = { code: code.success ? code.data : 'INTERNAL', message: error.message }
    if (field !== undefined) failure.field = field
    // Only the one detail callers act on (a spend confirmation's estimate) is taken, and only as a number.
    const details = 'details' in error && typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : null
    if (details && typeof details.estimateUsd === 'number' && Number.isFinite(details.estimateUsd)) failure.details = { estimateUsd: details.estimateUsd }
    return { ok: false, error: failure }
  }
  return { ok: false, error: internal(`The web host answered HTTP ${status} with a malformed result.`) }
}

/**
 * The web-mode twin of the preload bridge: `POST /api/{method}` for calls, `GET /api/events` (SSE) for
 * events. Auth is an HttpOnly cookie the web host set when the page was opened with `?token=…`, so nothing
 * here handles a token.
 */
export function httpCourier(options: HttpCourierOptions = {}): CourierClient {
  const base = options.base ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource

  return {
    async invoke<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Result<MethodResult<M>>> {
      let response: Response
      try {
        response = await doFetch(base + httpPath(method), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(args ?? {}),
        })
      } catch (cause) {
        const detail = cause instanceof Error ? cause.message : String(cause)
        return { ok: false, error: internal(`Could not reach Comfy Courier (${detail}).`) }
      }
      let body: unknown
      try {
        body = await response.json()
      } catch {
        return { ok: false, error: internal(`The web host answered HTTP ${response.status} with something that is not JSON.`) }
      }
      return toResult<MethodResult<M>>(response.status, body)
    },

    subscribe(listener: (event: CourierEvent) => void, signal: AbortSignal): void {
      if (signal.aborted || EventSourceImpl === undefined) return
      let source: EventSource | null = null
      let opened = false
      let retry: ReturnType<typeof setTimeout> | undefined
      let delay = 1000

      const onMessage = (message: MessageEvent) => {
        let data: unknown
        try {
          data = JSON.parse(String(message.data))
        } catch {
          console.warn('courier: dropped an event that is not JSON')
          return
        }
        const event = CourierEvent.safeParse(data)
        if (event.success) listener(event.data)
        else console.warn('courier: dropped an event that does not match the contract', event.error.issues)
      }

      const open = () => {
        const es = new EventSourceImpl(base + HTTP_EVENTS_PATH)
        source = es
        es.onopen = () => {
          // Events sent while the stream was away are lost, so the caller re-syncs on every reconnect.
          if (opened) options.onReconnect?.()
          opened = true
          delay = 1000
        }
        es.onmessage = onMessage
        es.onerror = () => {
          // EventSource retries network drops itself, but gives up for good on an HTTP error (the host
          // restarting, a 5xx): then we open a new one, backing off up to 30 s.
          if (es.readyState !== 2 || signal.aborted) return
          es.close()
          retry = setTimeout(open, delay)
          delay = Math.min(delay * 2, 30_000)
        }
      }

      open()
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(retry)
          source?.close()
        },
        { once: true },
      )
    },

    mediaUrl(id: OutputId): string {
      return `${base}/media/${encodeURIComponent(id)}`
    },
  }
}
