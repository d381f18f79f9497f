import sharp, { type Sharp } from 'sharp'
import type { GridAxis } from '@shared/grid'
import type { DecodedPicture } from '../library/recent-pictures'
import { encodeScanlines, newScanlines, placeRgb, type Scanlines } from './grid-png'
import { err, ok, type Result } from '@shared/result'

/**
 * The grid image (issue 18), assembled here from the cells' own pictures: X labels on top, Y labels on
 * the left, and for a Z axis one page per value, stacked downwards under a title (one file, so one output,
 * one record and one drop on Generate restore the whole grid). Text is drawn in a monospaced face, so its
 * width is known before it is drawn and labels wrap instead of running over their neighbours.
 */

/** The largest grid image: libvips and viewers cope, and a 20×20 grid of 256 px cells is about 30 MP. */
export const GRID_IMAGE_MAX_SIDE = 16_384
export const GRID_IMAGE_MAX_PIXELS = 100_000_000

const FONT_PX = 16
const LINE_PX = 20
/** DejaVu Sans Mono's advance is 0.602 em; a little more keeps a line inside its box with any fallback face. */
const CHAR_EM = 0.62
const FONT_FAMILY = 'DejaVu Sans Mono, Menlo, Consolas, monospace'
const PAD = 16
const GAP = 6
const CELL_MAX = 256
/** Below this a cell shows nothing worth comparing: the image is refused instead. */
const CELL_MIN = 64
const LEFT_COLUMN = 200
const LABEL_LINES = 4
const ERROR_LINES = 6

/**
 * Breaks `text` into lines no wider than `maxWidthPx` at `fontPx` in the monospaced face: at spaces where
 * it can, inside a word only when the word alone is too long. `maxLines` caps it, the last line ending
 * with an ellipsis when text was left out. Pure: the unit tests pin it.
 */
export function wrapLabel(text: string, maxWidthPx: number, fontPx: number, maxLines = Infinity): string[] {
  const perLine = Math.max(1, Math.floor(maxWidthPx / (fontPx * CHAR_EM)))
  const lines: string[] = []
  let line = ''
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    if (word === '') continue
    let rest = word
    if (line !== '' && line.length + 1 + rest.length <= perLine) {
      line = `${line} ${rest}`
      continue
    }
    if (line !== '') lines.push(line)
    while (rest.length > perLine) {
      lines.push(rest.slice(0, perLine))
      rest = rest.slice(perLine)
    }
    line = rest
  }
  if (line !== '') lines.push(line)
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, maxLines)
  const last = kept[maxLines - 1]!
  kept[maxLines - 1] = `${last.length >= perLine ? last.slice(0, perLine - 1) : last}…`
  return kept
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!)
    // XML 1.0 allows no control characters but tab, newline and return (labels are one line: all go).
    .replace(/\p{Cc}/gu, '')

