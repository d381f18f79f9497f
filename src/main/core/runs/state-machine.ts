import { isTerminal, type Run, type RunError, type RunStatus } from '@shared/run'

/** What a provider told us about a run, already normalized; `status: null` means "no opinion". */
export interface RunHint {
  status: RunStatus | null
  progress?: number
  liveStatus?: string | null
  error?: RunError
}

export type RunState = Pick<Run, 'status' | 'progress' | 'liveStatus' | 'error' | 'updatedAt' | 'finishedAt'>

/** What `decide` reads of a run: its state, and whether a cancel the service could not take yet is pending (`StoredRun`). */
export type DecidedRun = RunState & { cancelRequestedAt?: number | null }

export type Decision =
  | { kind: 'advance'; next: RunState }
  | { kind: 'ignore'; why: 'already final' | 'stale' | 'duplicate' }

const STAGES: readonly (readonly RunStatus[])[] = [
  ['submitting'],
  ['queued'],
  ['running'],
  ['succeeded', 'failed', 'cancelled', 'timed_out'],
]
const stage = (status: RunStatus): number => STAGES.findIndex((group) => group.includes(status))

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value))

/**
 * Decides what a hint does to a run. Pure: states only move forward, progress never goes down, a final
 * state is final, and the reason for ignoring a hint is named (the webhook inspector shows it).
 */
export function decide(run: DecidedRun, hint: RunHint, now: number): Decision {
  if (isTerminal(run.status)) return { kind: 'ignore', why: 'already final' }
  const status = hint.status ?? run.status
  if (stage(status) < stage(run.status)) return { kind: 'ignore', why: 'stale' }

  const terminal = isTerminal(status)
  const progress = status === 'succeeded' ? 1 : Math.max(run.progress, clamp01(hint.progress ?? run.progress))
  // While a cancel the service could not take yet is pending, its "Cancelling: …" is the only sign of it the
  // creator has (the public `Run` has no field for it): a poll's "In queue: position 2", or "Executing KSampler"
  // in the moment before the cancel is taken, would read as if it had been forgotten. So the text stays; status
  // and progress still move, and the run's end clears it as for any run.
  const cancelPending = typeof run.cancelRequestedAt === 'number'
  const liveStatus = terminal ? null : hint.liveStatus === undefined || cancelPending ? run.liveStatus : hint.liveStatus
  const moved = status !== run.status || progress > run.progress || liveStatus !== run.liveStatus
  if (!moved) return { kind: 'ignore', why: 'duplicate' }
  return {
    kind: 'advance',
    next: {
      status,
      progress,
      liveStatus,
      error: hint.error ?? run.error,
      updatedAt: now,
      finishedAt: terminal ? now : null,
    },
  }
}
