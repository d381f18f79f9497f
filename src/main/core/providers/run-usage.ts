import { isTerminal, type RunStatus } from '@shared/run'
import type { RunUsage } from './types'

/** Timings are final once the run has ended (failed and cancelled too): what it used can be read from then on. */
export const hasEnded = (status: RunStatus | null | undefined): status is RunStatus => status != null && isTerminal(status)

/**
 * An ISO instant from a service, as epoch ms, or null. Tolerates what the services send: microseconds
 * (RunComfy's `…06.123456+00:00`, truncated to the millisecond as `Date.parse` does), ComfyDeploy's
 * malformed `…+00Z`, and a time without a zone (a Python server's naive UTC `isoformat()`), read as UTC
 * rather than as this machine's local time.
 */
export function parseInstant(text: string | null | undefined): number | null {
  if (typeof text !== 'string') return null
  const trimmed = text.trim().replace(/\+00(?::?00)?Z$/i, 'Z')
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(trimmed)
  if (!match) return null
  const ms = Date.parse(`${(match[1] ?? '').replace(/(\.\d{3})\d+/, '$1')}${match[2] ?? 'Z'}`)
  return Number.isFinite(ms) ? ms : null
}

/** Seconds from one instant to a later one; null when either is missing or they run backwards. */
export function secondsBetween(fromMs: number | null, toMs: number | null): number | null {
  if (fromMs === null || toMs === null || toMs < fromMs) return null
  return (toMs - fromMs) / 1000
}

/**
 * A run's usage from the spans its service gave, best first: `whole` (queue or creation to the end,
 * cold start included), else `execution` alone. Null when neither is known: the run never started, or
 * its timings were unreadable. Never throws: a bad timing costs the figure, not the run.
 */
export function toRunUsage(args: {
  gpu: string | null
  whole: number | null
  execution: number | null
  sessionId?: string | null
}): RunUsage | null {
  const sessionId = args.sessionId ?? null
  const valid = (seconds: number | null): seconds is number => seconds !== null && Number.isFinite(seconds) && seconds >= 0
  if (valid(args.whole)) return { gpu: args.gpu, seconds: args.whole, executionOnly: false, sessionId }
  if (valid(args.execution)) return { gpu: args.gpu, seconds: args.execution, executionOnly: true, sessionId }
  return null
}
