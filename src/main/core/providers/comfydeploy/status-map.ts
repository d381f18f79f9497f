import type { RunStatus } from '@shared/run'

/**
 * ComfyDeploy's status words (server code and both documentation dialects) onto the normalized states.
 * An unmapped word is reported as null, never guessed: the run stays as it is and keeps being polled.
 */
const STATUS: Record<string, RunStatus> = {
  'not-started': 'queued',
  queued: 'queued',
  started: 'running',
  running: 'running',
  uploading: 'running',
  processing: 'running',
  success: 'succeeded',
  completed: 'succeeded',
  failed: 'failed',
  timeout: 'timed_out',
  cancelled: 'cancelled',
  canceled: 'cancelled',
}

export function toRunStatus(word: string): RunStatus | null {
  return Object.hasOwn(STATUS, word.toLowerCase()) ? (STATUS[word.toLowerCase()] ?? null) : null
}

/** Progress arrives as a 0–1 fraction (server) or 0–100 (newer docs); store 0–1. */
export function toFraction(progress: number | undefined | null, percentDialect = false): number | undefined {
  if (progress === undefined || progress === null || !Number.isFinite(progress)) return undefined
  const fraction = percentDialect || progress > 1 ? progress / 100 : progress
  return Math.min(1, Math.max(0, fraction))
}
