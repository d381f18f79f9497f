import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GridAxis } from '@shared/grid'
import { renderGrid, type EncodedGrid, type GridDraft } from './grid-image'
import { layoutGrid } from './grid-layout'
import { cellPieces, labelPieces, type GridImageCell } from './grid-pieces'
import { deflateRows, newScanlines, placeRgb, pngPieces } from './grid-png'

/** The PNG file an encoded grid makes. */
const pngOf = (image: EncodedGrid): Buffer => Buffer.concat(pngPieces(image.width, image.height, image.bands))

const axis = (input: string, n: number): GridAxis => ({
  input,
  values: Array.from({ length: n }, (_, i) => i),
  labels: Array.from({ length: n }, (_, i) => String(i)),
})

describe('renderGrid', () => {
  let dir: string
  const colours = ['#ff0000', '#00c000', '#0000ff', '#e0e000'] as const
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-grid-'))
    await Promise.all(
      colours.map((colour, i) => sharp({ create: { width: 64, height: 64, channels: 3, background: colour } }).png().toFile(join(dir, `${i}.png`))),
    )
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('puts each cell’s picture in its place, a grey tile for a failed cell, and escapes label text', async () => {
    const axes: GridAxis[] = [
      { input: 'seed', values: [1, 2], labels: ['<b>one</b> & "two"', 'two'] },
      { input: 'steps', values: [1, 2, 3], labels: ['a', 'b', 'c'] },
    ]
    const cells = [0, 1, 2].flatMap((y) =>
      [0, 1].map((x) => {
        const i = y * 2 + x
        return { x, y, z: 0, seconds: 1.5, picture: i === 5 ? ({ kind: 'missing', reason: 'Failed: out of memory' } as const) : ({ kind: 'picture', file: join(dir, `${i % 4}.png`) } as const) }
      }),
    )
    const rendered = await renderGrid({ axes, cells, cellTime: true, aspect: 1 })
    expect(rendered.ok).toBe(true)
    if (!rendered.ok) return
    const laid = layoutGrid({ axes, cellTime: true, aspect: 1 })
    if (!laid.ok) throw new Error('layout')
    const { data, info } = await sharp(pngOf(rendered.value)).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const pixel = (left: number, top: number) => {
      const at = (top * info.width + left) * 3
      return [data[at], data[at + 1], data[at + 2]]
    }
    for (const cell of cells) {
      const { left, top } = laid.value.cellAt(cell.x, cell.y, cell.z)
      const centre = pixel(left + 128, top + 128)
      if (cell.picture.kind === 'missing') expect(centre).toEqual([138, 138, 138])
      else expect(centre).toEqual([...sharpColour(colours[(cell.y * 2 + cell.x) % 4]!)])
    }
  })

  it('places a 16-bit grey picture and a half-transparent one as the eye sees them', async () => {
    // A 16-bit grey PNG (as some workflows save) and an RGBA one: tiles are raw pixels, so each must come out
    // as 8-bit sRGB, the transparent one over white.
    const grey16 = join(dir, 'grey16.png')
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#404040' } }).toColourspace('grey16').png().toFile(grey16)
    const rgba = join(dir, 'rgba.png')
    await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).png().toFile(rgba)
    const axes: GridAxis[] = [axis('seed', 2)]
    const cells = [grey16, rgba].map((file, x) => ({ x, y: 0, z: 0, seconds: null, picture: { kind: 'picture', file } as const }))
    const rendered = await renderGrid({ axes, cells, cellTime: false, aspect: 1 })
    if (!rendered.ok) throw new Error(rendered.error.message)
    const laid = layoutGrid({ axes, cellTime: false, aspect: 1 })
    if (!laid.ok) throw new Error('layout')
    const { data, info } = await sharp(pngOf(rendered.value)).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const centre = (x: number) => {
      const { left, top } = laid.value.cellAt(x, 0, 0)
      const at = ((top + 128) * info.width + left + 128) * 3
      return [data[at]!, data[at + 1]!, data[at + 2]!]
    }
    for (const channel of centre(0)) expect(Math.abs(channel - 0x40)).toBeLessThanOrEqual(1)
    const [r, g, b] = centre(1)
    expect(Math.abs(r! - 128)).toBeLessThanOrEqual(2)
    expect(Math.abs(g! - 128)).toBeLessThanOrEqual(2)
    expect(b).toBe(255)
  })

  describe('with an image drawn ahead', () => {
    const axes: GridAxis[] = [axis('seed', 3)]
    const laid = layoutGrid({ axes, cellTime: false, aspect: 1 })
    if (!laid.ok) throw new Error('layout')
    const layout = laid.value
    const { width, height, cellWidth, cellHeight } = layout
    const row = layout.rowBand(0, 0)
    const magenta = [255, 0, 255]
    const cell = (x: number, file: string): GridImageCell => ({ x, y: 0, z: 0, seconds: null, picture: { kind: 'picture', file } })
    /** What the draft says its row of cells holds: the slot and content of each cell's piece. */
    const holding = (...cells: GridImageCell[]) => new Map(cells.flatMap((c) => cellPieces(layout, c)).map((piece) => [piece.slot, piece.content]))
    /** A draft whose row has magenta in the cells `painted`; its head holds nothing yet. */
    const draftWith = (painted: number[], drawn: Map<string, string>, drawnFor = layout): GridDraft => {
      const canvas = newScanlines(drawnFor.width, drawnFor.height)
      const magentaCell = Buffer.from(Array.from({ length: drawnFor.cellWidth * drawnFor.cellHeight }, () => [255, 0, 255]).flat())
      for (const x of painted) placeRgb(canvas, magentaCell, drawnFor.cellWidth, drawnFor.cellHeight, drawnFor.cellAt(x, 0, 0).left, drawnFor.cellAt(x, 0, 0).top)
      const bands = drawnFor.bands.map((_, i) => ({ drawn: i === row ? drawn : new Map<string, string>(), encoded: null, intact: true }))
      return { layout: drawnFor, canvas, bands }
    }
    const centres = async (png: Buffer) => {
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
      return [0, 1, 2].map((x) => {
        const { left, top } = layout.cellAt(x, 0, 0)
        const at = ((top + cellHeight / 2) * info.width + left + cellWidth / 2) * 3
        return [data[at], data[at + 1], data[at + 2]]
      })
    }
    const render = async (cells: GridImageCell[], draft: GridDraft) => {
      const rendered = await renderGrid({ axes, cells, cellTime: false, aspect: 1, draft })
      if (!rendered.ok) throw new Error(rendered.error.message)
      return pngOf(rendered.value)
    }
    // The absent file can be drawn by the draft only: where the image draws it, the cell is a grey tile.
    const absent = () => join(dir, 'never-written.png')
    const red = () => join(dir, '0.png')
    const grey = [138, 138, 138]

    it('draws only the cells it lacks, and one the draft holds another picture in; a draft of another size is not used', async () => {
      // Cell 0 holds the absent file's picture (magenta); cell 1 another file's; cell 2 nothing.
      const cells = [cell(0, absent()), cell(1, red()), cell(2, red())]
      const drawn = holding(cell(0, absent()), cell(1, join(dir, 'green.png')))
      expect(await centres(await render(cells, draftWith([0, 1], drawn)))).toEqual([magenta, sharpColour('#ff0000'), sharpColour('#ff0000')])
      // Drawn for pictures twice as wide as tall: its cells are 128 px high, so nothing in it is where this image wants it.
      const wide = layoutGrid({ axes, cellTime: false, aspect: 2 })
      if (!wide.ok) throw new Error('layout')
      expect(await centres(await render(cells, draftWith([0, 1], drawn, wide.value)))).toEqual([grey, sharpColour('#ff0000'), sharpColour('#ff0000')])
    })

    it('takes a band encoded ahead as it is when it holds what the image wants, and draws it all again when not', async () => {
      const cells = [0, 1, 2].map((x) => cell(x, absent()))
      const encodedAhead = async (drawn: Map<string, string>) => {
        const draft = draftWith([0, 1, 2], drawn)
        const rows = layout.bands[row]!
        draft.bands[row] = { drawn, encoded: await deflateRows(draft.canvas, rows.from, rows.to), intact: false }
        return draft
      }
      expect(await centres(await render(cells, await encodedAhead(holding(...cells))))).toEqual([magenta, magenta, magenta])
      // Cell 2 was drawn from another file: its rows are filtered, so the whole band is drawn from the files.
      const stale = await encodedAhead(holding(cells[0]!, cells[1]!, cell(2, red())))
      expect(await centres(await render(cells, stale))).toEqual([grey, grey, grey])
      // A band whose encoding failed after its rows were filtered is drawn again too.
      const spoilt = draftWith([0, 1, 2], holding(...cells))
      spoilt.bands[row]!.intact = false
      expect(await centres(await render(cells, spoilt))).toEqual([grey, grey, grey])
    })

    it('draws the same image from a draft with every band encoded ahead as from none', async () => {
      const cells = [0, 1, 2].map((x) => cell(x, join(dir, `${x}.png`)))
      const fresh = await render(cells, draftWith([], new Map()))
      // Every band drawn by the image itself, then encoded, as a draft: the image must come out the same.
      const pieces = [...labelPieces(layout), ...cells.flatMap((c) => cellPieces(layout, c))]
      const canvas = newScanlines(width, height)
      for (const piece of pieces) {
        const tile = await piece.draw()
        placeRgb(canvas, tile.pixels, tile.width, tile.height, piece.left, piece.top)
      }
      const bands = await Promise.all(
        layout.bands.map(async (rows, i) => ({
          drawn: new Map(pieces.filter((piece) => piece.band === i).map((piece) => [piece.slot, piece.content])),
          encoded: await deflateRows(canvas, rows.from, rows.to),
          intact: false,
        })),
      )
      const ahead = await render(cells, { layout, canvas, bands })
      const pixels = async (png: Buffer) => (await sharp(png).raw().toBuffer()).toString('base64')
      expect(await pixels(ahead)).toBe(await pixels(fresh))
      expect(ahead.equals(fresh)).toBe(true)
    })
  })
})

function sharpColour(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
}
