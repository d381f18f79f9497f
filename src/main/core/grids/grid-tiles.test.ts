import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cellKey, type GridDraft, type GridLayout } from './grid-image'
import { scanlineBytes } from './grid-png'
import { GridTiles } from './grid-tiles'
import { RecentPictures } from '../library/recent-pictures'

describe('GridTiles', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-tiles-'))
    await sharp({ create: { width: 40, height: 20, channels: 3, background: '#2040c0' } }).png().toFile(join(dir, 'blue.png'))
    await writeFile(join(dir, 'broken.png'), Buffer.from('not a picture'))
    for (const copy of ['blue2.png', 'blue3.png']) await copyFile(join(dir, 'blue.png'), join(dir, copy))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  /** A layout of `columns` cells of `side` px in a row, 2 px apart, on a canvas of `width` (as layoutGrid would give). */
  const row = (columns: number, side: number, width = columns * (side + 2)): GridLayout =>
    ({ width, height: side, cellWidth: side, cellHeight: side, cellAt: (x: number) => ({ left: x * (side + 2), top: 0 }) }) as unknown as GridLayout
  const at = (draft: GridDraft, x: number, y: number) => {
    const i = y * scanlineBytes(draft.canvas.width) + 1 + x * 3
    return [...draft.canvas.data.subarray(i, i + 3)]
  }

  it('draws each picture into its cell, letterboxed on white; a broken one is left for the image', async () => {
    const tiles = new GridTiles()
    const layout = row(3, 32)
    tiles.prepare('g1', layout, { x: 0, y: 0, z: 0 }, join(dir, 'blue.png'))
    tiles.prepare('g1', layout, { x: 2, y: 0, z: 0 }, join(dir, 'broken.png'))
    tiles.prepare('g2', row(1, 16), { x: 0, y: 0, z: 0 }, join(dir, 'blue.png'))
    const g1 = (await tiles.ready('g1'))!
    expect([...g1.placed]).toEqual([[cellKey(0, 0, 0), join(dir, 'blue.png')]])
    expect([g1.canvas.width, g1.canvas.height, g1.cellWidth, g1.cellHeight]).toEqual([102, 32, 32, 32])
    expect(at(g1, 16, 16)).toEqual([0x20, 0x40, 0xc0])
    expect(at(g1, 16, 0)).toEqual([255, 255, 255]) // 2:1 in a square: white above and below
    expect(at(g1, 33, 16)).toEqual([255, 255, 255]) // the gap
    expect(at(g1, 84, 16)).toEqual([255, 255, 255]) // the broken picture's cell
    expect((await tiles.ready('g2'))!.placed.size).toBe(1)
    // Once collected, nothing more is drawn into it.
    tiles.prepare('g1', layout, { x: 1, y: 0, z: 0 }, join(dir, 'blue2.png'))
    expect((await tiles.ready('g1'))!.placed.size).toBe(1)
    tiles.forget('g1')
    expect(await tiles.ready('g1')).toBeNull()
    await tiles.stop()
  })

  it('leaves to the image the pictures still waiting their turn when it is made, and ignores another layout', async () => {
    const tiles = new GridTiles()
    const blue = join(dir, 'blue.png')
    const layout = row(4, 32)
    // One at a time: the first starts at once, the other two (readable copies) wait behind it.
    tiles.prepare('g', layout, { x: 0, y: 0, z: 0 }, blue)
    tiles.prepare('g', layout, { x: 1, y: 0, z: 0 }, join(dir, 'blue2.png'))
    tiles.prepare('g', layout, { x: 2, y: 0, z: 0 }, join(dir, 'blue3.png'))
    // A picture of another shape gives another layout: the canvas begun is not redrawn for it.
    tiles.prepare('g', row(4, 32, 200), { x: 3, y: 0, z: 0 }, blue)
    expect([...(await tiles.ready('g'))!.placed.values()]).toEqual([blue])
    await tiles.stop()
  })

  it('draws from the pixels the thumbnail step left when they are large enough, else from the file', async () => {
    const recent = new RecentPictures()
    const layout = row(1, 32)
    // The first file does not exist: only the remembered pixels (red, 64 px) can draw it. The second's remembered
    // pixels (green, 16 px) are smaller than the cell: its file (blue) is drawn instead.
    const absent = join(dir, 'never-written.png')
    const solid = (side: number, rgb: number[]) => ({ width: side, height: side, channels: 3, pixels: Buffer.from(Array.from({ length: side * side }, () => rgb).flat()) })
    recent.remember(absent, solid(64, [255, 0, 0]))
    recent.remember(join(dir, 'blue.png'), solid(16, [0, 255, 0]))
    const drawn = async (file: string) => {
      const tiles = new GridTiles(undefined, recent)
      tiles.prepare('g', layout, { x: 0, y: 0, z: 0 }, file)
      const draft = (await tiles.ready('g'))!
      await tiles.stop()
      return draft.placed.has(cellKey(0, 0, 0)) ? at(draft, 16, 16) : null
    }
    expect(await drawn(absent)).toEqual([255, 0, 0])
    expect(await drawn(join(dir, 'blue.png'))).toEqual([0x20, 0x40, 0xc0])
    // Each is used once: drawn again, the absent file has nothing left to draw from.
    expect(await drawn(absent)).toBeNull()
  })

  it('holds no more than its memory cap, and makes room again once a grid is forgotten', async () => {
    // Room for two canvases of one 32 px cell: the third grid's picture is drawn only when the image is made.
    const layout = row(1, 32)
    const tiles = new GridTiles(2 * scanlineBytes(layout.width) * layout.height)
    const blue = join(dir, 'blue.png')
    for (const grid of ['a', 'b', 'c']) tiles.prepare(grid, layout, { x: 0, y: 0, z: 0 }, blue)
    const held = async (grid: string) => (await tiles.ready(grid))?.placed.has(cellKey(0, 0, 0)) ?? false
    expect([await held('a'), await held('b'), await held('c')]).toEqual([true, true, false])
    tiles.forget('a')
    tiles.prepare('c', layout, { x: 0, y: 0, z: 0 }, blue)
    expect(await held('c')).toBe(true)
    await tiles.stop()
  })
})
