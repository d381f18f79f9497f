import type { LookupFunction } from 'node:net'
import { Client, type Dispatcher } from 'undici'

/** An address the URL guard approved; the connection goes to these and nowhere else. */
export interface PinnedAddress {
  address: string
  family: number
}

/**
 * The head of an answer to one GET, and its body on demand. The body's first bytes are held (up to
 * `earlyLimit`, then the connection is paused) until `consume` is called: a host that sends everything
 * and closes while we open the `.part` loses nothing.
 */
export interface Answer {
  status: number
  /** Lower-case names; a repeated header gives its first value. */
  header(name: string): string | undefined
  /** Feeds every chunk to `onData`, the held ones first; resolves at the body's end, rejects when it is cut. */
  consume(onData: (chunk: Buffer) => void): Promise<void>
  /** Backpressure: stop reading from the socket until `resume`. */
  pause(): void
  resume(): void
  /** True once the whole body has arrived. */
  complete(): boolean
  /** True when the host went silent for longer than `stallMs` (headers or body). */
  stalled(): boolean
  /** Drops the connection and whatever is left of the body. */
  discard(): void
}

export interface GetOptions {
  url: URL
  addresses: PinnedAddress[]
  headers: Record<string, string>
  signal: AbortSignal
  /** No byte for this long, before the head or within the body, ends the request. */
  stallMs: number
  /** Bytes held before `consume` (see `Answer`). */
  earlyLimit: number
}

/** A `lookup` that answers with the addresses the guard checked, so the connection goes nowhere else. */
function pinnedLookup(addresses: PinnedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    const wanted = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0
    const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses
    const list = usable.length > 0 ? usable : addresses
    if (options.all) callback(null, list)
    else callback(null, list[0]!.address, list[0]!.family)
  }) as LookupFunction
}

const STALL_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/**
 * One GET on a connection of its own (never pooled: each download pins its own checked addresses),
 * through undici's dispatcher handler: body chunks go straight to the caller, without a stream per
 * response in between, which costs less CPU per gigabyte than `node:http`'s client (see
 * docs/downloads.md for the figures). Resolves with the head; rejects when no head comes (connection
 * refused, stall, abort).
 */
export function httpGet({ url, addresses, headers, signal, stallMs, earlyLimit }: GetOptions): Promise<Answer> {
  const client = new Client(url.origin, {
    connect: { lookup: pinnedLookup(addresses), timeout: stallMs },
    headersTimeout: stallMs,
    bodyTimeout: stallMs,
    pipelining: 0,
  })
  const close = () => void client.destroy().catch(() => {})

  return new Promise<Answer>((resolveHead, rejectHead) => {
    let controller: Dispatcher.DispatchController | null = null
    let headSent = false
    let complete = false
    let stalled = false
    let sink: ((chunk: Buffer) => void) | null = null
    const early: Buffer[] = []
    let earlyBytes = 0
    let failure: Error | null = null
    let settleBody: { resolve: () => void; reject: (error: Error) => void } | null = null

    const fail = (error: Error) => {
      if (failure) return
      failure = error
      stalled ||= STALL_CODES.has((error as NodeJS.ErrnoException).code ?? '')
      close()
      if (!headSent) rejectHead(error)
      settleBody?.reject(error)
    }
    const onAbort = () => controller?.abort(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    if (signal.aborted) {
      close()
      rejectHead(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })

    let status = 0
    let responseHeaders: Record<string, string | string[] | undefined> = {}
    const answer: Answer = {
      get status() {
        return status
      },
      header: (name) => {
        const value = responseHeaders[name]
        return Array.isArray(value) ? value[0] : value
      },
      consume(onData) {
        return new Promise<void>((resolve, reject) => {
          for (const chunk of early.splice(0)) onData(chunk)
          if (failure) return reject(failure)
          if (complete) return resolve()
          sink = onData
          settleBody = { resolve, reject }
          controller?.resume()
        })
      },
      pause: () => controller?.pause(),
      resume: () => controller?.resume(),
      complete: () => complete,
      stalled: () => stalled,
      discard: () => {
        if (!complete && !failure) controller?.abort(new Error('discarded'))
        close()
      },
    }

    client.dispatch(
      { origin: url.origin, path: `${url.pathname}${url.search}`, method: 'GET', headers },
      {
        onRequestStart(ctl) {
          controller = ctl
        },
        onResponseStart(_ctl, statusCode, head) {
          status = statusCode
          responseHeaders = head
          headSent = true
          resolveHead(answer)
        },
        onResponseData(ctl, chunk) {
          if (sink) return sink(chunk)
          early.push(chunk)
          earlyBytes += chunk.length
          if (earlyBytes >= earlyLimit) ctl.pause()
        },
        onResponseEnd() {
          complete = true
          signal.removeEventListener('abort', onAbort)
          close()
          settleBody?.resolve()
        },
        onResponseError(_ctl, error) {
          signal.removeEventListener('abort', onAbort)
          fail(error)
        },
      },
    )
  })
}
