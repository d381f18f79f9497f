import { setImmediate as nextTurn } from 'node:timers/promises'
import PQueue from 'p-queue'
import type { RecentPictures } from '../library/recent-pictures'
import type { DraftBand, GridDraft } from './grid-image'
import { sameGeometry, type GridLayout } from './grid-layout'
import { cellPieces, labelPieces, type GridImageCell, type GridPiece, type RawTile } from './grid-pieces'
import { deflateRows, placeRgb, scanlineBytes, type Scanlines } from './grid-png'

/** The most memory held by grids' images drawn ahead: a 20×20 grid of 256 px cells is a 93 MB canvas. */
export const GRID_DRAFTS_MAX_BYTES = 256 * 1024 * 1024

/** Whitened a slice at a time: the first touch of a fresh 93 MB canvas is 0.3 s of page faults, not to be one block. */
const WHITEN_SLICE = 8 * 1024 * 1024

async function whiteCanvas(width: number, height: number): Promise<Scanlines> {
  const data = Buffer.allocUnsafeSlow(scanlineBytes(width) * height)
  for (let at = 0; at < data.length; at += WHITEN_SLICE) {
    data.fill(0xff, at, Math.min(data.length, at + WHITEN_SLICE))
    await nextTurn()
  }
  return { width, height, data }
}

interface Held {
  layout: GridLayout
  canvas: Promise<Scanlines>
  bands: DraftBand[]
  /** How many slots each band has when every cell in it has its picture (and time): then it is encoded. */
  slots: number[]
  times: Map<string, Promise<RawTile>>
  pending: Set<Promise<void>>
  bytes: number
  /** The image is being made from this: nothing more is drawn into it. */
  collected: boolean
}

/**
 * Grids' images drawn while they fill. At a grid's first saved picture its canvas is made and its labels are
 * drawn; then each cell's picture (and time) is drawn as the cell's run saves it, one piece at a time beside
 * the runs; a band whose every cell is drawn is filtered and deflated at once. When the last cell ends, only
 * the bands with a cell not drawn (a failure, a picture still waiting its turn) are left to the image: a
 * 20×20 grid's image was 0.45 s of drawing and encoding after its last cell. A piece that fails here, or that
 * the final layout puts elsewhere, is drawn again when the image is made.
 */
export class GridDrafts {
  private readonly grids = new Map<string, Held>()
  private readonly queue = new PQueue({ concurrency: 1 })
  private bytes = 0

  /** `recent`: pictures the thumbnail step decoded, drawn from instead of decoding their files again. */
  constructor(
    private readonly maxBytes = GRID_DRAFTS_MAX_BYTES,
    private readonly recent?: RecentPictures,
  ) {}

  /**
   * Draws a cell (its picture and time) into `gridId`'s image as `layout` places it. Skipped when the grid's
   * canvas was begun for another layout, or a canvas does not fit in memory.
   */
  prepare(gridId: string, layout: GridLayout, cell: GridImageCell): void {
    const grid = this.grids.get(gridId) ?? this.begin(gridId, layout)
    if (!grid || grid.collected || !sameGeometry(grid.layout, layout)) return
    const decoded = (file: string) => this.recent?.take(file)
    for (const piece of cellPieces(layout, cell, { decoded, times: grid.times })) this.draw(grid, piece)
  }

  /** A grid's canvas, its labels queued to be drawn; undefined when it would pass the memory cap. */
  private begin(gridId: string, layout: GridLayout): Held | undefined {
    const bytes = scanlineBytes(layout.width) * layout.height
    if (this.bytes + bytes > this.maxBytes) return undefined
    this.bytes += bytes
    const labels = labelPieces(layout)
    const slots = layout.bands.map((_, i) => labels.filter((piece) => piece.band === i).length)
    for (let z = 0; z < layout.pages; z++) {
      for (let y = 0; y < layout.rows; y++) slots[layout.rowBand(y, z)]! += layout.columns * (layout.timeHeight > 0 ? 2 : 1)
    }
    const grid: Held = {
      layout,
      canvas: whiteCanvas(layout.width, layout.height),
      bands: layout.bands.map(() => ({ drawn: new Map(), encoded: null, intact: true })),
      slots,
      times: new Map(),
      pending: new Set(),
      bytes,
      collected: false,
    }
    this.grids.set(gridId, grid)
    for (const piece of labels) this.draw(grid, piece)
    return grid
  }

  /** Queues a piece to be drawn into its band, unless the band holds it already or is being encoded. */
  private draw(grid: Held, piece: GridPiece): void {
    const band = grid.bands[piece.band]!
    if (!band.intact || band.drawn.get(piece.slot) === piece.content) return
    const job = this.queue
      .add(async () => {
        // Not started by the time the image is made: left to the image, which draws four at once.
        if (grid.collected) return
        const tile = await piece.draw()
        if (!band.intact) return
        placeRgb(await grid.canvas, tile.pixels, tile.width, tile.height, piece.left, piece.top)
        band.drawn.set(piece.slot, piece.content)
        if (band.drawn.size === grid.slots[piece.band]) this.seal(grid, piece.band)
      })
      // A piece that cannot be drawn here is drawn again by the image, which shows a picture's error.
      .catch(() => {})
    this.track(grid, job)
  }

  /** Encodes a band whose every slot is drawn: its rows are filtered in place, so nothing is drawn into it after. */
  private seal(grid: Held, index: number): void {
    const band = grid.bands[index]!
    const rows = grid.layout.bands[index]!
    band.intact = false
    const job = grid.canvas
      .then((canvas) => deflateRows(canvas, rows.from, rows.to))
      .then((encoded) => {
        band.encoded = encoded
      })
      // Left with `intact` false and nothing encoded: the image draws the band again.
      .catch(() => {})
    this.track(grid, job)
  }

  private track(grid: Held, job: Promise<void>): void {
    grid.pending.add(job)
    void job.finally(() => grid.pending.delete(job))
  }

  /**
   * The grid's image as drawn so far, once the pieces and bands under way are done; pieces still waiting their
   * turn are not drawn here any more (one at a time behind the others would be slower). Null: none was begun.
   */
  async ready(gridId: string): Promise<GridDraft | null> {
    const grid = this.grids.get(gridId)
    if (!grid) return null
    grid.collected = true
    while (grid.pending.size > 0) await Promise.all(grid.pending)
    return { layout: grid.layout, canvas: await grid.canvas, bands: grid.bands }
  }

  /** Resolves once every piece queued so far is drawn, and every band one completed is encoded. */
  async settled(): Promise<void> {
    await this.queue.onIdle()
    for (const grid of this.grids.values()) while (grid.pending.size > 0) await Promise.all(grid.pending)
  }

  /** Lets go of a grid's canvas: its image is made (or cannot be). */
  forget(gridId: string): void {
    const grid = this.grids.get(gridId)
    if (!grid) return
    this.bytes -= grid.bytes
    this.grids.delete(gridId)
  }

  /** Drops what has not started and waits for what has. */
  async stop(): Promise<void> {
    this.queue.clear()
    await this.queue.onIdle()
    this.grids.clear()
    this.bytes = 0
  }
}
