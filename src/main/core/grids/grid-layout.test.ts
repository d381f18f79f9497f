import { describe, expect, it } from 'vitest'
import type { GridAxis } from '@shared/grid'
import { formatSeconds, GRID_IMAGE_MAX_SIDE, layoutGrid, wrapLabel } from './grid-layout'

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

  it('cuts the image into bands, each page’s head then each row of cells, so every cell, time and label lies in its own', () => {
    const laid = layoutGrid({ axes: [axis('seed', 3), axis('steps', 2), axis('cfg', 2)], cellTime: true, aspect: 1 })
    if (!laid.ok) throw new Error(laid.error.message)
    const layout = laid.value
    const { bands, cellHeight, timeHeight, headerHeight, titleHeight } = layout
    expect(bands).toHaveLength(2 * (1 + 2))
    expect(bands[0]!.from).toBe(0)
    expect(bands.at(-1)!.to).toBe(layout.height)
    bands.forEach((band, i) => {
      expect(band.to).toBeGreaterThan(band.from)
      if (i > 0) expect(band.from).toBe(bands[i - 1]!.to)
    })
    const inside = (index: number, top: number, height: number) => {
      const band = bands[index]!
      expect(top).toBeGreaterThanOrEqual(band.from)
      expect(top + height).toBeLessThanOrEqual(band.to)
    }
    for (let z = 0; z < 2; z++) {
      inside(layout.headBand(z), layout.pageTop(z), titleHeight + headerHeight)
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 3; x++) inside(layout.rowBand(y, z), layout.cellAt(x, y, z).top, cellHeight + timeHeight)
      }
    }
    expect(new Set(Array.from({ length: 2 }, (_, z) => [layout.headBand(z), layout.rowBand(0, z), layout.rowBand(1, z)]).flat()).size).toBe(6)
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

describe('formatSeconds', () => {
  it('formats run times', () => {
    expect(formatSeconds(2.345)).toBe('2.3 s')
    expect(formatSeconds(125)).toBe('2 min 5 s')
  })
})
