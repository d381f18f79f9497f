import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { CourierEvent } from '@shared/events'
import type { Grid, GridSubmitArgs, GridSubmitResult, SubmitListArgs } from '@shared/grid'
import type { Output } from '@shared/output'
import { err, ok, type Result } from '@shared/result'
import { isTerminal, type InputValues, type Run, type RunId } from '@shared/run'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import { waitingText, type ProviderQueue } from '../runs/provider-queue'
import type { RunLedger } from '../runs/run-ledger'
import type { RunService } from '../runs/run-service'
import type { SpendService } from '../spend/spend-service'
import { GridsRepo, type StoredCell, type StoredGrid } from '../store/grids-repo'
import type { OutputsRepo } from '../store/outputs-repo'
import { publicRun, type StoredRun } from '../store/runs-repo'
import type { Db } from '../store/database'
import { planGrid, planList } from './grid-cells'
import { encodeGrid } from './grid-image'
import { layoutGrid, type GridLayout } from './grid-layout'
import type { GridImageCell } from './grid-pieces'
import { saveGridImage } from './grid-image-file'
import type { RecentPictures } from '../library/recent-pictures'
import { GridDrafts } from './grid-drafts'

export interface GridServiceDeps {
  db: Db
  ledger: Pick<RunLedger, 'transaction' | 'require' | 'get'>
  runService: Pick<RunService, 'target' | 'createWaiting' | 'cancel'>
  queue: Pick<ProviderQueue, 'enqueue' | 'waitingCount'>
  spend: Pick<SpendService, 'authorize'>
  outputs: Pick<OutputsRepo, 'insertGridImage' | 'location' | 'remove' | 'get'>
  events: EventHub<CourierEvent>
  log: Logger
  libraryDir: () => string
  /** "Comfy Courier 0.1.0", written into the grid image's record. */
  app: string
  /** Makes the saved image's thumbnail (and forgets a replaced one's). */
  thumbnails: { ensure(id: string): Promise<boolean>; remove(id: string): Promise<void> }
  /** The pictures the thumbnail step decoded last: a cell's picture is drawn from these where they have it. */
  recentPictures?: RecentPictures
  /** Grid updates are sent at most this often per grid (default 200 ms): each carries every cell. */
  updateEveryMs?: number
  now?: () => number
}

const newGridId = () => `g_${randomBytes(9).toString('base64url')}`
const newBatchId = () => `b_${randomBytes(9).toString('base64url')}`
const ENDED_BADLY = new Set(['failed', 'cancelled', 'timed_out'])

/** The time printed under a cell: from its run's send to its end, for a cell that succeeded. */
const cellSeconds = (cell: Pick<StoredCell, 'status' | 'startedAt' | 'finishedAt'>): number | null =>
  cell.status === 'succeeded' && cell.finishedAt !== null ? Math.max(0, (cell.finishedAt - cell.startedAt) / 1000) : null

/**
 * Comparison grids and prompt lists (issue 18): the one owner of grid state (its set-up, its cells'
 * places, its image). Every cell and row is an ordinary run, created up front and sent through the
 * provider's local queue; the grid follows its runs through the ledger's announcements, and once every
 * cell has ended it assembles the grid image and saves it into the library.
 */
export class GridService {
  private readonly repo: GridsRepo
  private readonly now: () => number
  /** The last status/outputs seen of each live cell's run: a grid is announced only when one moved. */
  private readonly seen = new Map<string, string>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly lastSent = new Map<string, number>()
  private readonly making = new Map<string, Promise<void>>()
  private readonly drafts: GridDrafts
  /** Each filling grid's image layout for a picture shape (width ÷ height), or null where none fits. */
  private readonly layouts = new Map<string, { aspect: number; layout: GridLayout | null }>()
  private unsubscribe: (() => void) | null = null
  private stopped = false

  constructor(private readonly deps: GridServiceDeps) {
    this.repo = new GridsRepo(deps.db)
    this.drafts = new GridDrafts(undefined, deps.recentPictures)
    this.now = deps.now ?? Date.now
  }

