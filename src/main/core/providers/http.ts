import type { ErrorCode } from '@shared/errors'
import { ProviderError } from './types'

/** What a provider's error body says; `code` overrides the one the HTTP status would give. */
export interface DescribedError {
  message: string
  field?: string
  code?: ErrorCode
}

export interface JsonRequest {
  method: 'GET' | 'POST'
  url: string
  apiKey: string
  body?: unknown
  /** A streamed body of known length, e.g. a multipart upload whose progress is reported. */
  stream?: { body: ReadableStream<Uint8Array>; contentType: string; length: number }
  timeoutMs: number
  /**
   * Only idempotent calls are retried. A queue call is never repeated blindly: the service has no
   * idempotency key, so a retry could start a second paid run.
   */
  idempotent: boolean
  /** Turns a provider's error body into a message and, when it names one, the input field. */
  describeError: (status: number, body: unknown) => DescribedError
  /**
   * Looks at a 2xx body before it is returned and may throw a `ProviderError` (services that report
   * errors with HTTP 200). A thrown error is retried like any other when the call is idempotent.
   */
  inspect?: (body: unknown, status: number) => void
  /** Sends no `Authorization` header: for URLs the service hands out that may live on another host. */
  anonymous?: boolean
  signal?: AbortSignal
}

const RETRIES = 2
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** The typed error for an HTTP status (or the code the body named). */
export function errorForStatus(status: number, described: DescribedError, retryAfter?: number) {
  const details = { status, field: described.field, retryAfterMs: retryAfter }
  if (described.code) return new ProviderError(described.code, described.message, details)
  if (status === 401 || status === 403) return new ProviderError('PROVIDER_AUTH', described.message, details)
  if (status === 404) return new ProviderError('PROVIDER_NOT_FOUND', described.message, details)
  if (status === 400 || status === 422) return new ProviderError('PROVIDER_VALIDATION', described.message, details)
  if (status === 429) return new ProviderError('PROVIDER_RATE_LIMITED', described.message, details)
  return new ProviderError('PROVIDER_UNAVAILABLE', described.message, details)
}

/** Errors that prove the request never left this machine or never reached a server (nothing can have started). */
const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])
function neverReached(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && NEVER_REACHED.has(code)
}

const retryable = (error: ProviderError) =>
  error.code === 'PROVIDER_UNAVAILABLE' || error.code === 'PROVIDER_TIMEOUT' || error.code === 'PROVIDER_RATE_LIMITED'

async function once(request: JsonRequest): Promise<unknown> {
  const timeout = AbortSignal.timeout(request.timeoutMs)
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout
  let response: Response
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        ...(request.anonymous ? {} : { authorization: `Bearer ${request.apiKey}` }),
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(request.stream ? { 'content-type': request.stream.contentType, 'content-length': String(request.stream.length) } : {}),
      },
      body: request.stream?.body ?? (request.body === undefined ? undefined : JSON.stringify(request.body)),
      ...(request.stream ? { duplex: 'half' as const } : {}),
      signal,
    })
  } catch (error) {
    if (timeout.aborted) throw new ProviderError('PROVIDER_TIMEOUT', `no answer within ${request.timeoutMs / 1000} s`, { answerLost: true })
    const cause = (error as Error).cause
    throw new ProviderError('PROVIDER_UNAVAILABLE', `cannot reach the service: ${cause ?? (error as Error).message}`, {
      answerLost: !neverReached(cause),
    })
  }
  let text: string
  try {
    text = await response.text()
  } catch {
    if (timeout.aborted) throw new ProviderError('PROVIDER_TIMEOUT', `no answer within ${request.timeoutMs / 1000} s`, { answerLost: true })
    throw new ProviderError('PROVIDER_UNAVAILABLE', `the service's answer was cut off (HTTP ${response.status})`, {
      status: response.status,
      answerLost: true,
    })
  }
  let body: unknown = undefined
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    if (response.ok) throw new ProviderError('PROVIDER_BAD_REPLY', `the service answered ${response.status} with non-JSON text`)
  }
  if (!response.ok) {
    const described = request.describeError(response.status, body)
    throw errorForStatus(response.status, described, retryAfterMs(response.headers.get('retry-after')))
  }
  request.inspect?.(body, response.status)
  return body
}

/** One JSON call to a provider, with typed errors; idempotent calls retry 5xx, timeouts and 429 (Retry-After). */
export async function requestJson(request: JsonRequest): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(request)
    } catch (error) {
      if (!(error instanceof ProviderError) || !request.idempotent || attempt >= RETRIES || !retryable(error)) throw error
      const backoff = error.details.retryAfterMs ?? 250 * 2 ** attempt * (1 + Math.random())
      if (backoff > 30_000) throw error
      await sleep(backoff, request.signal)
    }
  }
}
