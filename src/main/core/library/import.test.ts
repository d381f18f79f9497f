import { createHash } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CourierEvent } from '@shared/events'
import type { ImportProgress } from '@shared/imports'
import { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import { readFileMetadata } from '../metadata/read-file'
import { openDatabase, type Db } from '../store/database'
import { ImportsRepo } from '../store/imports-repo'
import { OutputsRepo } from '../store/outputs-repo'
import { HashClaims, readWholeFile, type IndexFileDeps } from './import-file'
import { ImportService } from './import-service'
import { Thumbnails } from './thumbnails'

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet }
const FIXTURES = join(import.meta.dirname, '..', 'metadata', 'fixtures')
const noVideoTools = { ffmpeg: null, ffprobe: null }

const png = (r: number, g: number, b: number, size = 32) => sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } }).png().toBuffer()
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe('importing a folder, a few files at a time', () => {
  let dir: string
  let folder: string
  let dbs: Db[]
  let services: ImportService[]

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-import-unit-'))
    folder = join(dir, 'folder')
    await mkdir(folder)
    dbs = []
    services = []
  })

  afterEach(async () => {
    for (const running of services) await running.stop()
    for (const db of dbs) db.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** An import service on its own store and thumbnail cache, wired as the core wires them. */
  function service(name: string, options: { concurrency?: number; bufferMaxBytes?: number; wrap?: (thumbnails: Thumbnails) => IndexFileDeps['thumbnails'] } = {}) {
    const dataDir = join(dir, name)
    const db = openDatabase(join(dir, `${name}.db`))
    dbs.push(db)
    let thumbnails: Thumbnails | null = null
    const outputs = new OutputsRepo(db, { thumbnailOnInsert: (output) => thumbnails!.adopt(output) })
    thumbnails = new Thumbnails({ dir: join(dataDir, 'thumbnails'), outputs, log: quiet })
    const events = new EventHub<CourierEvent>(quiet)
    const seen: ImportProgress[] = []
    events.subscribe((event) => {
      if (event.type === 'library.importing') seen.push(event.progress)
    })
    const imports = new ImportService({
      outputs,
      imports: new ImportsRepo(db),
      thumbnails: options.wrap ? options.wrap(thumbnails) : thumbnails,
      videoTools: noVideoTools,
      events,
      log: quiet,
      libraryDir: () => join(dir, 'library'),
      dataDir,
      progressIntervalMs: 0,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.bufferMaxBytes !== undefined ? { bufferMaxBytes: options.bufferMaxBytes } : {}),
    })
    services.push(imports)
    /** Starts a scan of the folder and waits for its end. */
    const scan = async (beforeEnd?: (id: string) => void): Promise<ImportProgress> => {
      const started = await imports.start(folder, false)
      if (!started.ok) throw new Error(started.error.message)
      beforeEnd?.(started.value.id)
      for (;;) {
        const end = seen.find((p) => p.id === started.value.id && p.state !== 'scanning')
        if (end) return end
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    return { imports, outputs, thumbnails, scan, seen, dataDir, stop: () => imports.stop() }
  }

  it('counts two copies of one file in flight at once as one added and one duplicate', async () => {
    const bytes = await png(10, 200, 30)
    await writeFile(join(folder, 'a.png'), bytes)
    await writeFile(join(folder, 'b.png'), bytes)
    await writeFile(join(folder, 'c.png'), bytes)
    await writeFile(join(folder, 'd.png'), await png(200, 10, 30))
    const { scan, outputs } = service('copies', { concurrency: 3 })
    expect(await scan()).toMatchObject({ state: 'done', found: 4, done: 4, added: 2, duplicates: 2, failed: 0 })
    const rows = outputs.importedFiles(1)
    expect(rows.size).toBe(2)
    expect(outputs.hasHash(sha256(bytes))).toBe(true)
  })

  it('gives the hash to the next copy when the first one is not added', async () => {
    const claims = new HashClaims()
    const order: string[] = []
    const first = await claims.claim('h')
    const second = claims.claim('h').then((release) => {
      order.push('second holds it')
      release()
    })
    const other = claims.claim('other').then((release) => {
      order.push('other hash: at once')
      release()
    })
    await other
    expect(order).toEqual(['other hash: at once'])
    order.push('first releases')
    first()
    await second
    expect(order).toEqual(['other hash: at once', 'first releases', 'second holds it'])
    // Free again: a third claim does not wait.
    ;(await claims.claim('h'))()
  })

  it('indexes a picture larger than the in-memory cap through the streamed path, with the same hash, size, metadata and thumbnail', async () => {
    await copyFile(join(FIXTURES, 'comfyui-saveimage.png'), join(folder, 'comfy.png'))
    await copyFile(join(FIXTURES, 'a1111-utf16be.jpg'), join(folder, 'a1111.jpg'))
    await writeFile(join(folder, 'plain.png'), await png(1, 2, 3, 300))
    // The cap below every file: all streamed. The default cap: all read once. Both must index the same.
    const streamed = service('streamed', { bufferMaxBytes: 16 })
    const buffered = service('buffered')
    expect(await streamed.scan()).toMatchObject({ state: 'done', added: 3, failed: 0 })
    expect(await buffered.scan()).toMatchObject({ state: 'done', added: 3, failed: 0 })
    const fields = (repo: OutputsRepo) =>
      [...repo.importedFiles(1).values()]
        .map((file) => repo.get(file.id)!)
        .map((o) => ({ path: o.path, sha256: o.sha256, bytes: o.bytes, width: o.width, height: o.height, prompt: o.prompt, seed: o.seed, title: o.deploymentName, hasThumbnail: o.hasThumbnail }))
        .sort((a, b) => a.path.localeCompare(b.path))
    const viaStream = fields(streamed.outputs)
    expect(viaStream).toEqual(fields(buffered.outputs))
    const comfy = viaStream.find((o) => o.path === 'comfy.png')!
    expect(comfy).toMatchObject({ sha256: sha256(await readFile(join(folder, 'comfy.png'))), title: 'ComfyUI', hasThumbnail: true })
    expect(comfy.prompt).toContain('lighthouse')
    expect(viaStream.find((o) => o.path === 'plain.png')).toMatchObject({ width: 300, height: 300, hasThumbnail: true })
  })

  it('stops at once when cancelled mid-scan: files in flight leave a whole row or none, and nothing more is read', async () => {
    for (let i = 0; i < 40; i++) await writeFile(join(folder, `p-${String(i).padStart(2, '0')}.png`), await png(i * 5, 100, 200 - i * 5))
    let calls = 0
    let callsAtCancel = -1
    let cancel: () => void = () => undefined
    const { scan, outputs, dataDir, imports } = service('cancel', {
      concurrency: 2,
      // The scan is cancelled as the 10th file asks for its thumbnail: that file's turn never comes.
      wrap: (thumbnails) => ({
        prepare: (file, mime, options) => {
          calls++
          if (calls === 10) {
            callsAtCancel = calls
            cancel()
          }
          return thumbnails.prepare(file, mime, options)
        },
        ensure: (id) => thumbnails.ensure(id),
        remove: (id) => thumbnails.remove(id),
      }),
    })
    const progress = await scan((id) => {
      cancel = () => expect(imports.cancel(id).ok).toBe(true)
    })
    expect(progress.state).toBe('cancelled')
    // At most the one other file in flight got as far as its thumbnail after the cancel.
    expect(calls - callsAtCancel).toBeLessThanOrEqual(1)
    // The file cancelled while waiting for its turn (the 10th) has no row: only those before it can be added.
    expect(progress.added).toBeLessThan(callsAtCancel)
    expect(progress.done).toBe(progress.added)
    // Every row left is whole: its thumbnail was made before it was written; no thumbnail is left pending.
    const rows = [...outputs.importedFiles(1).values()].map((file) => outputs.get(file.id)!)
    expect(rows).toHaveLength(progress.added)
    expect(rows.every((row) => row.hasThumbnail)).toBe(true)
    const pending = await readdir(join(dataDir, 'thumbnails', 'pending')).catch(() => [])
    expect(pending.filter((name) => name.endsWith('.webp') || name.endsWith('.part'))).toEqual([])
  })

  it('reads the same metadata from bytes read already as from the file, sidecar included', async () => {
    const file = join(folder, 'gen.png')
    await copyFile(join(FIXTURES, 'a1111-parameters.png'), file)
    await writeFile(`${file}.json`, JSON.stringify({ note: 'from the sidecar' }))
    const bytes = await readFile(file)
    const fromFile = await readFileMetadata(file, bytes.length, noVideoTools)
    const fromBytes = await readFileMetadata(file, bytes.length, noVideoTools, bytes)
    expect(fromBytes).toEqual(fromFile)
    expect(fromBytes.text.note).toBe('from the sidecar')
  })

  it('reads a whole file once, or answers null for one larger than the cap', async () => {
    const file = join(folder, 'x.png')
    const bytes = await png(4, 5, 6)
    await writeFile(file, bytes)
    expect((await readWholeFile(file, bytes.length))?.equals(bytes)).toBe(true)
    expect(await readWholeFile(file, bytes.length - 1)).toBeNull()
  })
})
