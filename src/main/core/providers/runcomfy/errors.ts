import type { ErrorCode } from '@shared/errors'
import { errorForStatus, type DescribedError } from '../http'
import { ProviderError } from '../types'

/**
 * RunComfy's documented `error_code`s (runcomfy.md §8). The code decides, not the HTTP status: 1000x
 * arrive with an undocumented status, and some endpoints answer HTTP 200 with an `error_code`.
 */
const KNOWN: Record<number, { code: ErrorCode; name: string; message: string }> = {
  401001: { code: 'PROVIDER_AUTH', name: 'Unauthorized', message: 'RunComfy refused the API token (401001): check it in Settings' },
  403003: {
    code: 'PROVIDER_AUTH',
    name: 'Forbidden',
    message: 'RunComfy says this deployment or request belongs to another user (403003): check that the API token in Settings is from the right account',
  },
  404001: { code: 'PROVIDER_NOT_FOUND', name: 'Not Found', message: 'RunComfy does not know this deployment or request (404001)' },
  422001: { code: 'PROVIDER_VALIDATION', name: 'Validation Error', message: 'RunComfy rejected the inputs (422001)' },
  500001: { code: 'PROVIDER_UNAVAILABLE', name: 'Internal Error', message: 'RunComfy had an internal error (500001)' },
  10001: {
    code: 'PROVIDER_REFUSED',
    name: 'InsufficientFunds',
    message: 'RunComfy refused the run: insufficient funds — the deployment is disabled until the balance or plan allows it (10001)',
  },
  10002: {
    code: 'PROVIDER_REFUSED',
    name: 'DisabledDeployment',
    message: "RunComfy refused the run: the deployment is disabled — re-enable it on RunComfy's Deployments page (10002)",
  },
  10003: { code: 'PROVIDER_REFUSED', name: 'DeletedDeployment', message: 'RunComfy refused the run: the deployment has been deleted (10003)' },
}

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

/** The numeric `error_code` of a body, when it has one (a number or a numeric string). */
export function errorCodeOf(body: unknown): number | undefined {
  if (!isObj(body)) return undefined
  const raw = body.error_code
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) return Number(raw)
  return undefined
}

/** A body RunComfy itself wrote: it carries an `error_code` (a bare 404 from a router does not). */
export const isRunComfyErrorBody = (body: unknown): boolean => isObj(body) && body.error_code !== undefined && body.error_code !== null

/**
 * The override a `loc` points at: `["overrides","6","inputs","text"]` (optionally under `body`) is field
 * `6.text`; a flat LoRA body's `["body","prompt"]` is field `prompt`.
 */
export function fieldFromLoc(loc: unknown): string | undefined {
  if (!Array.isArray(loc)) return undefined
  const parts = loc.map(String).filter((part, index) => !(index === 0 && part === 'body'))
  const at = parts.indexOf('overrides')
  if (at >= 0) {
    const node = parts[at + 1]
    const name = parts[at + 2] === 'inputs' ? parts[at + 3] : undefined
    return node && name ? `${node}.${name}` : undefined
  }
  return parts.length === 1 && parts[0] ? parts[0] : undefined
}

/** `detail` as text (at most three items) and the first input it names. */
function describeDetail(detail: unknown): { text?: string; field?: string } {
  if (typeof detail === 'string' && detail.trim()) return { text: detail.trim() }
  if (!Array.isArray(detail) || detail.length === 0) return {}
  let field: string | undefined
  const texts: string[] = []
  for (const item of detail) {
    if (typeof item === 'string') {
      texts.push(item)
      continue
    }
    if (!isObj(item)) continue
    const here = fieldFromLoc(item.loc)
    field ??= here
    const where = here ?? (Array.isArray(item.loc) ? item.loc.map(String).filter((p) => p !== 'body').join('.') : '')
    const msg = typeof item.msg === 'string' ? item.msg : typeof item.message === 'string' ? item.message : 'invalid value'
    texts.push(where ? `${where}: ${msg}` : msg)
  }
  const shown = texts.slice(0, 3).join('; ') + (texts.length > 3 ? ` (+${texts.length - 3} more)` : '')
  return { ...(shown ? { text: shown } : {}), ...(field ? { field } : {}) }
}

/**
 * Turns a RunComfy error body into a message, the input it names and, for documented codes, the error
 * code. Shapes: `{error_code, error_message, detail?}`, `{message}` (seen on 403), FastAPI's `{detail}`.
 */
export function describeRunComfyError(status: number, body: unknown): DescribedError {
  const code = errorCodeOf(body)
  const obj = isObj(body) ? body : {}
  const errorMessage = typeof obj.error_message === 'string' ? obj.error_message.trim() : ''
  const detail = describeDetail(obj.detail)
  const field = detail.field ? { field: detail.field } : {}
  if (code !== undefined) {
    const known = Object.hasOwn(KNOWN, code) ? KNOWN[code] : undefined
    const extra = [errorMessage && (!known || squash(errorMessage) !== squash(known.name)) ? errorMessage : '', detail.text ?? '']
      .filter(Boolean)
      .join(': ')
    if (known) return { code: known.code, message: extra ? `${known.message}: ${extra}` : known.message, ...field }
    return { message: `RunComfy error ${code}${extra ? `: ${extra}` : ''} (HTTP ${status})`, ...field }
  }
  const text =
    (typeof obj.message === 'string' && obj.message.trim()) ||
    detail.text ||
    (typeof obj.error === 'string' && obj.error.trim()) ||
    errorMessage
  if (status === 401) return { message: `RunComfy refused the API token${text ? ` (${text})` : ''}: check it in Settings`, ...field }
  return { message: `RunComfy answered HTTP ${status}${text ? `: ${text}` : ''}`, ...field }
}

/**
 * `requestJson`'s `inspect` hook: a 2xx body carrying an `error_code` is an error. Undocumented codes
 * take the HTTP class of their first three digits (RunComfy's scheme), else count as "unavailable".
 */
export function inspectRunComfyBody(body: unknown, status: number): void {
  const code = errorCodeOf(body)
  if (code === undefined && !isRunComfyErrorBody(body)) return
  const described = describeRunComfyError(status, body)
  const httpish = code === undefined ? NaN : Number(String(code).slice(0, 3))
  const classified = described.code ?? errorForStatus(httpish >= 400 && httpish < 600 ? httpish : 502, described).code
  throw new ProviderError(classified, described.message, { status, ...(described.field ? { field: described.field } : {}) })
}
