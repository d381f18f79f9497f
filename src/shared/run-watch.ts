import type { AppOpenTarget } from './events'
import type { Output } from './output'
import { isTerminal, type Run } from './run'

type Tracked =
  /** Not in a final state: counts as live. */
  | { kind: 'live' }
  /** Succeeded; its outputs are on their way to disk. Announced once they are not (`run.outputs`). */
  | { kind: 'saving' }
  /** Final and announced, or final before this session: never announced (again). */
  | { kind: 'done' }

/**
 * A succeeded run's files are still on their way and nothing has gone wrong yet. A first save that failed
 * (a full disk) stays `pending` while core retries, but the user must hear of it now, not after the retry.
 */
const stillSaving = (run: Run): boolean => run.status === 'succeeded' && run.outputs === 'pending' && run.error === null

/**
 * Folds `run.updated` events into what a notifier needs (the desktop shell's OS notifications, the web
 * page's browser notifications): how many runs are live (tray, badge,
 * quit prompt), and which runs just *ended* in this session, so that a notification can say so.
 *
 * - Runs already final when the app started are never announced; nor is a final run seen for the first
 *   time unless it was created after the start (a run that failed on submit).
 * - Failed, cancelled and timed-out runs are announced as they reach that state.
 * - A succeeded run is announced at the first update whose `outputs` is no longer `pending` (saved, failed
 *   or nothing to save), or is `pending` with an error (the first save failed and will be retried).
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
    // It ends now (it was live, new in this session, or its outputs were on their way).
    if (stillSaving(run)) {
      this.runs.set(run.id, { kind: 'saving' })
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

/** What an OS notification about a finished run says, and where clicking it takes the user. */
export interface RunNotice {
  title: string
  body: string
  target: AppOpenTarget
  /** The output whose thumbnail is the notification's image (succeeded runs with outputs). */
  outputId: string | null
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

function clip(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`
}

/** The prompt the run was made from, when its inputs have one (`prompt`, or the first text input named like it). */
function promptOf(run: Run): string | null {
  const entry = Object.entries(run.inputs).find(([key, value]) => /prompt/i.test(key) && !/negative/i.test(key) && typeof value === 'string')
  return entry && typeof entry[1] === 'string' && entry[1].trim() !== '' ? entry[1] : null
}

/**
 * The words for a run that ended: succeeded → "<deployment> finished · N outputs" with the prompt (or
 * what could not be saved); failed, cancelled, timed out → the reason the service or core gave.
 * Clicking opens the first output in the gallery, or the run in Runs when there is no output.
 */
export function describeRunEnd(run: Run, firstOutput: Output | null): RunNotice {
  const name = run.deploymentName || run.deploymentId
  const target: AppOpenTarget = firstOutput ? { view: 'gallery', outputId: firstOutput.id } : { view: 'runs', runId: run.id }
  const outputId = firstOutput?.id ?? null
  switch (run.status) {
    case 'succeeded':
      return {
        title: `${name} finished · ${plural(run.outputCount, 'output')}`,
        body: clip(run.error?.message ?? promptOf(run) ?? 'Saved to your library.'),
        target,
        outputId,
      }
    case 'cancelled':
      return { title: `${name} was cancelled`, body: clip(run.error?.message ?? 'The run was cancelled.'), target, outputId }
    case 'timed_out':
      return { title: `${name} timed out`, body: clip(run.error?.message ?? 'The service did not finish the run in time.'), target, outputId }
    default:
      return { title: `${name} failed`, body: clip(run.error?.message ?? 'The service reported a failure.'), target, outputId }
  }
}

/** A run's first output, in the order they were saved: the one its notification shows and opens. */
export function firstOutput(outputs: readonly Output[]): Output | null {
  return [...outputs].sort((a, b) => a.createdAt - b.createdAt || a.path.localeCompare(b.path))[0] ?? null
}
