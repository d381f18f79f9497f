import { setImmediate as nextTurn } from 'node:timers/promises'
import PQueue from 'p-queue'
import type { RecentPictures } from '../library/recent-pictures'
import { cellKey, resizeTile, type GridDraft, type GridLayout } from './grid-image'
import { placeRgb, scanlineBytes, type Scanlines } from './grid-png'

/** The most memory held by grids' images drawn ahead: a 20×20 grid of 256 px cells is a 93 MB canvas. */
export const GRID_TILES_MAX_BYTES = 256 * 1024 * 1024

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
  layout: Pick<GridLayout, 'width' | 'height' | 'cellWidth' | 'cellHeight'>
  canvas: Promise<Scanlines>
  placed: Map<string, string>
  pending: Set<Promise<void>>
  bytes: number
  /** The image is being made from this: nothing more is drawn into it. */
  collected: boolean
}

/**
 * Grids' images drawn while they fill: each cell's picture is resized and placed on its grid's canvas as
 * the cell's run saves it, one picture at a time beside the runs, so that once the last cell ends only the
 * cells not drawn yet, the text and the encoding are left (resizing 400 pictures was more than a second of
 * a 20×20 grid's image, and its canvas's first touch another 0.3 s). A picture that fails here, or that the
 * final layout puts elsewhere, is drawn again when the image is made.
 */
export class GridTiles {
  private readonly grids = new Map<string, Held>()
  private readonly queue = new PQueue({ concurrency: 1 })
  private bytes = 0

  /** `recent`: pictures the thumbnail step decoded, drawn from instead of decoding their files again. */
  constructor(
    private readonly maxBytes = GRID_TILES_MAX_BYTES,
    private readonly recent?: RecentPictures,
  ) {}

  /**
   * Draws `file` into the cell at (x, y, z) of `gridId`'s image as `layout` places it. Skipped when the grid's
   * canvas was begun for another layout, or its canvas does not fit in memory.
   */
  prepare(gridId: string, layout: GridLayout, cell: { x: number; y: number; z: number }, file: string): void {
    let grid = this.grids.get(gridId)
    if (!grid) {
      const bytes = scanlineBytes(layout.width) * layout.height
      if (this.bytes + bytes > this.maxBytes) return
      this.bytes += bytes
      grid = { layout, canvas: whiteCanvas(layout.width, layout.height), placed: new Map(), pending: new Set(), bytes, collected: false }
      this.grids.set(gridId, grid)
    }
    const same = grid.layout.width === layout.width && grid.layout.height === layout.height && grid.layout.cellWidth === layout.cellWidth && grid.layout.cellHeight === layout.cellHeight
    const key = cellKey(cell.x, cell.y, cell.z)
    if (!same || grid.collected || grid.placed.get(key) === file) return
    const held = grid
    const { left, top } = layout.cellAt(cell.x, cell.y, cell.z)
    const job = this.queue
      .add(async () => {
        // Not started by the time the image is made: left to the image, which resizes four at once.
        if (held.collected) return
        const tile = await resizeTile(file, layout.cellWidth, layout.cellHeight, this.recent?.take(file))
        placeRgb(await held.canvas, tile.pixels, tile.width, tile.height, left, top)
        held.placed.set(key, file)
      })
      // A picture that cannot be read here is read again by the image, which draws its error.
      .catch(() => {})
    held.pending.add(job)
    void job.finally(() => held.pending.delete(job))
  }

  /**
   * The grid's image as drawn so far, once the pictures under way are placed; those still waiting their turn
   * are not drawn here any more (one at a time behind the others would be slower). Null: none was begun.
   */
  async ready(gridId: string): Promise<GridDraft | null> {
    const grid = this.grids.get(gridId)
    if (!grid) return null
    grid.collected = true
    await Promise.all(grid.pending)
    return { canvas: await grid.canvas, cellWidth: grid.layout.cellWidth, cellHeight: grid.layout.cellHeight, placed: grid.placed }
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
