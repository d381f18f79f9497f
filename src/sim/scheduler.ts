import { setTimeout as sleepPromise } from 'node:timers/promises'

/** Thrown (as the rejection) when a sleep is cut short by its signal. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError'
}

/**
 * Sleeps `ms` unless `signal` fires first. Every wait in the simulator goes through an abortable sleep so
 * that `close()` and `POST /__sim/reset` stop timelines and retries at once instead of leaving timers behind.
 */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await sleepPromise(Math.max(0, ms), undefined, { signal })
}