  start(): void {
    this.stopped = false
    this.unsubscribe = this.deps.events.subscribe((event) => {
      if (event.type === 'run.updated' && event.run.gridId !== null) this.onCellRun(event.run)
    })
    // A grid whose cells ended while the app was closed (or whose image was being made) is finished now.
    for (const grid of this.repo.unsettled()) this.settle(grid.id)
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    await Promise.allSettled(this.making.values())
    // After the images: one being made waits for its draft.
    await this.drafts.stop()
    this.layouts.clear()
  }

  // ── submits ──────────────────────────────────────────────────────────────────────────────────────

  async submit(args: GridSubmitArgs): Promise<Result<GridSubmitResult>> {
    const target = await this.deps.runService.target(args.provider, args.deploymentId)
    if (!target.ok) return target
    const { client, deployment } = target.value
    const plan = planGrid(deployment.inputs, args.inputs, args.axes)
    if (!plan.ok) return plan
    const { axes, cells } = plan.value
    // The whole grid is checked against the budget at once: all of it is confirmed, or nothing is made.
    const spend = await this.deps.spend.authorize({ provider: client.id, deploymentId: deployment.id, count: cells.length, confirmUsd: args.confirmUsd })
    if (!spend.ok) return spend
    const gridId = newGridId()
    let runs: StoredRun[]
    try {
      const ahead = this.deps.queue.waitingCount(client.id)
      // One transaction: the grid, its runs and their places exist together or not at all. Each run
      // carries its share of the estimate from here on, which is what counts against the budget.
      runs = this.deps.ledger.transaction(() => {
        this.repo.insert({
          id: gridId,
          provider: client.id,
          deploymentId: deployment.id,
          deploymentName: deployment.name,
          inputs: args.inputs,
          axes,
          cellTime: args.cellTime ?? true,
          createdAt: this.now(),
        })
        return cells.map((cell, i) => {
          const run = this.deps.runService.createWaiting(client, deployment, cell.inputs, {
            gridId,
            estimateUsd: spend.value.perRunUsd,
            liveStatus: waitingText(ahead + i),
          })
          this.repo.placeRun(gridId, cell, run.id)
          return run
        })
      })
    } finally {
      spend.value.release()
    }
    this.deps.queue.enqueue(client.id, runs.map((run) => run.id))
    this.deps.log.info('grid submitted', { gridId, provider: client.id, cells: runs.length })
    return ok({ gridId, runs: runs.map((run) => publicRun(this.deps.ledger.require(run.id))) })
  }

  /** A prompt list or CSV: one run per row, one batch, authorized at once and sent through the same queue. */
  async submitList(args: SubmitListArgs): Promise<Result<Run[]>> {
    const target = await this.deps.runService.target(args.provider, args.deploymentId)
    if (!target.ok) return target
    const { client, deployment } = target.value
    const plan = planList(deployment.inputs, args.inputs, args.rows)
    if (!plan.ok) return plan
    const spend = await this.deps.spend.authorize({ provider: client.id, deploymentId: deployment.id, count: plan.value.length, confirmUsd: args.confirmUsd })
    if (!spend.ok) return spend
    const batchId = newBatchId()
    let runs: StoredRun[]
    try {
      const ahead = this.deps.queue.waitingCount(client.id)
      runs = this.deps.ledger.transaction(() =>
        plan.value.map((inputs, i) =>
          this.deps.runService.createWaiting(client, deployment, inputs, { batchId, estimateUsd: spend.value.perRunUsd, liveStatus: waitingText(ahead + i) }),
        ),
      )
    } finally {
      spend.value.release()
    }
    this.deps.queue.enqueue(client.id, runs.map((run) => run.id))
    this.deps.log.info('list submitted', { batchId, provider: client.id, rows: runs.length })
    return ok(runs.map((run) => publicRun(this.deps.ledger.require(run.id))))
  }

