/**
 * Import (issue 16, part 4) through a real core: a temp folder of mixed files (real ComfyUI and A1111
 * files, videos, generated pictures, a duplicate, corrupt files, a nested folder, a hidden folder and links
 * out, a decompression-bomb PNG) is indexed in place; then searched, inspected, served, rescanned after a file vanished, cancelled
 * mid-scan, and bad folders are refused.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CourierEvent } from '../../src/shared/events'
import type { ImportProgress } from '../../src/shared/imports'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'

const FIXTURES = join(import.meta.dirname, '../../src/main/core/metadata/fixtures')

/** A PNG chunk: length, type, data, CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([head, body, crc])
}

/** A "decompression bomb": a few hundred bytes that claim 100,000 × 100,000 pixels. */
function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(100_000, 0)
  ihdr.writeUInt32BE(100_000, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))])
}

const png = (r: number, g: number, b: number, size = 24) => sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } }).png().toBuffer()

describe('importing a folder into the library', () => {
  let t: TestCore
  let root: string
  let folder: string

  const ended = (id: string) => (event: CourierEvent) => event.type === 'library.importing' && event.progress.id === id && event.progress.state !== 'scanning'
  const finish = async (id: string): Promise<ImportProgress> => {
    const event = await t.waitForEvent(ended(id), 60_000)
    return (event as Extract<CourierEvent, { type: 'library.importing' }>).progress
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'courier-import-'))
    folder = join(root, 'ComfyUI-output')
    await mkdir(join(folder, 'nested', 'deeper'), { recursive: true })
    for (const name of ['comfyui-saveimage.png', 'a1111-parameters.png', 'a1111-utf16be.jpg', 'comfyui-single-lossy.webp']) await copyFile(join(FIXTURES, name), join(folder, name))
    await copyFile(join(FIXTURES, 'video', 'comfyui-savevideo.mp4'), join(folder, 'nested', 'clip.mp4'))
    await copyFile(join(FIXTURES, 'video', 'comfyui-savewebm.webm'), join(folder, 'nested', 'clip.webm'))
    for (let i = 0; i < 5; i++) await writeFile(join(folder, 'nested', 'deeper', `gen-${i}.png`), await png(40 * i, 200, 100))
    // The same bytes as the ComfyUI file: a duplicate, recognised by its hash.
    await copyFile(join(FIXTURES, 'comfyui-saveimage.png'), join(folder, 'nested', 'copy-of-comfy.png'))
    // Corrupt: a truncated PNG and text named like a JPEG.
    await writeFile(join(folder, 'broken.png'), (await png(1, 2, 3, 256)).subarray(0, 120))
    await writeFile(join(folder, 'fake.jpg'), 'not a picture at all')
    await writeFile(join(folder, 'nested', 'bomb.png'), bombPng())
    // Left out: not a picture, a hidden folder, links out of the folder (to a file and to a folder).
    await writeFile(join(folder, 'notes.txt'), 'hello')
    await mkdir(join(folder, '.cache'))
    await writeFile(join(folder, '.cache', 'hidden.png'), await png(9, 9, 9))
    const outside = join(root, 'outside')
    await mkdir(outside)
    await writeFile(join(outside, 'secret.png'), await png(250, 0, 0))
    await symlink(join(outside, 'secret.png'), join(folder, 'link.png'))
    await symlink(outside, join(folder, 'linked-folder'))
    t = await startTestCore({})
  }, 60_000)

  afterAll(async () => {
    await t?.stop()
    await removeDir(t?.dataDir ?? '')
    await rm(root, { recursive: true, force: true })
  })

  it('indexes every picture and video in place, with counts, duplicates and failures', async () => {
    const { id } = await t.call('library.import', { folder })
    const progress = await finish(id)
    expect(progress).toMatchObject({ state: 'done', found: 15, done: 15, added: 11, duplicates: 1, failed: 3, message: null })
    const scanning = t.seen.filter((e) => e.type === 'library.importing' && e.progress.id === id && e.progress.state === 'scanning')
    expect(scanning.length).toBeGreaterThanOrEqual(1)

    const imported = await t.call('outputs.list', { source: 'imported' })
    expect(imported).toHaveLength(11)
    expect(imported.every((o) => o.source === 'imported' && o.runId === null && o.provider === null && o.missing === false)).toBe(true)
    expect(imported.map((o) => o.path).sort()).toEqual([
      'a1111-parameters.png',
      'a1111-utf16be.jpg',
      'comfyui-saveimage.png',
      'comfyui-single-lossy.webp',
      'nested/clip.mp4',
      'nested/clip.webm',
      'nested/deeper/gen-0.png',
      'nested/deeper/gen-1.png',
      'nested/deeper/gen-2.png',
      'nested/deeper/gen-3.png',
      'nested/deeper/gen-4.png',
    ])
    expect(imported.filter((o) => o.kind === 'image').every((o) => o.hasThumbnail && o.width !== null)).toBe(true)
    expect(imported.find((o) => o.path === 'nested/clip.mp4')).toMatchObject({ kind: 'video', mime: 'video/mp4' })
    expect(imported.find((o) => o.path === 'nested/deeper/gen-0.png')!.deploymentName).toBe('ComfyUI-output') // no metadata: the folder's name
    expect(await t.call('outputs.list', { source: 'generated' })).toEqual([])
    const facets = await t.call('outputs.facets', {})
    expect(facets.sources).toEqual([{ source: 'imported', count: 11 }])
    expect(facets.providers).toEqual([])

    const [folderRow] = await t.call('library.imports', {})
    expect(folderRow).toMatchObject({ files: 11, missing: 0, duplicates: 1, failed: 3, watch: false, scanning: null })
    expect(folderRow!.lastScanAt).not.toBeNull()
  })

  it('finds the ComfyUI file by a word of its prompt, and reads its workflow back', async () => {
    const found = await t.call('outputs.list', { query: 'lighthouse' })
    // Both ComfyUI fixtures hold the same graph; the duplicate of the PNG was not added.
    expect(found.map((o) => o.path).sort()).toEqual(['comfyui-saveimage.png', 'comfyui-single-lossy.webp'])
    const comfy = found.find((o) => o.path === 'comfyui-saveimage.png')!
    expect(comfy).toMatchObject({ source: 'imported', deploymentName: 'ComfyUI' })
    expect(comfy.prompt).toContain('lighthouse')
    const a1111 = await t.call('outputs.list', { query: 'A1111' })
    expect(a1111.length).toBeGreaterThanOrEqual(1)
    const inspection = await t.call('outputs.inspect', { id: comfy.id })
    expect(inspection.source).toBe('comfyui')
    expect(inspection.workflow).not.toBeNull()
    // Served from its own folder, byte for byte.
    const response = await t.core.media(comfy.id, null)
    expect(response.status).toBe(200)
    expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(join(folder, 'comfyui-saveimage.png')))).toBe(true)
    expect((await t.core.media(comfy.id, null, { thumbnail: true })).status).toBe(200)
  })

  it('rescans: unchanged files are skipped, new ones added, vanished ones marked missing (never dropped)', async () => {
    await rm(join(folder, 'nested', 'deeper', 'gen-1.png'))
    await writeFile(join(folder, 'nested', 'new.png'), await png(7, 77, 177))
    const { id } = await t.call('library.import', { folder, watch: true })
    const progress = await finish(id)
    expect(progress).toMatchObject({ state: 'done', found: 15, added: 1, duplicates: 1, failed: 3 })
    const all = await t.call('outputs.list', { source: 'imported' })
    expect(all).toHaveLength(12)
    expect(all.filter((o) => o.missing).map((o) => o.path)).toEqual(['nested/deeper/gen-1.png'])
    const [row] = await t.call('library.imports', {})
    expect(row).toMatchObject({ files: 12, missing: 1, watch: true })

    // A file that vanished between scans answers 404 and is marked missing at once.
    const gen2 = all.find((o) => o.path === 'nested/deeper/gen-2.png')!
    await rm(join(folder, 'nested', 'deeper', 'gen-2.png'))
    expect((await t.core.media(gen2.id, null)).status).toBe(404)
    expect((await t.call('outputs.get', { id: gen2.id })).missing).toBe(true)
  })

  it('refuses folders that do not exist, are files, are relative, or are the library folder or inside it', async () => {
    const refused = async (folderArg: string) => {
      const result = await t.core.call('library.import', { folder: folderArg })
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.code).toBe('BAD_INPUT')
    }
    await refused(join(root, 'no-such-folder'))
    await refused(join(folder, 'notes.txt'))
    await refused('relative/folder')
    await mkdir(join(t.libraryDir, 'inside'), { recursive: true })
    await refused(t.libraryDir)
    await refused(join(t.libraryDir, 'inside'))
    expect((await t.core.call('library.importCancel', { id: 'imp_none' })).ok).toBe(false)
  })

  it('stops a scan when cancelled; what was added stays', async () => {
    const many = join(root, 'many')
    await mkdir(many)
    for (let i = 0; i < 150; i++) await writeFile(join(many, `p-${String(i).padStart(3, '0')}.png`), await png(i, 255 - i, (i * 7) % 256, 16))
    const { id } = await t.call('library.import', { folder: many })
    await t.waitForEvent((e) => e.type === 'library.importing' && e.progress.id === id && e.progress.added > 0, 30_000).catch(() => undefined)
    await t.call('library.importCancel', { id })
    const progress = await finish(id)
    expect(progress.state).toBe('cancelled')
    expect(progress.added).toBeLessThan(150)
    const rows = (await t.call('library.imports', {})).find((f) => f.folder.endsWith('many'))
    expect(rows).toMatchObject({ scanning: null })
    expect(rows!.files).toBe(progress.added)
  })
})

describe('a watched import folder', () => {
  it('is scanned again while the app runs: a new file appears without asking', async () => {
    const root = await mkdtemp(join(tmpdir(), 'courier-import-watch-'))
    const t = await startTestCore({ tuning: { importWatchMs: 300 } })
    try {
      await writeFile(join(root, 'first.png'), await png(10, 20, 30))
      const { id } = await t.call('library.import', { folder: root, watch: true })
      await t.waitForEvent((e) => e.type === 'library.importing' && e.progress.id === id && e.progress.state === 'done')
      await writeFile(join(root, 'second.png'), await png(30, 20, 10))
      await t.waitForEvent((e) => e.type === 'library.importing' && e.progress.id !== id && e.progress.state === 'done' && e.progress.added === 1, 15_000)
      expect((await t.call('outputs.list', { source: 'imported' })).map((o) => o.path).sort()).toEqual(['first.png', 'second.png'])
      expect(await t.call('library.imports', {})).toMatchObject([{ watch: true, files: 2 }])
    } finally {
      await t.stop()
      await removeDir(t.dataDir)
      await rm(root, { recursive: true, force: true })
    }
  })
})
