import type { GridAxis } from '@shared/grid'
import { err, ok, type Result } from '@shared/result'

/**
 * Where everything in a grid image goes (issue 18): X labels on top, Y labels on the left, and for a Z axis
 * one page per value, stacked downwards under a title (one file, so one output, one record and one drop on
 * Generate restore the whole grid). Text is set in a monospaced face, so its width is known before it is
 * drawn and labels wrap instead of running over their neighbours.
 */

/** The largest grid image: libvips and viewers cope, and a 20×20 grid of 256 px cells is about 30 MP. */
export const GRID_IMAGE_MAX_SIDE = 16_384
export const GRID_IMAGE_MAX_PIXELS = 100_000_000

export const FONT_PX = 16
export const LINE_PX = 20
/** DejaVu Sans Mono's advance is 0.602 em; a little more keeps a line inside its box with any fallback face. */
const CHAR_EM = 0.62
const PAD = 16
const GAP = 6
const CELL_MAX = 256
/** Below this a cell shows nothing worth comparing: the image is refused instead. */
const CELL_MIN = 64
const LEFT_COLUMN = 200
const LABEL_LINES = 4

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

/** Rows `from`..`to` of the image: a page's head (its title and X labels), or one row of cells with its Y label. */
export interface GridBand {
  from: number
  to: number
}

/** Where everything goes: computed before any pixel is drawn, so an image too large is refused at once. */
export interface GridLayout {
  width: number
  height: number
  /** The white border around everything. */
  margin: number
  cellWidth: number
  cellHeight: number
  /** Cells across (X), down a page (Y), and pages (Z). */
  columns: number
  rows: number
  pages: number
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
  /**
   * The image's rows cut where each page and each row of cells begins, top to bottom: everything drawn lies
   * inside one band, so a band is encoded once the pieces in it are drawn (`headBand`, `rowBand`).
   */
  bands: GridBand[]
  /** The band holding page z's title and X labels. */
  headBand(z: number): number
  /** The band holding row y of page z: its cells, their times and its Y label. */
  rowBand(y: number, z: number): number
  /** Where a page begins: its title's top. */
  pageTop(z: number): number
}

const axisSize = (axes: GridAxis[], i: number): number => axes[i]?.values.length ?? 1

/** The grid's geometry, or why it cannot be drawn within the size limits (in words a user can act on). */
export function layoutGrid(input: { axes: GridAxis[]; cellTime: boolean; aspect: number }): Result<GridLayout> {
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
  const pageTop = (z: number) => PAD + z * (pageHeight + PAD)
  const cellAt = (x: number, y: number, z: number) => ({ left: PAD + leftWidth + x * (cellWidth + GAP), top: pageTop(z) + titleHeight + headerHeight + y * rowHeight })
  // Each page: its head from where the page begins (the image's top for the first), then its rows; the last
  // band runs to the image's bottom.
  const starts = Array.from({ length: zs }, (_, z) => [z === 0 ? 0 : pageTop(z), ...Array.from({ length: ys }, (_, y) => cellAt(0, y, z).top)]).flat()
  const bands = starts.map((from, i) => ({ from, to: starts[i + 1] ?? height }))
  return ok({
    width,
    height,
    margin: PAD,
    cellWidth,
    cellHeight,
    columns: xs,
    rows: ys,
    pages: zs,
    xLabels,
    yLabels,
    pageTitles,
    corner,
    headerHeight,
    titleHeight,
    leftWidth,
    timeHeight,
    pageHeight,
    cellAt,
    bands,
    headBand: (z) => z * (ys + 1),
    rowBand: (y, z) => z * (ys + 1) + 1 + y,
    pageTop,
  })
}

/**
 * Whether two layouts put everything in the same places: an image drawn ahead for one is good for the other
 * (a grid's layout changes only with its pictures' shape, which sets the cells' height).
 */
export const sameGeometry = (a: GridLayout, b: GridLayout): boolean =>
  a.width === b.width && a.height === b.height && a.cellWidth === b.cellWidth && a.cellHeight === b.cellHeight && a.bands.length === b.bands.length

/** "12.3 s", "2 min 5 s": a cell's run time. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`
}
