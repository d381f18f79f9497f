import type { GridAxis } from '@shared/grid'
import { ok, type Result } from '@shared/result'
import { layoutGrid, sameGeometry, type GridLayout } from './grid-layout'
import { cellPieces, greyTile, labelPieces, type GridImageCell, type GridPiece, type RawTile } from './grid-pieces'
import { deflateRows, newScanlines, placeRgb, whitenRows, type DeflatedBand, type Scanlines } from './grid-png'

/**
 * The grid image (issue 18), assembled here from the cells' own pictures (the layout: `grid-layout.ts`; the
 * pieces drawn: `grid-pieces.ts`). The image is encoded band by band (a page's head, or a row of cells): a
 * band the grid's draft drew and encoded while the grid filled is taken as it is.
 */

export interface GridImageInput {
  axes: GridAxis[]
  cells: GridImageCell[]
  cellTime: boolean
  /** Width ÷ height of the cells' pictures (the first picture's). */
  aspect: number
  /** The image drawn ahead while the grid filled (`GridDrafts`): used when it has the layout's sizes. */
  draft?: GridDraft | null
}

/** A band of a grid's image drawn ahead. */
export interface DraftBand {
  /** What each slot in it holds (`GridPiece`'s slot and content). */
  drawn: Map<string, string>
  /** Its rows filtered and deflated, once every slot in it was drawn. */
  encoded: DeflatedBand | null
  /** False once its rows are given to the encoder (filtered in place): they no longer hold what `drawn` names. */
  intact: boolean
}

/** A grid's image drawn ahead: the layout it was drawn for, its canvas, and each band's state (by the layout's bands). */
export interface GridDraft {
  layout: GridLayout
  canvas: Scanlines
  bands: DraftBand[]
}

/** A grid image encoded: its size and its rows' bands, deflated, from which its PNG is written (`pngPieces`). */
export interface EncodedGrid {
  width: number
  height: number
  bands: DeflatedBand[]
}

/** Pieces drawn at once: enough to keep both cores busy, few enough to hold memory down. */
const DRAW_CONCURRENCY = 4

/** Whether a band drawn ahead holds exactly `wanted`: each slot with the same content, and no other slot. */
function holdsExactly(band: DraftBand, wanted: GridPiece[]): boolean {
  return band.drawn.size === wanted.length && wanted.every((piece) => band.drawn.get(piece.slot) === piece.content)
}

/** A piece's pixels; a picture that cannot be read becomes a grey tile saying so. */
async function drawOrSayWhy(piece: GridPiece, layout: GridLayout): Promise<RawTile> {
  try {
    return await piece.draw()
  } catch (error) {
    if (!piece.slot.startsWith('cell ')) throw error
    return greyTile(`The picture could not be read: ${(error as Error).message}`, layout.cellWidth, layout.cellHeight)
  }
}

/** A grid image being encoded: its size, and each band of its rows as it is deflated, in order. */
export interface GridEncoding {
  width: number
  height: number
  bands: Promise<DeflatedBand>[]
}

/** A promise with its settling functions (Node 20 has no `Promise.withResolvers`). */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((yes, no) => {
    resolve = yes
    reject = no
  })
  return { promise, resolve, reject }
}

/**
 * Starts drawing and encoding the grid, and answers at once with a promise for each band: one the draft encoded
 * is ready now, the others are deflated as soon as their last piece is drawn, so the image's file can be written
 * band by band while the rest are still drawn. A cell whose picture cannot be read becomes a grey tile saying so.
 *
 * With a draft, each band is taken as encoded when it holds exactly what this image wants there; else only
 * the pieces it lacks are drawn into it (the whole band again when its rows were filtered, or hold a piece
 * not wanted any more), and it is encoded here.
 */
export function encodeGrid(input: GridImageInput): Result<GridEncoding> {
  const laid = layoutGrid(input)
  if (!laid.ok) return laid
  const layout = laid.value
  const times = new Map<string, Promise<RawTile>>()
  const pieces = [...labelPieces(layout), ...input.cells.flatMap((cell) => cellPieces(layout, cell, { times }))]
  const byBand = layout.bands.map((): GridPiece[] => [])
  for (const piece of pieces) byBand[piece.band]!.push(piece)

  const draft = input.draft && sameGeometry(input.draft.layout, layout) ? input.draft : null
  const canvas = draft?.canvas ?? newScanlines(layout.width, layout.height)
  const ready: (DeflatedBand | null)[] = []
  const toDraw: GridPiece[] = []
  layout.bands.forEach((rows, i) => {
    const wanted = byBand[i]!
    const drafted = draft?.bands[i]
    ready[i] = drafted?.encoded && holdsExactly(drafted, wanted) ? drafted.encoded : null
    if (ready[i] || !drafted) {
      if (!drafted) toDraw.push(...wanted)
      return
    }
    const spoilt = !drafted.intact || [...drafted.drawn.keys()].some((slot) => !wanted.some((piece) => piece.slot === slot))
    if (spoilt) whitenRows(canvas, rows.from, rows.to)
    toDraw.push(...(spoilt ? wanted : wanted.filter((piece) => drafted.drawn.get(piece.slot) !== piece.content)))
  })

  // Each band is drawn once its pieces still to draw are placed; the pieces go band by band, the first first.
  const left = layout.bands.map(() => 0)
  for (const piece of toDraw) left[piece.band]!++
  const drawn = layout.bands.map(() => deferred())
  left.forEach((count, i) => count === 0 && drawn[i]!.resolve())
  let next = 0
  const worker = async () => {
    while (next < toDraw.length) {
      const piece = toDraw[next++]!
      const tile = await drawOrSayWhy(piece, layout)
      placeRgb(canvas, tile.pixels, tile.width, tile.height, piece.left, piece.top)
      if (--left[piece.band]! === 0) drawn[piece.band]!.resolve()
    }
  }
  // A piece that cannot be drawn at all (a label) fails every band not drawn yet, and so the image.
  Promise.all(Array.from({ length: Math.min(DRAW_CONCURRENCY, toDraw.length) }, worker)).catch((error: unknown) => {
    for (const band of drawn) band.reject(error)
  })

  const bands = layout.bands.map((rows, i) => {
    const band = ready[i] ? Promise.resolve(ready[i]) : drawn[i]!.promise.then(() => deflateRows(canvas, rows.from, rows.to))
    // Whoever writes the bands stops at the first that fails; the ones after it fail unwatched.
    band.catch(() => {})
    return band
  })
  return ok({ width: layout.width, height: layout.height, bands })
}

/** Draws and encodes the whole grid (`encodeGrid`, waited for). */
export async function renderGrid(input: GridImageInput): Promise<Result<EncodedGrid>> {
  const encoding = encodeGrid(input)
  if (!encoding.ok) return encoding
  const { width, height, bands } = encoding.value
  return ok({ width, height, bands: await Promise.all(bands) })
}