/** Lines of text as an SVG of exactly `width` × `height`, for sharp to draw over the canvas. */
function textSvg(lines: string[], width: number, height: number, opts: { anchor?: 'start' | 'middle'; background?: string; color?: string } = {}): Buffer {
  const x = opts.anchor === 'middle' ? width / 2 : 4
  const tspans = lines.map((line, i) => `<tspan x="${x}" y="${(i + 1) * LINE_PX - 5}">${escapeXml(line)}</tspan>`).join('')
  const background = opts.background ? `<rect width="${width}" height="${height}" fill="${opts.background}"/>` : ''
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${background}` +
      `<text font-family="${FONT_FAMILY}" font-size="${FONT_PX}" fill="${opts.color ?? '#1b1b1b'}" text-anchor="${opts.anchor ?? 'start'}">${tspans}</text></svg>`,
  )
}

/** One cell as the image shows it: its picture (a file), or the reason it has none. */
export type CellPicture = { kind: 'picture'; file: string } | { kind: 'missing'; reason: string }

export interface GridImageCell {
  x: number
  y: number
  z: number
  picture: CellPicture
  /** Seconds from send to end, printed under the cell when the grid asks for it. */
  seconds: number | null
}

export interface GridImageInput {
  axes: GridAxis[]
  cells: GridImageCell[]
  cellTime: boolean
  /** Width ÷ height of the cells' pictures (the first picture's). */
  aspect: number
  /** The image drawn ahead while the grid filled (`GridTiles`): used when it has the layout's sizes. */
  draft?: GridDraft | null
}

/** A grid's image drawn ahead: its canvas, at the layout's size, and which picture each cell holds. */
export interface GridDraft {
  canvas: Scanlines
  cellWidth: number
  cellHeight: number
  /** The file drawn in each cell, by `cellKey`. */
  placed: ReadonlyMap<string, string>
}

export const cellKey = (x: number, y: number, z: number): string => `${x},${y},${z}`

/** Where everything goes: computed before any pixel is drawn, so an image too large is refused at once. */
export interface GridLayout {
  width: number
  height: number
  cellWidth: number
  cellHeight: number
  /** The cell's top-left corner. */
  cellAt(x: number, y: number, z: number): { left: number; top: number }
  xLabels: string[][]
  yLabels: string[][]
  pageTitles: string[][]
  /** The axes' inputs, named in the corner above the Y labels ("seed →", "prompt ↓"); empty with one axis. */
  corner: string[]
  headerHeight: number
  titleHeight: number
  leftWidth: number
  timeHeight: number
  pageHeight: number
}

const axisSize = (axes: GridAxis[], i: number): number => axes[i]?.values.length ?? 1

/** The grid's geometry, or why it cannot be drawn within the size limits (in words a user can act on). */
export function layoutGrid(input: Pick<GridImageInput, 'axes' | 'cellTime' | 'aspect'>): Result<GridLayout> {
  const { axes } = input
  const [xs, ys, zs] = [axisSize(axes, 0), axisSize(axes, 1), axisSize(axes, 2)]
  const leftWidth = axes.length >= 2 ? LEFT_COLUMN : 0
  // Cells shrink (never below CELL_MIN) so that a long X axis still fits the widest image allowed.
  const fitWidth = Math.floor((GRID_IMAGE_MAX_SIDE - 2 * PAD - leftWidth - GAP) / xs) - GAP
  const cellWidth = Math.min(CELL_MAX, fitWidth)
  const aspect = Math.min(4, Math.max(0.25, Number.isFinite(input.aspect) && input.aspect > 0 ? input.aspect : 1))
  const cellHeight = Math.round(cellWidth / aspect)
  const tooBig = (width: number, height: number) =>
    err<GridLayout>(
      'BAD_INPUT',
      `The grid image would be ${width} × ${height} px; the limit is ${GRID_IMAGE_MAX_SIDE} px a side and ${GRID_IMAGE_MAX_PIXELS / 1_000_000} MP. ` +
        'The cells are all saved in the gallery; for one picture, use fewer values on an axis (Z pages stack downwards).',
    )
  if (cellWidth < CELL_MIN) return tooBig(2 * PAD + leftWidth + xs * (CELL_MIN + GAP), 0)
  const xLabels = axes[0]!.labels.map((label) => wrapLabel(label, cellWidth - 8, FONT_PX, LABEL_LINES))
  const yLabels = axes[1]?.labels.map((label) => wrapLabel(label, leftWidth - 12, FONT_PX, Math.max(1, Math.floor(cellHeight / LINE_PX)))) ?? []
  const width = 2 * PAD + leftWidth + xs * (cellWidth + GAP) - GAP
  // Which input each axis is: in the corner with a Y axis; with X alone, as the one page's title.
  const pageTitles =
    axes.length === 3
      ? axes[2]!.labels.map((label) => wrapLabel(`${axes[2]!.input} = ${label}`, width - 2 * PAD, FONT_PX, 2))
      : axes.length === 1
        ? [wrapLabel(`${axes[0]!.input} →`, width - 2 * PAD, FONT_PX, 2)]
        : []
  const titleHeight = pageTitles.length > 0 ? Math.max(...pageTitles.map((t) => t.length)) * LINE_PX + GAP : 0
  const corner = axes.length >= 2 ? [...wrapLabel(`${axes[0]!.input} →`, leftWidth - 12, FONT_PX, 2), ...wrapLabel(`${axes[1]!.input} ↓`, leftWidth - 12, FONT_PX, 2)] : []
  const headerHeight = Math.max(1, corner.length, ...xLabels.map((lines) => lines.length)) * LINE_PX + GAP
  const timeHeight = input.cellTime ? LINE_PX : 0
  const rowHeight = cellHeight + timeHeight + GAP
  const pageHeight = titleHeight + headerHeight + ys * rowHeight
  const height = 2 * PAD + zs * pageHeight + (zs - 1) * PAD
  if (width > GRID_IMAGE_MAX_SIDE || height > GRID_IMAGE_MAX_SIDE || width * height > GRID_IMAGE_MAX_PIXELS) return tooBig(width, height)
  return ok({
    width,
    height,
    cellWidth,
    cellHeight,
    xLabels,
    yLabels,
    pageTitles,
    corner,
    headerHeight,
    titleHeight,
    leftWidth,
    timeHeight,
    pageHeight,
    cellAt: (x, y, z) => ({
      left: PAD + leftWidth + x * (cellWidth + GAP),
      top: PAD + z * (pageHeight + PAD) + titleHeight + headerHeight + y * rowHeight,
    }),
  })
}

/** "12.3 s", "2 min 5 s": a cell's run time. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`
}

