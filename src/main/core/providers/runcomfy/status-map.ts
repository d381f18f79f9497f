import type { RunStatus } from '@shared/run'

/**
 * RunComfy's status words onto the normalized states (providers README). Deliberately absent:
 * `completed` (the status endpoint's "finished, success or failure": only `/result` says which) and
 * `cancellation_requested` (a cancel is a request, not a result). Unmapped words give null, never a guess.
 */
const STATUS: Record<string, RunStatus> = {
  in_queue: 'queued',
  in_progress: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
}

const word = (raw: string) => raw.trim().toLowerCase()

export function toRunStatus(raw: string): RunStatus | null {
  const key = word(raw)
  return Object.hasOwn(STATUS, key) ? (STATUS[key] ?? null) : null
}

/** Status-endpoint words after which `/result` holds the outcome (the official CLI's terminal set). */
const FINISHED = new Set(['completed', 'succeeded', 'failed', 'cancelled', 'canceled'])
export const isFinishedWord = (raw: string): boolean => FINISHED.has(word(raw))

export const isCancelledWord = (raw: string): boolean => toRunStatus(raw) === 'cancelled'

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined

/**
 * A failure's message from `error` in any shape seen: the webhook page's object `{error, details,
 * debugInfo, errorCode}`, older docs' `{type, message}`, an array of such objects (a Go client), or text.
 * `debugInfo` is used only when nothing else explains, and only its first line if it is no traceback.
 */
export function failureMessage(error: unknown): string | undefined {
  if (typeof error === 'string') return text(error)
  if (Array.isArray(error)) {
    const parts = [...new Set(error.map(failureMessage).filter((part): part is string => part !== undefined))]
    return parts.length > 0 ? parts.join('; ') : undefined
  }
  if (!isObj(error)) return undefined
  const what = text(error.details) ?? text(error.detail) ?? text(error.message) ?? text(error.error_message)
  if (what) return what
  const kind = text(error.error) ?? text(error.type)
  const code = text(error.errorCode) ?? text(error.error_code)
  const head = kind ? (code ? `${kind} (error code ${code})` : kind) : code ? `error code ${code}` : undefined
  // The array form has no `details`; its `debugInfo` may open with the message, before any traceback.
  const debugLine = text(error.debugInfo)?.split('\n')[0]?.trim()
  const hint = debugLine && debugLine.length <= 200 && !/^Traceback\b/.test(debugLine) ? debugLine : undefined
  if (head && hint) return `${head}: ${hint}`
  return head ?? hint
}

/** What the creator sees while the run waits or works (undefined: leave it as it is); RunComfy sends no percentage. */
export function liveStatusOf(raw: string, extra: { queuePosition?: unknown; instanceId?: unknown }): string | undefined {
  switch (word(raw)) {
    case 'in_queue': {
      // Without a position, say nothing: a bare "In queue" would flicker against the polled position.
      const raw = extra.queuePosition
      const position = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw
      return typeof position === 'number' && Number.isFinite(position) ? `In queue: position ${position}` : undefined
    }
    case 'in_progress': {
      const instance = text(extra.instanceId)
      return instance ? `Running on ${instance}` : 'Running'
    }
    case 'cancellation_requested':
      return 'Cancellation requested'
    default:
      return undefined
  }
}
