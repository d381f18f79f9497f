import sharp from 'sharp'
import type { CourierEvent } from '@shared/events'
import { RunWatch, describeRunEnd, firstOutput } from '@shared/run-watch'
import type { Grid } from '@shared/grid'
import type { Output } from '@shared/output'
import type { Run } from '@shared/run'
import type { Core } from '../core/core-types'

/**
 * The output's thumbnail as PNG bytes, for the OS notification: core serves thumbnails as WebP, which
 * Electron's `nativeImage` cannot decode, so sharp converts it here. Null when there is none.
 */
export async function thumbnailPng(core: Pick<Core, 'media'>, outputId: string, log: (message: string) => void): Promise<Buffer | null> {
  try {
    const response = await core.media(outputId, null, { thumbnail: true })
    if (!response.ok) {
      await response.body?.cancel()
      return null
    }
    const webp = Buffer.from(await response.arrayBuffer())
    return await sharp(webp).png().toBuffer()
  } catch (error) {
    log(`notification thumbnail for ${outputId}: ${error instanceof Error ? error.message : String(error)}`)
    return null
  }
}

/** A notification to show; `index.ts` turns it into Electron's `Notification` (with `nativeImage`). */
export interface ShownNotification {
  title: string
  body: string
  /** PNG bytes, or null for the app icon. */
  iconPng: Buffer | null
  onClick(): void
}

export interface RunNotifierDeps {
  core: Pick<Core, 'call' | 'media' | 'events'>
  /** Runs as they stood at start (`runs.list`): the final ones are never announced. */
  initialRuns: readonly Run[]
  startedAt: number
  isWindowFocused(): boolean
  show(notification: ShownNotification): void
  /** Shows and focuses the window (creating it if it was closed); resolves once its page listens. */
  showWindow(): Promise<void>
  /** Called with the number of live runs at start and whenever it changes (tray, badge). */
  onLiveCount(count: number): void
  log(message: string): void
}

export interface RunNotifier {
  liveCount(): number
  /** Resolves when every announcement under way has been shown (tests, shutdown). */
  idle(): Promise<void>
  stop(): void
}

/** The first output of a run, in the order they were saved. */
async function firstOutputOf(core: Pick<Core, 'call'>, run: Run): Promise<Output | null> {
  if (run.status !== 'succeeded' || run.outputCount === 0) return null
  const answer = await core.call('outputs.list', { runId: run.id, limit: 100 })
  return answer.ok ? firstOutput(answer.value) : null
}

/**
 * Watches `core.events` for runs ending while the user works elsewhere (the window not focused) and
 * announces each with an OS notification; clicking it brings the window forward and asks the page to
 * show the output (or the run) with an `app.open` event. Also reports the live-run count as it moves.
 */
export function watchRuns(deps: RunNotifierDeps): RunNotifier {
  const watch = new RunWatch(deps.initialRuns, deps.startedAt)
  const pending = new Set<Promise<void>>()
  let live = watch.liveCount()
  deps.onLiveCount(live)

  const announce = async (run: Run): Promise<void> => {
    const first = await firstOutputOf(deps.core, run).catch(() => null)
    const notice = describeRunEnd(run, first)
    const iconPng = notice.outputId ? await thumbnailPng(deps.core, notice.outputId, deps.log) : null
    deps.show({
      title: notice.title,
      body: notice.body,
      iconPng,
      onClick: () => {
        deps
          .showWindow()
          .then(() => deps.core.events.publish({ type: 'app.open', target: notice.target }))
          .catch((error: unknown) => deps.log(`could not open the window for a notification: ${String(error)}`))
      },
    })
  }

  /**
   * A grid is announced once, when its image is saved or refused, never cell by cell (a 20×20 grid would
   * be 400 notifications). Each image is announced once: a re-run's new image is news again.
   */
  const gridsAnnounced = new Set<string>()
  const announceGrid = (grid: Grid): void => {
    if (grid.imageState !== 'saved' && grid.imageState !== 'failed') return
    const key = `${grid.gridId}/${grid.imageOutputId ?? 'none'}`
    if (gridsAnnounced.has(key) || deps.isWindowFocused()) return
    gridsAnnounced.add(key)
    const succeeded = grid.cells.filter((cell) => cell.status === 'succeeded').length
    const imageId = grid.imageOutputId
    const job = (imageId ? thumbnailPng(deps.core, imageId, deps.log) : Promise.resolve(null))
      .then((iconPng) =>
        deps.show({
          title: `${grid.deploymentName} grid finished · ${succeeded} of ${grid.cells.length} cells`,
          body: grid.imageError ?? 'The grid image is in the gallery.',
          iconPng,
          onClick: () => {
            const target = imageId ? { view: 'gallery' as const, outputId: imageId } : { view: 'runs' as const, runId: grid.cells[0]!.runId }
            deps
              .showWindow()
              .then(() => deps.core.events.publish({ type: 'app.open', target }))
              .catch((error: unknown) => deps.log(`could not open the window for a notification: ${String(error)}`))
          },
        }),
      )
      .catch((error: unknown) => deps.log(`notification for grid ${grid.gridId} failed: ${String(error)}`))
      .finally(() => pending.delete(job))
    pending.add(job)
  }

  const unsubscribe = deps.core.events.subscribe((event: CourierEvent) => {
    if (event.type === 'grid.updated') return announceGrid(event.grid)
    if (event.type !== 'run.updated') return
    const ended = watch.update(event.run)
    const now = watch.liveCount()
    if (now !== live) {
      live = now
      deps.onLiveCount(now)
    }
    // The user is looking at the app: the Runs view already shows it.
    if (!ended || ended.gridId !== null || deps.isWindowFocused()) return
    const job = announce(ended)
      .catch((error: unknown) => deps.log(`notification for run ${ended.id} failed: ${String(error)}`))
      .finally(() => pending.delete(job))
    pending.add(job)
  })

  return {
    liveCount: () => live,
    idle: async () => {
      while (pending.size > 0) await Promise.all(pending)
    },
    stop: unsubscribe,
  }
}
