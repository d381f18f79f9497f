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
  /** Sent instead of the bearer `apiKey` (a ComfyUI server's basic auth or custom header); never logged. */
  headers?: Record<string, string>
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
const NEVER_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

/** The system's code of a failed fetch: on its `cause` (undici), or on the error itself. */
function systemCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/** TLS failures: certificate checks (OpenSSL's names) and Node's own TLS and SSL codes. */
const isTlsCode = (code: string): boolean =>
  /^(ERR_TLS_|ERR_SSL_|EPROTO$)/.test(code) || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/.test(code)

/**
 * A fetch that failed before any answer, told apart by the system's code (issue 15): no network, the
 * host name unknown, nothing listening, a TLS failure, a connect timeout, or something else. The message
 * is the raw fact (the host and the system's words), which the renderer shows only under "Details".
 */
export function unreachedError(error: unknown, url: string): ProviderError {
  const code = systemCode(error)
  const cause = (error as { cause?: unknown } | undefined)?.cause
  const raw = cause instanceof Error ? cause.message : String(cause ?? (error as Error).message)
  let host = url
  try {
    host = new URL(url).host
  } catch {
    // the URL as given
  }
  const message = `cannot reach ${host}: ${raw}`
  const details = { answerLost: code === undefined || !NEVER_REACHED.has(code) }
  if (code === 'ENOTFOUND') return new ProviderError('PROVIDER_NAME_NOT_FOUND', message, details)
  if (code === 'EAI_AGAIN' || code === 'ENETUNREACH' || code === 'ENETDOWN') return new ProviderError('PROVIDER_OFFLINE', message, details)
  if (code === 'ECONNREFUSED') return new ProviderError('PROVIDER_CONNECTION_REFUSED', message, details)
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new ProviderError('PROVIDER_TIMEOUT', message, details)
  // A TLS failure is found before anything is sent: nothing can have started.
  if (code !== undefined && isTlsCode(code)) return new ProviderError('PROVIDER_TLS', message, { answerLost: false })
  return new ProviderError('PROVIDER_UNAVAILABLE', message, details)
}

/** Failures that may pass on their own: tried again for idempotent calls. A wrong address or certificate will not. */
const retryable = (error: ProviderError) =>
  error.code === 'PROVIDER_UNAVAILABLE' ||
  error.code === 'PROVIDER_TIMEOUT' ||
  error.code === 'PROVIDER_RATE_LIMITED' ||
  error.code === 'PROVIDER_OFFLINE' ||
  error.code === 'PROVIDER_CONNECTION_REFUSED'

async function once(request: JsonRequest): Promise<unknown> {
  const timeout = AbortSignal.timeout(request.timeoutMs)
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout
  let response: Response
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        ...(request.anonymous ? {} : (request.headers ?? { authorization: `Bearer ${request.apiKey}` })),
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
    throw unreachedError(error, request.url)
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
