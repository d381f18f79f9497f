import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GridAxis } from '@shared/grid'
import { cellKey, formatSeconds, GRID_IMAGE_MAX_SIDE, layoutGrid, renderGrid, wrapLabel } from './grid-image'
import { newScanlines, placeRgb } from './grid-png'

const axis = (input: string, n: number): GridAxis => ({
  input,
  values: Array.from({ length: n }, (_, i) => i),
  labels: Array.from({ length: n }, (_, i) => String(i)),
})

describe('wrapLabel', () => {
  // 16 px at 0.62 em: 9.92 px a character, so 100 px holds 10 characters.
  it('breaks at spaces, never past the width', () => {
    expect(wrapLabel('a fox in the snow at dusk', 100, 16)).toEqual(['a fox in', 'the snow', 'at dusk'])
    for (const line of wrapLabel('the quick brown fox jumps over the lazy dog', 100, 16)) expect(line.length).toBeLessThanOrEqual(10)
  })

  it('keeps a short label on one line and folds runs of whitespace', () => {
    expect(wrapLabel('  cfg   7 ', 100, 16)).toEqual(['cfg 7'])
    expect(wrapLabel('', 100, 16)).toEqual([])
  })

  it('cuts a word longer than a line instead of letting it overflow', () => {
    expect(wrapLabel('masterpiece,bestquality,ultradetailed', 100, 16)).toEqual(['masterpiec', 'e,bestqual', 'ity,ultrad', 'etailed'])
  })

  it('ends with an ellipsis when lines are capped', () => {
    // 60 px holds 6 characters: "one two" is 7.
    expect(wrapLabel('one two three four five six seven', 60, 16, 2)).toEqual(['one', 'two…'])
    expect(wrapLabel('one two three four five six seven', 100, 16, 2)).toEqual(['one two', 'three fou…'])
    expect(wrapLabel('abcdefghijklmnop', 60, 16, 2)).toEqual(['abcdef', 'ghijk…'])
  })

  it('scales with the font size', () => {
    // 32 px: 19.84 px a character, 5 in 100 px.
    expect(wrapLabel('a fox in the snow', 100, 32)).toEqual(['a fox', 'in', 'the', 'snow'])
    expect(wrapLabel('a fox in the snow', 60, 32)).toEqual(['a', 'fox', 'in', 'the', 'sno', 'w'])
  })
})

describe('layoutGrid', () => {
  it('places cells left to right, top to bottom, Z pages stacked downwards', () => {
    const laid = layoutGrid({ axes: [axis('seed', 3), axis('steps', 2), axis('cfg', 2)], cellTime: true, aspect: 1 })
    expect(laid.ok).toBe(true)
    if (!laid.ok) return
    const { cellAt, cellWidth, cellHeight } = laid.value
    expect(cellWidth).toBe(256)
    expect(cellHeight).toBe(256)
    expect(cellAt(1, 0, 0).left - cellAt(0, 0, 0).left).toBeGreaterThanOrEqual(cellWidth)
    expect(cellAt(0, 1, 0).top - cellAt(0, 0, 0).top).toBeGreaterThanOrEqual(cellHeight)
    expect(cellAt(0, 0, 1).top).toBeGreaterThan(cellAt(0, 1, 0).top + cellHeight)
    expect(cellAt(2, 1, 1).top + cellHeight).toBeLessThanOrEqual(laid.value.height)
    expect(cellAt(2, 1, 1).left + cellWidth).toBeLessThanOrEqual(laid.value.width)
  })

  it('shrinks cells to fit a long axis, and refuses a grid that cannot fit, saying why and what to do', () => {
    const wide = layoutGrid({ axes: [axis('seed', 100)], cellTime: false, aspect: 1 })
    expect(wide.ok && wide.value.width).toBeLessThanOrEqual(GRID_IMAGE_MAX_SIDE)
    const tooWide = layoutGrid({ axes: [axis('seed', 400)], cellTime: false, aspect: 1 })
    expect(tooWide).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(!tooWide.ok && tooWide.error.message).toMatch(/the limit is 16384 px a side and 100 MP.*use fewer values on an axis/)
    const tooTall = layoutGrid({ axes: [axis('seed', 2), axis('steps', 20), axis('cfg', 10)], cellTime: true, aspect: 0.5 })
    expect(tooTall.ok).toBe(false)
  })
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
    const { data, info } = await sharp(rendered.value.png).removeAlpha().raw().toBuffer({ resolveWithObject: true })
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
    const { data, info } = await sharp(rendered.value.png).removeAlpha().raw().toBuffer({ resolveWithObject: true })
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

  it('draws into the image drawn ahead, only the cells it lacks; a draft of another size is not used', async () => {
    const axes: GridAxis[] = [axis('seed', 3)]
    const laid = layoutGrid({ axes, cellTime: false, aspect: 1 })
    if (!laid.ok) throw new Error('layout')
    const { width, height, cellWidth, cellHeight } = laid.value
    const filled = (rgb: [number, number, number]) => Buffer.from(Array.from({ length: cellWidth * cellHeight }, () => rgb).flat())
    // Cell 0's file does not exist: only the draft can put magenta there. Cell 1's draft holds another file
    // (green), so its own file (red) is drawn over it. Cell 2 is not in the draft: its file (red) is drawn.
    const absent = join(dir, 'never-written.png')
    const red = join(dir, '0.png')
    const draftFor = (canvasWidth: number) => {
      const canvas = newScanlines(canvasWidth, height)
      placeRgb(canvas, filled([255, 0, 255]), cellWidth, cellHeight, laid.value.cellAt(0, 0, 0).left, laid.value.cellAt(0, 0, 0).top)
      placeRgb(canvas, filled([0, 255, 0]), cellWidth, cellHeight, laid.value.cellAt(1, 0, 0).left, laid.value.cellAt(1, 0, 0).top)
      return { canvas, cellWidth, cellHeight, placed: new Map([[cellKey(0, 0, 0), absent], [cellKey(1, 0, 0), join(dir, 'green.png')]]) }
    }
    const cells = [absent, red, red].map((file, x) => ({ x, y: 0, z: 0, seconds: null, picture: { kind: 'picture', file } as const }))
    const centres = async (png: Buffer) => {
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
      return [0, 1, 2].map((x) => {
        const { left, top } = laid.value.cellAt(x, 0, 0)
        const at = ((top + cellHeight / 2) * info.width + left + cellWidth / 2) * 3
        return [data[at], data[at + 1], data[at + 2]]
      })
    }
    const rendered = await renderGrid({ axes, cells, cellTime: false, aspect: 1, draft: draftFor(width) })
    if (!rendered.ok) throw new Error(rendered.error.message)
    expect(await centres(rendered.value.png)).toEqual([[255, 0, 255], sharpColour('#ff0000'), sharpColour('#ff0000')])

    // A draft begun for another layout: every cell is drawn from its file, and the absent one says so.
    const fresh = await renderGrid({ axes, cells, cellTime: false, aspect: 1, draft: draftFor(width + 1) })
    if (!fresh.ok) throw new Error(fresh.error.message)
    const [first, ...rest] = await centres(fresh.value.png)
    expect(first).not.toEqual([255, 0, 255])
    expect(rest).toEqual([sharpColour('#ff0000'), sharpColour('#ff0000')])
  })

  it('formats run times', () => {
    expect(formatSeconds(2.345)).toBe('2.3 s')
    expect(formatSeconds(125)).toBe('2 min 5 s')
  })
})

function sharpColour(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
}
