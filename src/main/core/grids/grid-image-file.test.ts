import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Output } from '@shared/output'
import { COURIER_RECORD_KEY, CourierRecord } from '@shared/provenance'
import { GRID_PART_NAME } from '../downloads/output-target'
import { readImageMetadata } from '../metadata/containers/image'
import type { NewGridImage } from '../store/outputs-repo'
import type { StoredGrid } from '../store/grids-repo'
import type { GridEncoding } from './grid-image'
import { gridImagePath, gridRecord, saveGridImage } from './grid-image-file'
import { deflateRows, newScanlines, placeRgb, type DeflatedBand } from './grid-png'

const grid: StoredGrid = {
  id: 'g_Ab-_9xYzQq12',
  provider: 'demo',
  deploymentId: 'dep',
  deploymentName: 'Quick Sketch',
  inputs: { prompt: 'a fox', seed: 3 },
  axes: [{ input: 'seed', values: [1, 2], labels: ['1', '2'] }],
  cellTime: true,
  imageOutputId: null,
  imageState: 'making',
  imageError: null,
  createdAt: Date.parse('2026-12-06T10:00:00'),
}

describe('grid image file', () => {
  it('is named beside its cells, and its scratch file is one the library start-up cleans', () => {
    const path = gridImagePath(grid, Date.parse('2026-12-06T11:00:00'))
    expect(path).toMatch(/^2026-12-06\/quick-sketch\/grid-Ab-_9xYz-[a-z0-9]+\.png$/)
    expect(GRID_PART_NAME.test(`${path.split('/').pop()}.part`)).toBe(true)
  })

  it('carries a valid comfy-courier/1 record with the set-up, the grid named where a run would be', () => {
    const record = CourierRecord.parse(gridRecord(grid, 'Comfy Courier 0.1.0', 5))
    expect(record).toMatchObject({ runId: grid.id, providerRunId: null, inputs: grid.inputs, prompt: 'a fox' })
    expect(record.grid).toEqual({ provider: 'demo', deploymentId: 'dep', inputs: grid.inputs, axes: grid.axes })
  })

  describe('saved', () => {
    let dir: string
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'courier-grid-file-'))
    })
    afterAll(() => rm(dir, { recursive: true, force: true }))

    /** A 40 × 30 picture of stripes in three bands, the last one ready only when `release` is called. */
    async function encoding(): Promise<{ image: GridEncoding; release: () => void; fail: (error: Error) => void }> {
      const [width, height] = [40, 30]
      const picture = newScanlines(width, height)
      const pixels = new Uint8Array(width * height * 3).map((_, i) => (i * 7) & 0xff)
      placeRgb(picture, pixels, width, height, 0, 0)
      const [first, second] = await Promise.all([deflateRows(picture, 0, 10), deflateRows(picture, 10, 20)])
      let release!: () => void
      let fail!: (error: Error) => void
      const last = new Promise<DeflatedBand>((resolve, reject) => {
        release = () => void deflateRows(picture, 20, 30).then(resolve)
        fail = reject
      })
      return { image: { width, height, bands: [Promise.resolve(first), Promise.resolve(second), last] }, release, fail }
    }

    const repo = () => {
      const rows: NewGridImage[] = []
      return { rows, outputs: { insertGridImage: (row: NewGridImage) => (rows.push(row), { id: row.id } as Output) } }
    }

    it('writes the bands ready while the last is still drawn, then a PNG whose record, hash and size the row names', async () => {
      const { image, release } = await encoding()
      const { rows, outputs } = repo()
      const saving = saveGridImage({ outputs, libraryDir: dir, app: 'Comfy Courier test', now: () => Date.parse('2026-12-06T12:00:00') }, grid, image)
      // The scratch file holds the head and the first bands before the last band exists.
      const folder = join(dir, '2026-12-06', 'quick-sketch')
      let early = 0
      for (let i = 0; i < 200 && early === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5))
        const names = await readdir(folder).catch(() => [])
        const part = names.find((name) => name.endsWith('.part'))
        if (part) early = (await readFile(join(folder, part))).length
      }
      expect(early).toBeGreaterThan(0)
      release()
      const saved = await saving
      expect(saved).not.toBeNull()
      expect(rows).toHaveLength(1)
      const file = await readFile(join(dir, ...rows[0]!.path.split('/')))
      expect(file.length).toBeGreaterThan(early)
      expect(rows[0]).toMatchObject({ bytes: file.length, sha256: createHash('sha256').update(file).digest('hex'), width: 40, height: 30 })
      expect(CourierRecord.parse(JSON.parse(readImageMetadata(file)!.text[COURIER_RECORD_KEY]!)).grid?.axes).toEqual(grid.axes)
      const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height]).toEqual([40, 30])
      expect(data[3 * 40 * 25 + 5]).toBe(((40 * 25 * 3 + 5) * 7) & 0xff)
      expect((await readdir(folder)).filter((name) => name.endsWith('.part'))).toEqual([])
    })

    it('leaves no file and no row when a band cannot be drawn, or the image is no longer wanted', async () => {
      const failing = await encoding()
      const { rows, outputs } = repo()
      const deps = { outputs, libraryDir: join(dir, 'other'), app: 'Comfy Courier test' }
      const saving = saveGridImage(deps, grid, failing.image)
      setTimeout(() => failing.fail(new Error('the label could not be drawn')), 20)
      await expect(saving).rejects.toThrow(/the label could not be drawn/)
      const unwanted = await encoding()
      unwanted.release()
      expect(await saveGridImage(deps, grid, unwanted.image, () => false)).toBeNull()
      expect(rows).toEqual([])
      const left = await readdir(join(dir, 'other'), { recursive: true, withFileTypes: true })
      expect(left.filter((entry) => entry.isFile()).map((entry) => entry.name)).toEqual([])
    })
  })
})