  /** The failed, cancelled and timed-out cells, each a new run in its place; only they are authorized. */
  async rerunFailed(gridId: string, confirmUsd?: number): Promise<Result<Grid>> {
    const grid = this.repo.get(gridId)
    if (!grid) return err('NOT_FOUND', `There is no grid ${gridId}.`)
    const again = this.repo.cells(gridId).filter((cell) => ENDED_BADLY.has(cell.status))
    if (again.length === 0) return err('CONFLICT', 'No cell of this grid failed, was cancelled or timed out: there is nothing to run again.')
    const target = await this.deps.runService.target(grid.provider, grid.deploymentId)
    if (!target.ok) return target
    const { client, deployment } = target.value
    const spend = await this.deps.spend.authorize({ provider: client.id, deploymentId: deployment.id, count: again.length, confirmUsd })
    if (!spend.ok) return spend
    let runs: StoredRun[]
    try {
      const ahead = this.deps.queue.waitingCount(client.id)
      runs = this.deps.ledger.transaction(() => {
        const made = again.map((cell, i) => {
          // The same inputs as the cell's first run: the cell stands for them.
          const inputs: InputValues = this.deps.ledger.require(cell.runId).inputs
          const run = this.deps.runService.createWaiting(client, deployment, inputs, { gridId, estimateUsd: spend.value.perRunUsd, liveStatus: waitingText(ahead + i) })
          this.repo.placeRun(gridId, cell, run.id)
          return run
        })
        // The image is made again once these end; the one saved stays until then.
        this.repo.setImage(gridId, { state: 'waiting' })
        return made
      })
    } finally {
      spend.value.release()
    }
    this.deps.queue.enqueue(client.id, runs.map((run) => run.id))
    this.deps.log.info('grid cells run again', { gridId, cells: runs.length })
    this.announce(gridId)
    return ok(this.read(gridId)!)
  }

