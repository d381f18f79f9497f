import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GridTiles } from './grid-tiles'

describe('GridTiles', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-tiles-'))
    await sharp({ create: { width: 40, height: 20, channels: 3, background: '#2040c0' } }).png().toFile(join(dir, 'blue.png'))
    await writeFile(join(dir, 'broken.png'), Buffer.from('not a picture'))
    for (const copy of ['blue2.png', 'blue3.png']) await copyFile(join(dir, 'blue.png'), join(dir, copy))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('holds each grid’s pictures resized to the cell, letterboxed on white; a broken one is left out', async () => {
    const tiles = new GridTiles()
    tiles.prepare('g1', join(dir, 'blue.png'), 32, 32)
    tiles.prepare('g1', join(dir, 'broken.png'), 32, 32)
    tiles.prepare('g2', join(dir, 'blue.png'), 16, 8)
    const g1 = await tiles.ready('g1')
    expect([...g1.keys()]).toEqual([join(dir, 'blue.png')])
    const tile = g1.get(join(dir, 'blue.png'))!
    expect([tile.width, tile.height, tile.pixels.length]).toEqual([32, 32, 32 * 32 * 3])
    const pixel = (x: number, y: number) => [...tile.pixels.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 3)]
    expect(pixel(16, 16)).toEqual([0x20, 0x40, 0xc0])
    expect(pixel(16, 0)).toEqual([255, 255, 255]) // 2:1 in a square: white above and below
    expect((await tiles.ready('g2')).get(join(dir, 'blue.png'))?.width).toBe(16)
    tiles.forget('g1')
    expect((await tiles.ready('g1')).size).toBe(0)
    await tiles.stop()
  })

  it('leaves to the image the pictures still waiting their turn when it is made', async () => {
    const tiles = new GridTiles()
    const blue = join(dir, 'blue.png')
    // One at a time: the first starts at once, the other two (readable copies) wait behind it.
    tiles.prepare('g', blue, 32, 32)
    tiles.prepare('g', join(dir, 'blue2.png'), 32, 32)
    tiles.prepare('g', join(dir, 'blue3.png'), 32, 32)
    expect([...(await tiles.ready('g')).keys()]).toEqual([blue])
    await tiles.stop()
  })

  it('holds no more than its memory cap, and makes room again once a grid is forgotten', async () => {
    // Room for two 32 × 32 tiles: the third grid's picture is resized only when the image is made.
    const tiles = new GridTiles(2 * 32 * 32 * 3)
    const blue = join(dir, 'blue.png')
    for (const grid of ['a', 'b', 'c']) tiles.prepare(grid, blue, 32, 32)
    const held = async (grid: string) => (await tiles.ready(grid)).has(blue)
    expect([await held('a'), await held('b'), await held('c')]).toEqual([true, true, false])
    tiles.forget('a')
    tiles.prepare('c', blue, 32, 32)
    expect(await held('c')).toBe(true)
    await tiles.stop()
  })
})
