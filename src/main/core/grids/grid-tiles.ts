import PQueue from 'p-queue'
import { resizeTile, type RawTile } from './grid-image'

/** The most resized pictures held for grids still filling: a 20×20 grid of 256 px cells needs 79 MB. */
export const GRID_TILES_MAX_BYTES = 256 * 1024 * 1024

/**
 * Cells' pictures resized for their grid's image as each cell's run saves them, one at a time beside the
 * runs, so that once the last cell ends only placing and encoding are left: resizing 400 pictures was
 * more than a second of a 20×20 grid's image. A picture that fails here is simply resized again (and its
 * error drawn) when the image is made; one whose size no longer fits the layout is too.
 */
export class GridTiles {
  private readonly grids = new Map<string, { tiles: Map<string, Promise<RawTile | null>>; bytes: number; collected: boolean }>()
  private readonly queue = new PQueue({ concurrency: 1 })
  private bytes = 0

  constructor(private readonly maxBytes = GRID_TILES_MAX_BYTES) {}

  /** Starts resizing `file` to `width` × `height` for `gridId`'s image, unless it is held or memory is short. */
  prepare(gridId: string, file: string, width: number, height: number): void {
    const size = width * height * 3
    let grid = this.grids.get(gridId)
    if (grid?.tiles.has(file) || this.bytes + size > this.maxBytes) return
    if (!grid) {
      grid = { tiles: new Map(), bytes: 0, collected: false }
      this.grids.set(gridId, grid)
    }
    grid.bytes += size
    this.bytes += size
    const held = grid
    grid.tiles.set(
      file,
      // Not started by the time the image is made: left to the image, which resizes four at once.
      this.queue.add(async () => (held.collected ? null : resizeTile(file, width, height))).then(
        (tile) => tile ?? null,
        () => null,
      ),
    )
  }

  /**
   * The grid's pictures resized so far, by file, once those under way are done; those still waiting
   * their turn are not resized here any more (one at a time behind the others would be slower).
   */
  async ready(gridId: string): Promise<Map<string, RawTile>> {
    const grid = this.grids.get(gridId)
    if (!grid) return new Map()
    grid.collected = true
    const entries = await Promise.all([...grid.tiles].map(async ([file, tile]) => [file, await tile] as const))
    return new Map(entries.filter((entry): entry is readonly [string, RawTile] => entry[1] !== null))
  }

  /** Lets go of a grid's pictures: its image is made (or cannot be). */
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