  /** Cancels every cell not ended: those waiting are never sent; those at the service are cancelled there. */
  async cancel(gridId: string): Promise<Result<Grid>> {
    if (!this.repo.get(gridId)) return err('NOT_FOUND', `There is no grid ${gridId}.`)
    const live = this.repo.cells(gridId).filter((cell) => !isTerminal(cell.status))
    // Waiting ones first, all of them, before any slow call to the service frees a slot for one.
    const byWaiting = [...live].sort((a, b) => Number(this.deps.ledger.get(b.runId)?.waiting) - Number(this.deps.ledger.get(a.runId)?.waiting))
    const refused: string[] = []
    for (const cell of byWaiting) {
      const result = await this.deps.runService.cancel(cell.runId as RunId)
      if (!result.ok) refused.push(result.error.message)
    }
    const grid = this.read(gridId)!
    if (refused.length > 0 && grid.cells.some((cell) => !isTerminal(cell.status))) {
      this.deps.log.warn('some grid cells could not be cancelled', { gridId, count: refused.length, first: refused[0] })
      const cancelled = live.length - refused.length
      return err(
        'CONFLICT',
        `${refused.length} cell${refused.length === 1 ? '' : 's'} could not be cancelled yet (${cancelled} ${cancelled === 1 ? 'was' : 'were'}): ${refused[0]}`,
      )
    }
    return ok(grid)
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────────────

  get(gridId: string): Result<Grid> {
    const grid = this.read(gridId)
    return grid ? ok(grid) : err('NOT_FOUND', `There is no grid ${gridId}.`)
  }

  list(limit: number): Grid[] {
    return this.repo.list(limit).map((grid) => this.toGrid(grid, this.repo.cells(grid.id)))
  }

  private read(gridId: string): Grid | undefined {
    const grid = this.repo.get(gridId)
    return grid && this.toGrid(grid, this.repo.cells(gridId))
  }

  private toGrid(grid: StoredGrid, cells: StoredCell[]): Grid {
    return {
      gridId: grid.id,
      provider: grid.provider,
      deploymentId: grid.deploymentId,
      deploymentName: grid.deploymentName,
      inputs: grid.inputs,
      axes: grid.axes,
      cells: cells.map((cell) => ({ x: cell.x, y: cell.y, z: cell.z, runId: cell.runId as RunId, status: cell.status, outputId: cell.outputId as Output['id'] | null })),
      cellTime: grid.cellTime,
      imageOutputId: grid.imageOutputId as Output['id'] | null,
      imageState: grid.imageState,
      imageError: grid.imageError,
      createdAt: grid.createdAt,
    }
  }

  // ── following the cells ─────────────────────────────────────────────────────────────────────────

  private onCellRun(run: Run): void {
    const key = `${run.status}/${run.outputs}/${run.outputCount}`
    // A progress tick or a cost: the grid shows statuses, not those. (A string per cell run this session.)
    if (this.seen.get(run.id) === key) return
    this.seen.set(run.id, key)
    const gridId = run.gridId!
    if (isTerminal(run.status) && run.outputs !== 'pending') {
      if (run.outputs === 'saved') this.drawAhead(gridId, run.id)
      // The last cell to end starts the image at once, not at the next announcement.
      if (!this.repo.hasOpenCells(gridId)) this.settle(gridId)
    }
    this.announce(gridId)
  }

  /** Draws a cell (its picture and time) into the grid's image ahead, as soon as its run has saved it. */
  private drawAhead(gridId: string, runId: string): void {
    const cell = this.repo.cellPicture(runId)
    const output = cell?.imageId == null ? undefined : this.deps.outputs.get(cell.imageId)
    const file = cell?.imageId == null ? null : this.fileOf(cell.imageId)
    if (!cell || !output?.width || !output.height || file === null) return
    const aspect = output.width / output.height
    let known = this.layouts.get(gridId)
    if (known?.aspect !== aspect) {
      const grid = this.repo.get(gridId)
      if (!grid) return
      const laid = layoutGrid({ axes: grid.axes, cellTime: grid.cellTime, aspect })
      known = { aspect, layout: laid.ok ? laid.value : null }
      this.layouts.set(gridId, known)
    }
    if (known.layout) this.drafts.prepare(gridId, known.layout, { x: cell.x, y: cell.y, z: cell.z, picture: { kind: 'picture', file }, seconds: cellSeconds(cell) })
  }

  /**
   * Sends `grid.updated` for a grid, at most once per interval (the last change always goes out); `atOnce`
   * for a change of the image's state, which ends a wait (the image made, or failed) and is never held back.
   */
  private announce(gridId: string, atOnce = false): void {
    if (this.stopped) return
    const pending = this.timers.get(gridId)
    if (pending && !atOnce) return
    clearTimeout(pending)
    const every = this.deps.updateEveryMs ?? 200
    const wait = atOnce ? 0 : Math.max(0, (this.lastSent.get(gridId) ?? -Infinity) + every - Date.now())
    const timer = setTimeout(() => {
      this.timers.delete(gridId)
      this.lastSent.set(gridId, Date.now())
      if (this.stopped) return
      const grid = this.read(gridId)
      if (!grid) return
      this.deps.events.publish({ type: 'grid.updated', grid })
    }, wait)
    this.timers.set(gridId, timer)
  }

  /** Makes the image of a grid whose cells have all ended (and whose pictures are all saved), once. */
  private settle(gridId: string): void {
    if (this.making.has(gridId) || this.stopped) return
    const grid = this.repo.get(gridId)
    if (!grid || (grid.imageState !== 'waiting' && grid.imageState !== 'making')) return
    const cells = this.repo.cells(gridId)
    if (!cells.every((cell) => isTerminal(cell.status) && cell.outputs !== 'pending')) return
    const job = this.makeImage(grid, cells)
      .catch((error: unknown) => {
        this.deps.log.error('grid image failed', { gridId, error: String(error) })
        this.setImage(gridId, { state: 'failed', error: `The grid image could not be made: ${(error as Error).message}` })
      })
      .finally(() => {
        this.making.delete(gridId)
        this.drafts.forget(gridId)
        this.layouts.delete(gridId)
        // A re-run may have started and ended while this image was drawn (and discarded): its turn now.
        if (this.repo.get(gridId)?.imageState === 'waiting') this.settle(gridId)
      })
    this.making.set(gridId, job)
  }

  private setImage(gridId: string, image: { state: Grid['imageState']; outputId?: string | null; error?: string | null }): void {
    this.repo.setImage(gridId, image)
    this.announce(gridId, true)
  }

  private async makeImage(grid: StoredGrid, cells: StoredCell[]): Promise<void> {
    if (!cells.some((cell) => cell.imageOutputId !== null)) {
      const why = cells.some((cell) => cell.status === 'succeeded')
        ? 'No cell saved a picture, so there is nothing to assemble.'
        : 'No cell succeeded, so there is nothing to assemble: re-run the failed cells.'
      this.setImage(grid.id, { state: 'failed', error: why })
      return
    }
    this.setImage(grid.id, { state: 'making' })
    const pictures: GridImageCell[] = cells.map((cell) => ({
      x: cell.x,
      y: cell.y,
      z: cell.z,
      picture: this.pictureOf(cell),
      seconds: cellSeconds(cell),
    }))
    const first = cells.find((cell) => cell.imageOutputId !== null)!
    const firstOutput = this.deps.outputs.get(first.imageOutputId!)
    const aspect = firstOutput?.width && firstOutput.height ? firstOutput.width / firstOutput.height : 1
    const draft = await this.drafts.ready(grid.id)
    const encoding = encodeGrid({ axes: grid.axes, cells: pictures, cellTime: grid.cellTime, aspect, draft })
    if (!encoding.ok) {
      this.setImage(grid.id, { state: 'failed', error: encoding.error.message })
      return
    }
    // The file is written while the bands left are drawn; a re-run started meanwhile makes the image again.
    const stillWanted = () => this.repo.get(grid.id)?.imageState === 'making' && !this.stopped
    const storage = { outputs: this.deps.outputs, libraryDir: this.deps.libraryDir(), app: this.deps.app }
    const saved = await saveGridImage(storage, grid, encoding.value, stillWanted)
    if (saved === null) return
    const previous = grid.imageOutputId
    this.setImage(grid.id, { state: 'saved', outputId: saved.id, error: null })
    this.deps.events.publish({ type: 'output.saved', output: saved })
    void this.deps.thumbnails.ensure(saved.id)
    if (previous !== null && previous !== saved.id) await this.forget(previous)
    this.deps.log.info('grid image saved', {
      gridId: grid.id,
      outputId: saved.id,
      width: encoding.value.width,
      height: encoding.value.height,
      bandsAhead: draft?.bands.filter((band) => band.encoded !== null).length ?? 0,
    })
  }

  /** A cell's picture for the image: its first saved picture, or a grey tile saying why there is none. */
  private pictureOf(cell: StoredCell): GridImageCell['picture'] {
    const file = cell.imageOutputId === null ? null : this.fileOf(cell.imageOutputId)
    if (file !== null) return { kind: 'picture', file }
    if (cell.status === 'succeeded') return { kind: 'missing', reason: cell.error?.message ?? 'No picture was saved for this cell.' }
    const what = cell.status === 'timed_out' ? 'Timed out' : cell.status === 'cancelled' ? 'Cancelled' : 'Failed'
    return { kind: 'missing', reason: cell.error ? `${what}: ${cell.error.message}` : what }
  }

  /** Where a saved output's file is, or null for an output no longer in the library. */
  private fileOf(outputId: string): string | null {
    const location = this.deps.outputs.location(outputId)
    return location ? join(location.root, ...location.path.split('/')) : null
  }

  /** The image a re-run replaced: its row, thumbnail and file go (it was made here, and is made again at will). */
  private async forget(outputId: string): Promise<void> {
    const file = this.fileOf(outputId)
    this.deps.outputs.remove([outputId])
    await this.deps.thumbnails.remove(outputId).catch(() => undefined)
    if (file !== null) await rm(file, { force: true })
  }
}