/** Cell pictures resized at once: enough to keep both cores busy, few enough to hold memory down. */
const RESIZE_CONCURRENCY = 4

/** A cell's picture at its size in the grid: 8-bit sRGB, no alpha (flattened on white), row-major. */
export interface RawTile {
  width: number
  height: number
  pixels: Buffer
}

/** A sharp pipeline's result as a tile: flattened on white, 8-bit sRGB, checked to be `width` × `height`. */
async function toTile(image: Sharp, width: number, height: number): Promise<RawTile> {
  const { data, info } = await image.flatten({ background: '#ffffff' }).toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true })
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`drawn at ${info.width} × ${info.height} × ${info.channels}, not ${width} × ${height} × 3`)
  }
  return { width, height, pixels: data }
}

/**
 * Resizes a picture into a `width` × `height` cell, letterboxed on white. Throws when it cannot be read.
 * `decoded`: the same picture decoded already (`RecentPictures`), used when it is at least as large as the
 * picture will be in the cell; else the file is read.
 */
export function resizeTile(file: string, width: number, height: number, decoded?: DecodedPicture): Promise<RawTile> {
  const fit = { fit: 'contain', background: '#ffffff' } as const
  if (decoded) {
    const scale = Math.min(width / decoded.width, height / decoded.height)
    if (scale <= 1) {
      const raw = { width: decoded.width, height: decoded.height, channels: decoded.channels as 3 | 4 }
      return toTile(sharp(decoded.pixels, { raw }).resize(width, height, fit), width, height)
    }
  }
  return toTile(sharp(file).resize(width, height, fit), width, height)
}

/** Text on white (or on its own background) as a tile: every piece of text has its box to itself. */
const textTile = (svg: Buffer, width: number, height: number): Promise<RawTile> => toTile(sharp(svg), width, height)

/**
 * Draws the grid as a PNG. A cell whose picture cannot be read becomes a grey tile saying so.
 *
 * Every piece (picture, time, label, grey tile) has a box of its own on the white canvas, so each is drawn
 * as raw pixels and copied into place (compositing 400 pictures and 400 SVG times over the canvas took longer
 * than resizing the pictures did), and the canvas is encoded by `encodeScanlines`.
 */
