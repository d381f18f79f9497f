import { copyFile, mkdir } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type { CourierEvent } from '@shared/events'
import type { Output } from '@shared/output'
import { isTerminal, statusStage, type Run, type RunId } from '@shared/run'
import type { Reporter } from './reporter'
import { must, type Session } from './session'

/** A run is over for the command: ended at the service and, when files are awaited, its files settled. */
export function settled(run: Run, waitForFiles: boolean): boolean {
  if (!isTerminal(run.status)) return false
  if (!waitForFiles || run.status !== 'succeeded') return true
  // A first save that failed (a full disk) stays `pending` while core retries: the user hears of it now.
  return run.outputs !== 'pending' || run.error !== null
}

export interface Followed {
  runs: Run[]
  outputs: Output[]
  /** `done`: every run settled; `timeout`: `--timeout` passed; `interrupted`: Ctrl+C. */
  ending: 'done' | 'timeout' | 'interrupted'
}

export interface FollowOptions {
  session: Session
  reporter: Reporter
  runs: Run[]
  waitForFiles: boolean
  /** Absolute library folder: outputs' paths are relative to it. */
  libraryDir: string
  timeoutMs: number | null
  /** Resolves when the user interrupts (Ctrl+C). */
  interrupted: Promise<void>
  /** The core's events, subscribed to before the submit so none is missed. */
  tap: EventTap
}

/** Core's events from the moment it is opened, held until a handler is attached (so a submit's first ones are kept). */
export class EventTap {
  private buffer: CourierEvent[] = []
  private handler: ((event: CourierEvent) => void) | null = null
  private stop: () => void = () => {}

  static async open(session: Session): Promise<EventTap> {
    const tap = new EventTap()
    tap.stop = await session.subscribe((event) => (tap.handler ? tap.handler(event) : tap.buffer.push(event)))
    return tap
  }

  attach(handler: (event: CourierEvent) => void): void {
    this.handler = handler
    for (const event of this.buffer.splice(0)) handler(event)
  }

  close(): void {
    this.handler = null
    this.stop()
  }
}

export const outputPath = (libraryDir: string, output: Output): string => (output.folder ? join(output.folder, output.path) : join(libraryDir, output.path))

/** The JSON form of an output in events and summaries. */
export const outputJson = (libraryDir: string, output: Output) => ({
  id: output.id,
  run: output.runId,
  path: outputPath(libraryDir, output),
  kind: output.kind,
  mime: output.mime,
  bytes: output.bytes,
  width: output.width,
  height: output.height,
  seed: output.seed,
})

/** The JSON form of a run in events and summaries. */
export const runJson = (run: Run) => ({
  id: run.id,
  provider: run.provider,
  deploymentId: run.deploymentId,
  deployment: run.deploymentName,
  status: run.status,
  progress: run.progress,
  liveStatus: run.liveStatus,
  outputs: run.outputs,
  outputCount: run.outputCount,
  batchId: run.batchId,
  gridId: run.gridId,
  cost: run.cost,
  error: run.error,
  createdAt: run.createdAt,
  finishedAt: run.finishedAt,
})

const OUTPUTS_RANK = { none: 0, pending: 1, saved: 2, failed: 2 } as const

/** Whether `a` is a later copy of a run than `b` (copies cross: an event and a poll's answer may arrive in either order). */
function newer(a: Run, b: Run): boolean {
  if (statusStage(a.status) !== statusStage(b.status)) return statusStage(a.status) > statusStage(b.status)
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt
  if (a.outputs !== b.outputs) return OUTPUTS_RANK[a.outputs] > OUTPUTS_RANK[b.outputs]
  return a.progress > b.progress || a.liveStatus !== b.liveStatus
}

/**
 * Follows runs to their end: NDJSON `progress`, `output` and `finished` events (or bars for people), from
 * the core's events and, as a safety net for anything missed, a look at each unfinished run every second.
 */
export async function follow(opts: FollowOptions): Promise<Followed> {
  const { session, reporter } = opts
  const runs = new Map<string, Run>(opts.runs.map((run) => [run.id, run]))
  const outputs = new Map<string, Output>()
  const finished = new Set<string>()
  let wake: () => void = () => {}

  const report = (run: Run): void => {
    const before = runs.get(run.id)
    if (finished.has(run.id) || (before && before !== run && !newer(run, before))) return
    runs.set(run.id, run)
    if (!before || before.status !== run.status || before.progress !== run.progress || before.liveStatus !== run.liveStatus) {
      reporter.event('progress', { run: run.id, status: run.status, progress: run.progress, liveStatus: run.liveStatus })
    }
    reporter.runBar(run)
    if (settled(run, opts.waitForFiles)) {
      finished.add(run.id)
      reporter.event('finished', { run: run.id, status: run.status, outputs: run.outputCount, cost: run.cost, error: run.error })
    }
    wake()
  }
  const saved = (output: Output): void => {
    if (!output.runId || !runs.has(output.runId) || outputs.has(output.id)) return
    outputs.set(output.id, output)
    reporter.event('output', { run: output.runId, output: outputJson(opts.libraryDir, output) })
  }
  const onEvent = (event: CourierEvent): void => {
    if (event.type === 'run.updated' && runs.has(event.run.id)) report(event.run)
    else if (event.type === 'output.saved') saved(event.output)
  }

  for (const run of opts.runs) report(run)
  opts.tap.attach(onEvent)

  let ending: Followed['ending'] | null = null
  const timer = opts.timeoutMs === null ? null : setTimeout(() => ((ending ??= 'timeout'), wake()), opts.timeoutMs)
  void opts.interrupted.then(() => {
    ending ??= 'interrupted'
    wake()
  })
  try {
    while (ending === null && finished.size < runs.size) {
      // Outputs are listed as each run ends, so none is missed whatever events were lost.
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, 1000)
      })
      if (ending !== null) break
      for (const run of runs.values()) {
        if (finished.has(run.id)) continue
        const fresh = await session.call('runs.get', { id: run.id as RunId })
        if (fresh.ok) {
          if (fresh.value.status === 'succeeded') for (const output of await listOutputs(session, run.id)) saved(output)
          report(fresh.value)
        }
      }
    }
    if (ending === null) {
      ending = 'done'
      for (const run of runs.values()) if (run.outputCount > 0 || run.status === 'succeeded') for (const output of await listOutputs(session, run.id)) saved(output)
    }
  } finally {
    if (timer) clearTimeout(timer)
    opts.tap.close()
  }
  return { runs: [...runs.values()], outputs: [...outputs.values()], ending }
}

async function listOutputs(session: Session, runId: string): Promise<Output[]> {
  const listed = await must(session, 'outputs.list', { runId: runId as RunId, limit: 500 })
  return [...listed].reverse() // oldest first: the order they were saved in
}

/** Copies saved outputs into `dir` (made when missing), never overwriting: `name-1.png` beside `name.png`. */
export async function copyOutputs(libraryDir: string, outputs: readonly Output[], dir: string): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true })
  const copied = new Map<string, string>()
  for (const output of outputs) {
    const source = outputPath(libraryDir, output)
    const extension = extname(source)
    const stem = basename(source, extension)
    for (let n = 0; ; n++) {
      const target = join(dir, n === 0 ? `${stem}${extension}` : `${stem}-${n}${extension}`)
      try {
        await copyFile(source, target, 1 /* COPYFILE_EXCL */)
        copied.set(output.id, target)
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
    }
  }
  return copied
}
