import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GridAxis } from '@shared/grid'
import { GridDrafts } from './grid-drafts'
import { renderGrid, type EncodedGrid, type GridDraft } from './grid-image'
import { layoutGrid, type GridLayout } from './grid-layout'
import type { GridImageCell } from './grid-pieces'
import { pngPieces, scanlineBytes } from './grid-png'
import { RecentPictures } from '../library/recent-pictures'

/** The PNG file an encoded grid makes. */
const pngOf = (image: EncodedGrid): Buffer => Buffer.concat(pngPieces(image.width, image.height, image.bands))

const axis = (input: string, n: number): GridAxis => ({
  input,
  values: Array.from({ length: n }, (_, i) => i + 1),
  labels: Array.from({ length: n }, (_, i) => `${input} ${i + 1}`),
})

function layoutOf(axes: GridAxis[], cellTime: boolean, aspect = 1): GridLayout {
  const laid = layoutGrid({ axes, cellTime, aspect })
  if (!laid.ok) throw new Error(laid.error.message)
  return laid.value
}

describe('GridDrafts', () => {
  let dir: string
  const file = (name: string) => join(dir, name)
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-drafts-'))
    await sharp({ create: { width: 40, height: 20, channels: 3, background: '#2040c0' } }).png().toFile(file('blue.png'))
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c02020' } }).png().toFile(file('red.png'))
    await writeFile(file('broken.png'), Buffer.from('not a picture'))
    for (const copy of ['blue2.png', 'blue3.png']) await copyFile(file('blue.png'), file(copy))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const cell = (x: number, y: number, name: string, seconds: number | null = null): GridImageCell => ({ x, y, z: 0, seconds, picture: { kind: 'picture', file: file(name) } })
  /** The pixel at (x, y) of a draft's canvas, for a band not encoded yet. */
  const at = (draft: GridDraft, x: number, y: number) => {
    const i = y * scanlineBytes(draft.canvas.width) + 1 + x * 3
    return [...draft.canvas.data.subarray(i, i + 3)]
  }
  const centreOf = (layout: GridLayout, x: number, y: number) => {
    const { left, top } = layout.cellAt(x, y, 0)
    return [left + layout.cellWidth / 2, top + layout.cellHeight / 2] as const
  }

  it('draws each picture into its cell, letterboxed on white; a broken one is left for the image', async () => {
    const drafts = new GridDrafts()
    const layout = layoutOf([axis('seed', 3)], false)
    drafts.prepare('g1', layout, cell(0, 0, 'blue.png'))
    drafts.prepare('g1', layout, cell(2, 0, 'broken.png'))
    await drafts.settled()
    const g1 = (await drafts.ready('g1'))!
    const row = g1.bands[layout.rowBand(0, 0)]!
    expect([...row.drawn.values()]).toEqual([`picture ${file('blue.png')}`])
    expect(row.encoded).toBeNull()
    expect([g1.canvas.width, g1.canvas.height, g1.layout.cellWidth, g1.layout.cellHeight]).toEqual([layout.width, layout.height, 256, 256])
    const [cx, cy] = centreOf(layout, 0, 0)
    expect(at(g1, cx, cy)).toEqual([0x20, 0x40, 0xc0])
    expect(at(g1, cx, cy - 100)).toEqual([255, 255, 255]) // 2:1 in a square: white above and below
    expect(at(g1, ...centreOf(layout, 2, 0))).toEqual([255, 255, 255]) // the broken picture's cell
    // The labels are drawn at once: the head band holds the title and every X label.
    expect(g1.bands[layout.headBand(0)]!.drawn.size).toBe(1 + 3)
    // Once collected, nothing more is drawn into it.
    drafts.prepare('g1', layout, cell(1, 0, 'blue2.png'))
    expect((await drafts.ready('g1'))!.bands[layout.rowBand(0, 0)]!.drawn.size).toBe(1)
    drafts.forget('g1')
    expect(await drafts.ready('g1')).toBeNull()
    await drafts.stop()
  })

  it('leaves to the image the pieces still waiting their turn when it is made, and ignores another layout', async () => {
    const drafts = new GridDrafts()
    const layout = layoutOf([axis('seed', 4)], false)
    // One at a time: the labels go first, then the first picture; the image is made before the others' turn.
    drafts.prepare('g', layout, cell(0, 0, 'blue.png'))
    drafts.prepare('g', layout, cell(1, 0, 'blue2.png'))
    drafts.prepare('g', layout, cell(2, 0, 'blue3.png'))
    // A picture of another shape gives another layout: the canvas begun is not redrawn for it.
    drafts.prepare('g', layoutOf([axis('seed', 4)], false, 2), cell(3, 0, 'blue.png'))
    const draft = (await drafts.ready('g'))!
    expect(draft.bands[layout.rowBand(0, 0)]!.drawn.size).toBeLessThan(3)
    expect([...draft.bands[layout.rowBand(0, 0)]!.drawn.values()]).not.toContain(`picture ${file('blue3.png')}`)
    await drafts.stop()
  })

  it('encodes a row once all its cells and times are drawn, and the image made from it is the image made without', async () => {
    const axes = [axis('seed', 2), axis('steps', 2)]
    const layout = layoutOf(axes, true)
    const cells = [cell(0, 0, 'blue.png', 1.5), cell(1, 0, 'red.png', 2.25), cell(0, 1, 'red.png', 3)]
    const drafts = new GridDrafts()
    for (const c of cells) drafts.prepare('g', layout, c)
    await drafts.settled()
    const draft = (await drafts.ready('g'))!
    const encoded = draft.bands.map((band) => band.encoded !== null)
    // The head (labels only) and the full first row are encoded; the second row lacks a cell.
    expect(encoded).toEqual([true, true, false])
    // The missing cell failed: the image draws its grey tile into the draft's second row.
    const all = [...cells, { x: 1, y: 1, z: 0, seconds: null, picture: { kind: 'missing', reason: 'Failed: out of memory' } } as const]
    const made = async (draftOrNot: GridDraft | null) => {
      const rendered = await renderGrid({ axes, cells: all, cellTime: true, aspect: 1, draft: draftOrNot })
      if (!rendered.ok) throw new Error(rendered.error.message)
      return pngOf(rendered.value)
    }
    const ahead = await made(draft)
    const fresh = await made(null)
    expect(ahead.equals(fresh)).toBe(true)
    await drafts.stop()
  })

  it('encodes every band of a grid with Z pages once all is drawn, and the image made from it is the image made without', async () => {
    const axes = [axis('seed', 2), axis('steps', 1), axis('cfg', 2)]
    const layout = layoutOf(axes, true)
    const cells: GridImageCell[] = [0, 1].flatMap((z) => [0, 1].map((x) => ({ ...cell(x, 0, x === z ? 'red.png' : 'blue.png', 1 + x + z), z })))
    const drafts = new GridDrafts()
    for (const c of cells) drafts.prepare('g', layout, c)
    await drafts.settled()
    const draft = (await drafts.ready('g'))!
    // Each page: its head (title, corner, X labels) and its one row.
    expect(draft.bands.map((band) => band.encoded !== null)).toEqual([true, true, true, true])
    const made = async (draftOrNot: GridDraft | null) => {
      const rendered = await renderGrid({ axes, cells, cellTime: true, aspect: 1, draft: draftOrNot })
      if (!rendered.ok) throw new Error(rendered.error.message)
      return pngOf(rendered.value)
    }
    expect((await made(draft)).equals(await made(null))).toBe(true)
    await drafts.stop()
  })

  it('draws from the pixels the thumbnail step left when they are large enough, else from the file', async () => {
    const recent = new RecentPictures()
    // With room for a time the cell (drawn without one) leaves its row unencoded, its pixels to be read here.
    const layout = layoutOf([axis('seed', 1)], true)
    // The first file does not exist: only the remembered pixels (red, 512 px) can draw it. The second's
    // remembered pixels (green, 16 px) are smaller than the cell: its file (blue) is drawn instead.
    const solid = (side: number, rgb: number[]) => ({ width: side, height: side, channels: 3, pixels: Buffer.from(Array.from({ length: side * side }, () => rgb).flat()) })
    recent.remember(file('never-written.png'), solid(512, [255, 0, 0]))
    recent.remember(file('blue.png'), solid(16, [0, 255, 0]))
    const drawn = async (name: string) => {
      const drafts = new GridDrafts(undefined, recent)
      drafts.prepare('g', layout, cell(0, 0, name))
      await drafts.settled()
      const draft = (await drafts.ready('g'))!
      await drafts.stop()
      return draft.bands[layout.rowBand(0, 0)]!.drawn.size > 0 ? at(draft, ...centreOf(layout, 0, 0)) : null
    }
    expect(await drawn('never-written.png')).toEqual([255, 0, 0])
    expect(await drawn('blue.png')).toEqual([0x20, 0x40, 0xc0])
    // Each is used once: drawn again, the absent file has nothing left to draw from.
    expect(await drawn('never-written.png')).toBeNull()
  })

  it('holds no more than its memory cap, and makes room again once a grid is forgotten', async () => {
    // Room for two canvases: the third grid's picture is drawn only when the image is made.
    const layout = layoutOf([axis('seed', 1)], false)
    const drafts = new GridDrafts(2 * scanlineBytes(layout.width) * layout.height)
    const held = async (grid: string) => (await drafts.settled(), (await drafts.ready(grid))?.bands[layout.rowBand(0, 0)]!.drawn.size ?? 0) > 0
    for (const grid of ['a', 'b', 'c']) drafts.prepare(grid, layout, cell(0, 0, 'blue.png'))
    expect([await held('a'), await held('b'), await held('c')]).toEqual([true, true, false])
    drafts.forget('a')
    drafts.prepare('c', layout, cell(0, 0, 'blue.png'))
    expect(await held('c')).toBe(true)
    await drafts.stop()
  })
})