export async function renderGrid(input: GridImageInput): Promise<Result<{ png: Buffer; width: number; height: number }>> {
  const laid = layoutGrid(input)
  if (!laid.ok) return laid
  const layout = laid.value
  const { cellWidth, cellHeight } = layout
  const pieces: { tile: RawTile; left: number; top: number }[] = []
  const greyTile = (reason: string) =>
    textTile(textSvg(wrapLabel(reason, cellWidth - 12, FONT_PX, ERROR_LINES), cellWidth, cellHeight, { background: '#8a8a8a', color: '#ffffff' }), cellWidth, cellHeight)

  const { draft } = input
  const drafted = draft && draft.canvas.width === layout.width && draft.canvas.height === layout.height && draft.cellWidth === cellWidth && draft.cellHeight === cellHeight
  // The cells whose picture the draft holds are drawn already; every other piece covers its whole box.
  const toDraw = drafted ? input.cells.filter((cell) => cell.picture.kind !== 'picture' || draft.placed.get(cellKey(cell.x, cell.y, cell.z)) !== cell.picture.file) : input.cells
  let next = 0
  const worker = async () => {
    while (next < toDraw.length) {
      const cell = toDraw[next++]!
      const { picture } = cell
      const at = layout.cellAt(cell.x, cell.y, cell.z)
      let tile: RawTile
      if (picture.kind === 'missing') tile = await greyTile(picture.reason)
      else {
        try {
          tile = await resizeTile(picture.file, cellWidth, cellHeight)
        } catch (error) {
          tile = await greyTile(`The picture could not be read: ${(error as Error).message}`)
        }
      }
      pieces.push({ tile, ...at })
    }
  }
  await Promise.all(Array.from({ length: Math.min(RESIZE_CONCURRENCY, toDraw.length) }, worker))

  // Times repeat ("3.2 s" under many cells): each is drawn once.
  const times = new Map<string, Promise<RawTile>>()
  const timeTile = (text: string) => {
    if (!times.has(text)) times.set(text, textTile(textSvg([text], cellWidth, LINE_PX, { anchor: 'middle', color: '#555555' }), cellWidth, LINE_PX))
    return times.get(text)!
  }
  const texts: Promise<{ tile: RawTile; left: number; top: number }>[] = []
  const text = (tile: Promise<RawTile>, left: number, top: number) => texts.push(tile.then((drawn) => ({ tile: drawn, left, top })))
  if (input.cellTime) {
    for (const cell of input.cells) {
      if (cell.seconds === null) continue
      const { left, top } = layout.cellAt(cell.x, cell.y, cell.z)
      text(timeTile(formatSeconds(cell.seconds)), left, top + cellHeight)
    }
  }
  const zs = axisSize(input.axes, 2)
  for (let z = 0; z < zs; z++) {
    const pageTop = PAD + z * (layout.pageHeight + PAD)
    const title = layout.pageTitles[z]
    const labelTop = pageTop + layout.titleHeight
    if (title) text(textTile(textSvg(title, layout.width - 2 * PAD, layout.titleHeight), layout.width - 2 * PAD, layout.titleHeight), PAD, pageTop)
    if (layout.corner.length > 0) {
      const corner = textSvg(layout.corner, layout.leftWidth - 8, layout.headerHeight, { color: '#666666' })
      text(textTile(corner, layout.leftWidth - 8, layout.headerHeight), PAD, labelTop)
    }
    layout.xLabels.forEach((lines, x) => {
      const { left } = layout.cellAt(x, 0, z)
      text(textTile(textSvg(lines, cellWidth, layout.headerHeight, { anchor: 'middle' }), cellWidth, layout.headerHeight), left, labelTop)
    })
    layout.yLabels.forEach((lines, y) => {
      const { top } = layout.cellAt(0, y, z)
      text(textTile(textSvg(lines, layout.leftWidth - 8, cellHeight), layout.leftWidth - 8, cellHeight), PAD, top)
    })
  }
  pieces.push(...(await Promise.all(texts)))

  // Drawn as PNG scanlines, so the encoder filters and deflates the rows where they lie (layoutGrid keeps every piece inside).
  const canvas = drafted ? draft.canvas : newScanlines(layout.width, layout.height)
  for (const { tile, left, top } of pieces) placeRgb(canvas, tile.pixels, tile.width, tile.height, left, top)
  const png = await encodeScanlines(canvas)
  return ok({ png, width: layout.width, height: layout.height })
}
