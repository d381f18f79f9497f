import sharp, { type Sharp } from 'sharp'
import type { DecodedPicture } from '../library/recent-pictures'
import { FONT_PX, formatSeconds, LINE_PX, wrapLabel, type GridLayout } from './grid-layout'

/**
 * The pieces a grid image is drawn from: each picture, time, label and grey tile has a box of its own on the
 * white canvas, so each is drawn as raw pixels and copied into place (compositing 400 pictures and 400 SVG
 * times over the canvas took longer than resizing the pictures did).
 */

const FONT_FAMILY = 'DejaVu Sans Mono, Menlo, Consolas, monospace'
const ERROR_LINES = 6

/** A piece drawn: 8-bit sRGB, no alpha (flattened on white), row-major. */
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

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!)
    // XML 1.0 allows no control characters but tab, newline and return (labels are one line: all go).
    .replace(/\p{Cc}/gu, '')

/** Lines of text drawn in a box of exactly `width` × `height`, on white or on its own background. */
function textTile(lines: string[], width: number, height: number, opts: { anchor?: 'start' | 'middle'; background?: string; color?: string } = {}): Promise<RawTile> {
  const x = opts.anchor === 'middle' ? width / 2 : 4
  const tspans = lines.map((line, i) => `<tspan x="${x}" y="${(i + 1) * LINE_PX - 5}">${escapeXml(line)}</tspan>`).join('')
  const background = opts.background ? `<rect width="${width}" height="${height}" fill="${opts.background}"/>` : ''
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${background}` +
      `<text font-family="${FONT_FAMILY}" font-size="${FONT_PX}" fill="${opts.color ?? '#1b1b1b'}" text-anchor="${opts.anchor ?? 'start'}">${tspans}</text></svg>`,
  )
  return toTile(sharp(svg), width, height)
}

/** A cell with no picture: a grey tile saying why. */
export const greyTile = (reason: string, width: number, height: number): Promise<RawTile> =>
  textTile(wrapLabel(reason, width - 12, FONT_PX, ERROR_LINES), width, height, { background: '#8a8a8a', color: '#ffffff' })

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

/** One thing drawn in the image, in a box of its own. */
export interface GridPiece {
  /** The layout's band it lies in. */
  band: number
  /** Its place: an image has one piece per slot. */
  slot: string
  /** What it shows: the same content in a slot draws the same pixels. */
  content: string
  left: number
  top: number
  /** Throws when a picture cannot be read (the image draws a grey tile saying so; an image drawn ahead leaves the cell). */
  draw(): Promise<RawTile>
}

/** The titles, corners and axis labels of every page. */
export function labelPieces(layout: GridLayout): GridPiece[] {
  const { cellWidth, cellHeight, headerHeight, leftWidth, titleHeight, width, margin } = layout
  const pieces: GridPiece[] = []
  const label = (band: number, slot: string, lines: string[], left: number, top: number, draw: () => Promise<RawTile>) =>
    pieces.push({ band, slot, content: lines.join('\n'), left, top, draw })
  for (let z = 0; z < layout.pages; z++) {
    const head = layout.headBand(z)
    const pageTop = layout.pageTop(z)
    const labelTop = pageTop + titleHeight
    const title = layout.pageTitles[z]
    if (title) label(head, `title ${z}`, title, margin, pageTop, () => textTile(title, width - 2 * margin, titleHeight))
    if (layout.corner.length > 0) label(head, `corner ${z}`, layout.corner, margin, labelTop, () => textTile(layout.corner, leftWidth - 8, headerHeight, { color: '#666666' }))
    layout.xLabels.forEach((lines, x) => {
      label(head, `x ${x},${z}`, lines, layout.cellAt(x, 0, z).left, labelTop, () => textTile(lines, cellWidth, headerHeight, { anchor: 'middle' }))
    })
    layout.yLabels.forEach((lines, y) => {
      label(layout.rowBand(y, z), `y ${y},${z}`, lines, margin, layout.cellAt(0, y, z).top, () => textTile(lines, leftWidth - 8, cellHeight))
    })
  }
  return pieces
}

export interface CellPieceOptions {
  /** The picture decoded already, if it is (`RecentPictures`): asked when the piece is drawn. */
  decoded?: (file: string) => DecodedPicture | undefined
  /** Times drawn already, by text: "3.2 s" repeats under many cells, and is drawn once. */
  times?: Map<string, Promise<RawTile>>
}

/** A cell's picture (or grey tile) and, when the layout has room for it, its time. */
export function cellPieces(layout: GridLayout, cell: GridImageCell, options: CellPieceOptions = {}): GridPiece[] {
  const { cellWidth, cellHeight } = layout
  const { left, top } = layout.cellAt(cell.x, cell.y, cell.z)
  const band = layout.rowBand(cell.y, cell.z)
  const where = `${cell.x},${cell.y},${cell.z}`
  const { picture } = cell
  const pieces: GridPiece[] = [
    picture.kind === 'picture'
      ? { band, slot: `cell ${where}`, content: `picture ${picture.file}`, left, top, draw: () => resizeTile(picture.file, cellWidth, cellHeight, options.decoded?.(picture.file)) }
      : { band, slot: `cell ${where}`, content: `missing ${picture.reason}`, left, top, draw: () => greyTile(picture.reason, cellWidth, cellHeight) },
  ]
  if (layout.timeHeight > 0 && cell.seconds !== null) {
    const text = formatSeconds(cell.seconds)
    const times = options.times ?? new Map<string, Promise<RawTile>>()
    const draw = () => {
      if (!times.has(text)) times.set(text, textTile([text], cellWidth, LINE_PX, { anchor: 'middle', color: '#555555' }))
      return times.get(text)!
    }
    pieces.push({ band, slot: `time ${where}`, content: text, left, top: top + cellHeight, draw })
  }
  return pieces
}
