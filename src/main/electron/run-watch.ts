import { isTerminal, type Run } from '@shared/run'

type Tracked =
  /** Not in a final state: counts as live. */
  | { kind: 'live' }
  /** Succeeded; its outputs are on their way to disk. Announced at the next update (the saver's). */
  | { kind: 'settling'; polling: boolean }
  /** Final and announced, or final before this session: never announced (again). */
  | { kind: 'done' }

/**
 * Folds `run.updated` events into what the desktop shell needs: how many runs are live (tray, badge,
 * quit prompt), and which runs just *ended* in this session, so that a notification can say so.
 *
 * - Runs already final when the app started are never announced; nor is a final run seen for the first
 *   time unless it was created after the start (a run that failed on submit).
 * - Failed, cancelled and timed-out runs are announced as they reach that state.
 * - A succeeded run is announced once its outputs are settled: core publishes `succeeded` as soon as the
 *   service confirms it, then downloads the outputs and publishes the run again (with `outputCount`, and
 *   an error if some could not be saved). That next update announces it. An update that only flips
 *   `polling` (the tunnel's URL changed meanwhile) does not count.
 */
export class RunWatch {
  private readonly runs = new Map<string, Tracked>()

  constructor(
    initial: readonly Run[],
    private readonly startedAt: number,
  ) {
    for (const run of initial) this.runs.set(run.id, isTerminal(run.status) ? { kind: 'done' } : { kind: 'live' })
  }

  /** Applies one update; returns the run to announce now, if this update ended it. */
  update(run: Run): Run | null {
    const before = this.runs.get(run.id)
    if (!isTerminal(run.status)) {
      if (before?.kind !== 'done') this.runs.set(run.id, { kind: 'live' })
      return null
    }
    if (before === undefined ? run.createdAt < this.startedAt : before.kind === 'done') {
      this.runs.set(run.id, { kind: 'done' })
      return null
    }
    if (before?.kind === 'settling') {
      if (run.polling !== before.polling) {
        this.runs.set(run.id, { kind: 'settling', polling: run.polling })
        return null
      }
      this.runs.set(run.id, { kind: 'done' })
      return run
    }
    // It ends now (it was live, or it is new in this session).
    if (run.status === 'succeeded') {
      this.runs.set(run.id, { kind: 'settling', polling: run.polling })
      return null
    }
    this.runs.set(run.id, { kind: 'done' })
    return run
  }

  liveCount(): number {
    let live = 0
    for (const tracked of this.runs.values()) if (tracked.kind === 'live') live++
    return live
  }
}
