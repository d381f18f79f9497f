/**
 * Managing imported folders through a real core: a folder scanned again by its id, watched and unwatched,
 * and removed from the library (its scan cancelled, its outputs' rows, search entries, favourites and
 * thumbnails gone) with every file of the user's left on disk byte for byte. Params are validated like
 * every other method, and unknown ids are plain NOT_FOUND answers.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CourierEvent } from '../../src/shared/events'
import type { ImportProgress } from '../../src/shared/imports'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'

const png = (r: number, g: number, b: number, size = 24) => sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } }).png().toBuffer()

/** Every file under `dir` with its bytes, by relative path. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files.set(path.slice(dir.length + 1), await readFile(path))
  }
  return files
}

describe('managing imported folders', () => {
  let t: TestCore
  let root: string
  let folder: string

  const finish = async (id: string): Promise<ImportProgress> => {
    const event = await t.waitForEvent((e) => e.type === 'library.importing' && e.progress.id === id && e.progress.state !== 'scanning', 60_000)
    return (event as Extract<CourierEvent, { type: 'library.importing' }>).progress
  }
  const folderRow = async (path: string) => (await t.call('library.imports', {})).find((f) => f.folder === path)

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'courier-import-folders-'))
    folder = join(root, 'renders')
    await mkdir(join(folder, 'nested'), { recursive: true })
    for (let i = 0; i < 4; i++) await writeFile(join(folder, `lighthouse-${i}.png`), await png(30 * i, 120, 200))
    await writeFile(join(folder, 'nested', 'harbour.png'), await png(200, 10, 10))
    t = await startTestCore({ tuning: { importWatchMs: 300 } })
  }, 60_000)

  afterAll(async () => {
    await t?.stop()
    await removeDir(t?.dataDir ?? '')
    await rm(root, { recursive: true, force: true })
  })

  it('lists each folder with its id, and rescans it by that id', async () => {
    const first = await t.call('library.import', { folder })
    expect(await finish(first.id)).toMatchObject({ state: 'done', added: 5 })
    const row = await folderRow(folder)
    expect(row).toMatchObject({ id: expect.any(Number), files: 5, watch: false, scanning: null })

    await writeFile(join(folder, 'nested', 'new.png'), await png(1, 200, 1))
    const rescan = await t.call('library.rescan', { importId: row!.id })
    expect(rescan.id).not.toBe(first.id)
    expect(await finish(rescan.id)).toMatchObject({ state: 'done', found: 6, added: 1 })
    expect(await folderRow(folder)).toMatchObject({ id: row!.id, files: 6 })
  })

  it('answers the scan under way when asked to rescan a folder being scanned', async () => {
    const row = (await folderRow(folder))!
    await writeFile(join(folder, 'nested', 'another.png'), await png(2, 2, 200))
    const a = await t.call('library.rescan', { importId: row.id })
    const b = await t.call('library.rescan', { importId: row.id })
    expect(b.id).toBe(a.id)
    await finish(a.id)
  })

  it('watches a folder and stops watching it', async () => {
    const row = (await folderRow(folder))!
    expect(await t.call('library.importWatch', { importId: row.id, watch: true })).toMatchObject({ id: row.id, folder, watch: true })
    // Watched: a new file turns up on its own.
    await writeFile(join(folder, 'watched.png'), await png(90, 90, 10))
    await t.waitForEvent((e) => e.type === 'library.importing' && e.progress.folder === folder && e.progress.state === 'done' && e.progress.added === 1, 15_000)
    expect(await t.call('library.importWatch', { importId: row.id, watch: false })).toMatchObject({ watch: false })
    expect((await folderRow(folder))!.watch).toBe(false)
    // No longer watched: a new file waits for a rescan.
    await writeFile(join(folder, 'unwatched.png'), await png(10, 90, 90))
    const since = t.seen.length
    await new Promise((resolve) => setTimeout(resolve, 1200))
    expect(t.seen.slice(since).some((e) => e.type === 'library.importing' && e.progress.folder === folder)).toBe(false)
  })

  it('removes a folder from the library: rows, search entries, favourites and thumbnails go, every file stays', async () => {
    const row = (await folderRow(folder))!
    const outputs = await t.call('outputs.list', { source: 'imported' })
    expect(outputs.length).toBe(row.files)
    await t.call('outputs.update', { id: outputs[0]!.id, favourite: true })
    // Thumbnails made (on request) before the folder goes.
    for (const output of outputs) expect((await t.core.media(output.id, null, { thumbnail: true })).status).toBe(200)
    const thumbs = join(t.dataDir, 'thumbnails')
    const thumbCount = async () => (existsSync(thumbs) ? (await readdir(thumbs, { recursive: true })).filter((name) => String(name).endsWith('.webp')).length : 0)
    expect(await thumbCount()).toBeGreaterThanOrEqual(outputs.length)
    const before = await snapshot(folder)
    const facets = await t.call('outputs.facets', {})

    const since = t.seen.length
    expect(await t.call('library.importRemove', { importId: row.id })).toEqual({ removed: row.files })
    expect(t.seen.slice(since)).toContainEqual({ type: 'library.importRemoved', importId: row.id, folder, removed: row.files })
    expect(await folderRow(folder)).toBeUndefined()
    expect(await t.call('outputs.list', { source: 'imported' })).toEqual([])
    expect(await t.call('outputs.list', { query: 'lighthouse' })).toEqual([])
    expect(await t.call('outputs.list', { favourite: true })).toEqual([])
    expect((await t.call('outputs.facets', {})).total).toBe(facets.total - row.files)
    for (const output of outputs) expect((await t.core.call('outputs.get', { id: output.id })).ok).toBe(false)
    expect(await thumbCount()).toBe(0)
    // The user's files: all there, byte for byte.
    expect(await snapshot(folder)).toEqual(before)

    // Added again, its files come back (the one put there since it was last scanned too).
    const again = await t.call('library.import', { folder })
    expect(await finish(again.id)).toMatchObject({ state: 'done', added: before.size })
  })

  it('cancels a scan of the folder it removes, and leaves none of its rows behind', async () => {
    const many = join(root, 'many')
    await mkdir(many)
    for (let i = 0; i < 120; i++) await writeFile(join(many, `p-${String(i).padStart(3, '0')}.png`), await png(i, 255 - i, (i * 7) % 256, 16))
    const { id } = await t.call('library.import', { folder: many })
    await t.waitForEvent((e) => e.type === 'library.importing' && e.progress.id === id && e.progress.added > 0, 30_000).catch(() => undefined)
    const row = (await folderRow(many))!
    const removed = await t.call('library.importRemove', { importId: row.id })
    expect((await finish(id)).state).toBe('cancelled')
    expect(removed.removed).toBeLessThan(120)
    expect(await folderRow(many)).toBeUndefined()
    expect((await t.call('outputs.list', { source: 'imported', limit: 5000 })).filter((o) => o.folder === many)).toEqual([])
    expect((await readdir(many)).length).toBe(120)
  })

  it('refuses unknown ids and malformed params plainly', async () => {
    for (const [method, args] of [
      ['library.rescan', { importId: 9999 }],
      ['library.importWatch', { importId: 9999, watch: true }],
      ['library.importRemove', { importId: 9999 }],
    ] as const) {
      const result = await t.core.invoke(method, args)
      expect(result, method).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
      expect(!result.ok && result.error.message).toContain('no import folder 9999')
    }
    for (const [method, args] of [
      ['library.rescan', {}],
      ['library.rescan', { importId: 'one' }],
      ['library.rescan', { importId: 0 }],
      ['library.rescan', { importId: 1.5 }],
      ['library.importWatch', { importId: 1 }],
      ['library.importWatch', { importId: 1, watch: 'yes' }],
      ['library.importRemove', { importId: 1, files: true }],
    ] as const) {
      expect(await t.core.invoke(method, args), `${method} ${JSON.stringify(args)}`).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    }
  })

  it('says the folder is gone when asked to rescan one that was deleted from disk', async () => {
    const gone = join(root, 'gone')
    await mkdir(gone)
    await writeFile(join(gone, 'one.png'), await png(5, 5, 5))
    await finish((await t.call('library.import', { folder: gone })).id)
    const row = (await folderRow(gone))!
    await rm(gone, { recursive: true })
    expect(await t.core.invoke('library.rescan', { importId: row.id })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'folder' } })
  })
})
