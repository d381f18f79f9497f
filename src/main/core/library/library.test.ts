import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CourierEvent, LibraryMoveProgress } from '@shared/events'
import type { RunId } from '@shared/run'
import { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import { openDatabase, type Db } from '../store/database'
import { OutputsRepo } from '../store/outputs-repo'
import { RunLedger } from '../runs/run-ledger'
import { LibraryService } from './library-service'
import { serveFile } from './media'
import { readSidecar } from '../metadata/containers/sidecar'
import { moveLibrary } from './move-library'
import { RecentPictures } from './recent-pictures'
import { Thumbnails } from './thumbnails'
import { locateFfmpeg, VideoPosters } from './video-poster'

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet }

describe('the library', () => {
  let dir: string
  let libraryDir: string
  let db: Db
  let runs: RunLedger
  let outputs: OutputsRepo
  let events: EventHub<CourierEvent>
  let seen: CourierEvent[]
  let thumbnails: Thumbnails
  let trashed: string[]
  let trashFails: Map<string, string>
  let opened: string[]
  let library: LibraryService

  const newRun = (prompt = 'a fox') =>
    runs.create({
      id: `r_${Math.random().toString(36).slice(2, 14)}` as RunId,
      provider: 'demo',
      deploymentId: 'dep',
      deploymentName: 'Quick Sketch',
      inputs: { prompt, seed: 1 },
      hookToken: Math.random().toString(36),
      webhookBase: null,
      now: Date.now(),
    })

  /** A run with `count` saved PNGs in the library, as the saver leaves them. */
  async function savedRun(count: number, opts: { prompt?: string; root?: string } = {}) {
    const root = opts.root ?? libraryDir
    const run = newRun(opts.prompt)
    const saved = []
    for (let index = 0; index < count; index++) {
      const path = `2026-11-25/quick-sketch/${run.id.slice(2, 10)}-${index + 1}.png`
      const bytes = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 40 * index, g: 90, b: 160 } } })
        .png()
        .toBuffer()
      await mkdir(dirname(join(root, path)), { recursive: true })
      await writeFile(join(root, path), bytes)
      saved.push(
        outputs.insert({
          id: `o_${run.id.slice(2, 10)}${index}`,
          runId: run.id,
          index,
          root,
          path,
          kind: 'image',
          mime: 'image/png',
          bytes: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          width: 600,
          height: 400,
          createdAt: Date.now() + index,
        }),
      )
      runs.change(run.id, { recountOutputs: true })
    }
    return { run, outputs: saved }
  }

  const fileOf = (id: string) => {
    const location = outputs.location(id)!
    return join(location.root, ...location.path.split('/'))
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-library-'))
    libraryDir = join(dir, 'library')
    await mkdir(libraryDir)
    db = openDatabase(join(dir, 'courier.db'))
    outputs = new OutputsRepo(db)
    events = new EventHub<CourierEvent>()
    runs = new RunLedger({ db, events })
    seen = []
    events.subscribe((event) => seen.push(event))
    thumbnails = new Thumbnails({ dir: join(dir, 'thumbnails'), outputs, log: quiet })
    trashed = []
    trashFails = new Map()
    opened = []
    const trashDir = join(dir, 'trash')
    await mkdir(trashDir)
    library = new LibraryService({
      outputs,
      ledger: runs,
      thumbnails,
      // A stand-in for the OS trash: moves the file aside, or refuses as a trash can does.
      trash: async (path) => {
        const refusal = trashFails.get(path)
        if (refusal) throw new Error(refusal)
        trashed.push(path)
        await rename(path, join(trashDir, `${trashed.length}-${path.split('/').pop()}`))
      },
      desktop: {
        openPath: async (path) => {
          opened.push(`open ${path}`)
          return path.endsWith('-2.png') ? 'No application knows how to open this file' : ''
        },
        showItemInFolder: (path) => void opened.push(`reveal ${path}`),
      },
      log: quiet,
    })
  })
  afterEach(async () => {
    await thumbnails.stop()
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  describe('delete', () => {
    it('moves the files to the trash, then forgets the outputs and their thumbnails', async () => {
      const { run, outputs: [a, b] } = await savedRun(2)
      await thumbnails.ensure(a!.id)
      const thumb = thumbnails.fileFor(a!.id)!
      expect(existsSync(thumb)).toBe(true)
      const files = [fileOf(a!.id), fileOf(b!.id)]

      expect(await library.delete([a!.id, b!.id, 'o_unknown'])).toEqual({ ok: true, value: { deleted: 2 } })
      expect(trashed).toEqual(files)
      expect(files.some((file) => existsSync(file))).toBe(false)
      expect(existsSync(thumb)).toBe(false)
      expect(outputs.list({})).toEqual([])
      expect(outputs.list({ query: 'fox' })).toEqual([])
      // The run stays, with its count; the folders emptied go, the library folder does not.
      expect(runs.require(run.id).outputCount).toBe(0)
      expect(seen.some((e) => e.type === 'run.updated' && e.run.id === run.id && e.run.outputCount === 0)).toBe(true)
      expect(existsSync(join(libraryDir, '2026-11-25'))).toBe(false)
      expect(existsSync(libraryDir)).toBe(true)
    })

    it('takes a sidecar to the trash with its file', async () => {
      const { outputs: [a] } = await savedRun(1)
      await writeFile(`${fileOf(a!.id)}.json`, JSON.stringify({ 'comfy-courier': '{}' }))
      const files = [fileOf(a!.id), `${fileOf(a!.id)}.json`]
      expect(await library.delete([a!.id])).toEqual({ ok: true, value: { deleted: 1 } })
      expect(trashed).toEqual(files)
      expect(files.some((file) => existsSync(file))).toBe(false)
    })

    it('still forgets an output whose file is already gone', async () => {
      const { outputs: [a] } = await savedRun(1)
      await rm(fileOf(a!.id))
      expect(await library.delete([a!.id])).toEqual({ ok: true, value: { deleted: 1 } })
      expect(trashed).toEqual([])
      expect(outputs.get(a!.id)).toBeUndefined()
    })

    it('keeps an output the trash refused, and says which and why', async () => {
      const { outputs: [a, b] } = await savedRun(2)
      trashFails.set(fileOf(b!.id), 'Operation not permitted')
      const result = await library.delete([a!.id, b!.id])
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.error.code).toBe('CONFLICT')
      expect(result.error.message).toContain(outputs.get(b!.id)!.path)
      expect(result.error.message).toContain('Operation not permitted')
      expect(result.error.message).toContain('1 deleted')
      expect(outputs.get(a!.id)).toBeUndefined()
      expect(outputs.get(b!.id)).toBeDefined()
      expect(existsSync(fileOf(b!.id))).toBe(true)
    })
  })

  describe('open', () => {
    it('hands the real file to the desktop to open or show', async () => {
      const { outputs: [a, b] } = await savedRun(2)
      expect(await library.open(a!.id, 'open')).toEqual({ ok: true, value: {} })
      expect(await library.open(a!.id, 'reveal')).toEqual({ ok: true, value: {} })
      expect(opened).toEqual([`open ${fileOf(a!.id)}`, `reveal ${fileOf(a!.id)}`])
      const refused = await library.open(b!.id, 'open')
      expect(refused.ok === false && refused.error.message).toContain('No application knows how to open this file')
    })

    it('refuses missing files, links out of the library and unknown ids', async () => {
      const { outputs: [a, b] } = await savedRun(2)
      await rm(fileOf(a!.id))
      await rm(fileOf(b!.id))
      await symlink(join(dir, 'courier.db'), fileOf(b!.id))
      expect(await library.open(a!.id, 'open')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
      expect(await library.open(b!.id, 'reveal')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      expect(await library.open('o_nope', 'open')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
      expect(opened).toEqual([])
    })

    it('is desktop-only', async () => {
      const web = new LibraryService({ outputs, ledger: runs, thumbnails, trash: async () => {}, desktop: null, log: quiet })
      const { outputs: [a] } = await savedRun(1)
      expect(await web.open(a!.id, 'open')).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } })
    })
  })

  describe('thumbnails', () => {
    it('makes a small WebP once, outside the library, and says so on the output', async () => {
      const { outputs: [a] } = await savedRun(1)
      const saved = await thumbnails.afterSave(a!)
      expect(saved.hasThumbnail).toBe(true)
      const file = thumbnails.fileFor(a!.id)!
      expect(file.startsWith(join(dir, 'thumbnails'))).toBe(true)
      const meta = await sharp(file).metadata()
      expect(meta).toMatchObject({ format: 'webp', width: 384, height: 256 })
      const response = await thumbnails.serve(a!.id, null)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('image/webp')
      expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(file))).toBe(true)
    })

    it('makes the thumbnail while the saver checks the file, so the output is announced with it', async () => {
      let early: Thumbnails | null = null
      const repo = new OutputsRepo(db, { thumbnailOnInsert: (output) => early!.adopt(output) })
      const recent = new RecentPictures()
      early = new Thumbnails({ dir: join(dir, 'thumbnails'), outputs: repo, log: quiet, recent })
      const { run, outputs: [existing] } = await savedRun(1)
      const path = existing!.path.replace('-1.png', '-2.png')
      const file = join(libraryDir, path)
      await sharp({ create: { width: 300, height: 900, channels: 3, background: '#224466' } }).png().toFile(file)
      await early.prepare(file, 'image/png')
      await early.prepare(join(libraryDir, 'not-saved.txt'), 'text/plain') // not a picture: nothing made
      const saved = repo.insert({ id: 'o_early', runId: run.id, index: 1, root: libraryDir, path, kind: 'image', mime: 'image/png', bytes: 1, sha256: 'x', width: 300, height: 900, createdAt: Date.now() })
      expect(saved.hasThumbnail).toBe(true)
      expect(await sharp(early.fileFor('o_early')!).metadata()).toMatchObject({ width: 128, height: 384 })
      expect(await readdir(join(dir, 'thumbnails', 'pending'))).toEqual([])
      // Its pixels at thumbnail size are left for the next user (a grid's image), once.
      const decoded = recent.take(file)
      expect(decoded && [decoded.width, decoded.height, decoded.channels, decoded.pixels.length]).toEqual([128, 384, 3, 128 * 384 * 3])
      expect([...decoded!.pixels.subarray(0, 3)]).toEqual([0x22, 0x44, 0x66])
      expect(recent.take(file)).toBeUndefined()
      await early.stop()
    })

    it('makes the thumbnail of an older output on its first request', async () => {
      const { outputs: [a] } = await savedRun(1)
      expect(outputs.get(a!.id)!.hasThumbnail).toBe(false)
      expect((await thumbnails.serve(a!.id, null)).status).toBe(200)
      expect(outputs.get(a!.id)!.hasThumbnail).toBe(true)
    })

    it('never reads a picture through a link out of the library', async () => {
      const secret = join(dir, 'secret.png')
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).png().toFile(secret)
      const { outputs: [a] } = await savedRun(1)
      await rm(fileOf(a!.id))
      await symlink(secret, fileOf(a!.id))
      expect((await thumbnails.serve(a!.id, null)).status).toBe(404)
      expect(existsSync(thumbnails.fileFor(a!.id)!)).toBe(false)
      expect((await serveFile(outputs.location(a!.id)!, null)).status).toBe(403)
    })

    it('never serves a link planted in the thumbnail cache', async () => {
      const secret = join(dir, 'secret.webp')
      await writeFile(secret, 'not for the gallery')
      const { outputs: [a] } = await savedRun(1)
      expect((await thumbnails.serve(a!.id, null)).status).toBe(200)
      const cached = thumbnails.fileFor(a!.id)!
      await rm(cached)
      await symlink(secret, cached)
      const response = await thumbnails.serve(a!.id, null)
      expect(response.status).toBe(404)
      expect(await response.text()).not.toContain('not for the gallery')
    })

    it('makes the thumbnail again when the cache lost it', async () => {
      const { outputs: [a] } = await savedRun(1)
      expect((await thumbnails.serve(a!.id, null)).status).toBe(200)
      await rm(thumbnails.fileFor(a!.id)!)
      const again = await thumbnails.serve(a!.id, null)
      expect(again.status).toBe(200)
      expect(again.headers.get('content-type')).toBe('image/webp')
      expect(existsSync(thumbnails.fileFor(a!.id)!)).toBe(true)
    })

    it('marks a picture it cannot read, and does not try again', async () => {
      const { outputs: [a] } = await savedRun(1)
      await writeFile(fileOf(a!.id), 'not a picture at all')
      expect((await thumbnails.serve(a!.id, null)).status).toBe(404)
      expect(outputs.location(a!.id)!.thumbnail).toBe('failed')
      expect(outputs.get(a!.id)!.hasThumbnail).toBe(false)
    })
  })

  describe('video posters', () => {
    const fixture = (path: string) => fileURLToPath(new URL(path, import.meta.url))
    const VIDEOS = [
      { name: 'motion-loop.mp4', file: fixture('../../../sim/media/fixtures/motion-loop.mp4'), mime: 'video/mp4', ext: 'mp4', width: 256, height: 256 },
      { name: 'motion-loop.webm', file: fixture('../../../sim/media/fixtures/motion-loop.webm'), mime: 'video/webm', ext: 'webm', width: 256, height: 256 },
      { name: 'clip.mov', file: fixture('./fixtures/clip.mov'), mime: 'video/quicktime', ext: 'mov', width: 32, height: 24 },
    ]
    const ffmpeg = locateFfmpeg()
    const posterLog = () => {
      const warnings: string[] = []
      const log: Logger = { debug() {}, info() {}, warn: (message) => void warnings.push(message), error() {}, child: () => log }
      return Object.assign(log, { warnings })
    }

    /** One video output in the library; `insert` writes its row through `repo` (default: the shared one). */
    async function savedVideo(video: (typeof VIDEOS)[number], repo = outputs) {
      const run = newRun()
      const path = `2026-11-25/motion/${run.id.slice(2, 10)}-1.${video.ext}`
      const file = join(libraryDir, path)
      const bytes = await readFile(video.file)
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, bytes)
      const insert = () =>
        repo.insert({ id: `o_${run.id.slice(2, 10)}v`, runId: run.id, index: 0, root: libraryDir, path, kind: 'video', mime: video.mime, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), width: video.width, height: video.height, createdAt: Date.now() })
      return { file, insert }
    }

    /** Thumbnails whose row-writing store adopts what `prepare` made, as the core wires them. */
    function early(posters: VideoPosters) {
      let made: Thumbnails | null = null
      const repo = new OutputsRepo(db, { thumbnailOnInsert: (output) => made!.adopt(output) })
      made = new Thumbnails({ dir: join(dir, 'thumbnails'), outputs: repo, log: quiet, posters })
      return { repo, thumbs: made }
    }

    describe.skipIf(ffmpeg.path === null)(`with the real ffmpeg${ffmpeg.path === null ? ` (skipped: ${ffmpeg.why})` : ''}`, () => {
      it.each(VIDEOS)('makes a WebP poster of $name while the saver checks it, so it is announced with it', async (video) => {
        const { repo, thumbs } = early(new VideoPosters({ ffmpeg: ffmpeg.path, log: quiet }))
        const { file, insert } = await savedVideo(video, repo)
        await thumbs.prepare(file, video.mime)
        const saved = insert()
        expect(saved.hasThumbnail).toBe(true)
        expect(await sharp(thumbs.fileFor(saved.id)!).metadata()).toMatchObject({ format: 'webp', width: video.width, height: video.height })
        const response = await thumbs.serve(saved.id, null)
        expect(response.headers.get('content-type')).toBe('image/webp')
        await thumbs.stop()
      })

      it('makes the poster of an older video on its first request', async () => {
        const posters = new Thumbnails({ dir: join(dir, 'thumbnails'), outputs, log: quiet, posters: new VideoPosters({ ffmpeg: ffmpeg.path, log: quiet }) })
        const saved = (await savedVideo(VIDEOS[0]!)).insert()
        expect(saved.hasThumbnail).toBe(false)
        expect((await posters.serve(saved.id, null)).status).toBe(200)
        expect(outputs.get(saved.id)!.hasThumbnail).toBe(true)
        expect(await sharp(posters.fileFor(saved.id)!).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 })
        await posters.stop()
      })
    })

    it('gives videos no thumbnail where ffmpeg is missing, says so once, and tries again later', async () => {
      const log = posterLog()
      const { repo, thumbs } = early(new VideoPosters({ ffmpeg: join(dir, 'no-ffmpeg-here'), log }))
      const first = await savedVideo(VIDEOS[0]!, repo)
      const second = await savedVideo(VIDEOS[1]!, repo)
      await thumbs.prepare(first.file, 'video/mp4')
      await thumbs.prepare(second.file, 'video/webm')
      const saved = [first.insert(), second.insert()]
      expect(saved.map((output) => output.hasThumbnail)).toEqual([false, false])
      expect((await thumbs.afterSave(saved[0]!)).hasThumbnail).toBe(false)
      expect((await thumbs.serve(saved[1]!.id, null)).status).toBe(404)
      expect(log.warnings).toEqual(['videos get no poster: ffmpeg is not available'])
      // Nothing is remembered against the videos: with ffmpeg installed later, they get their posters.
      expect(saved.map((output) => repo.location(output.id)!.thumbnail)).toEqual([null, null])
      await thumbs.stop()
    })

    it('gives up on an ffmpeg that hangs: killed at the timeout, the video saved without a thumbnail, not tried again', async () => {
      const script = join(dir, 'hanging-ffmpeg')
      const calls = join(dir, 'calls')
      await writeFile(script, `#!/bin/sh\necho run >> '${calls}'\nexec sleep 60\n`)
      await chmod(script, 0o755)
      const { repo, thumbs } = early(new VideoPosters({ ffmpeg: script, timeoutMs: 200, log: quiet }))
      const { file, insert } = await savedVideo(VIDEOS[0]!, repo)
      await thumbs.prepare(file, 'video/mp4')
      const saved = insert()
      expect(saved.hasThumbnail).toBe(false)
      expect(repo.location(saved.id)!.thumbnail).toBe('failed')
      expect(await thumbs.ensure(saved.id)).toBe(false)
      expect((await thumbs.serve(saved.id, null)).status).toBe(404)
      expect((await readFile(calls, 'utf8')).trim().split('\n')).toEqual(['run'])
      await thumbs.stop()
    })
  })

  describe('moving the library folder', () => {
    const readable = async () => {
      const statuses = await Promise.all(outputs.locations().map(async (location) => (await serveFile(location, null)).status))
      return statuses.every((status) => status === 200)
    }

    it('moves every file by a second name on the same disk, then repoints the outputs', async () => {
      const { outputs: saved } = await savedRun(3)
      const older = join(dir, 'older-library') // outputs saved under an earlier folder come along too
      const { outputs: old } = await savedRun(1, { root: older })
      const target = join(dir, 'new', 'library')
      const outcome = await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet })
      expect(outcome).toEqual({ ok: true, moved: 4, leftBehind: [] })
      for (const output of [...saved, ...old]) {
        expect(outputs.location(output.id)!.root).toBe(target)
        expect(existsSync(join(target, output.path))).toBe(true)
        expect(existsSync(join(libraryDir, output.path))).toBe(false)
      }
      expect(await readable()).toBe(true)
      expect(existsSync(join(libraryDir, '2026-11-25'))).toBe(false) // emptied folders are removed
    })

    it('copies and checks each file when it cannot link across disks', async () => {
      const { outputs: saved } = await savedRun(2)
      const target = join(dir, 'elsewhere')
      const acrossDevices = async () => {
        throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' })
      }
      const outcome = await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet, linkFile: acrossDevices })
      expect(outcome).toMatchObject({ ok: true, moved: 2 })
      for (const output of saved) {
        const bytes = await readFile(join(target, output.path))
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(output.sha256)
        expect(existsSync(join(libraryDir, output.path))).toBe(false)
      }
      expect(await readable()).toBe(true)
    })

    it('carries each sidecar with its file, linked or copied, and the record still reads from it', async () => {
      const { outputs: saved } = await savedRun(3)
      const record = (n: number) => ({ 'comfy-courier': JSON.stringify({ format: 'comfy-courier/1', n }), parameters: `a fox ${n}` })
      // The first two have a sidecar (a video saved where ffmpeg was missing); the third has none.
      for (const [n, output] of saved.slice(0, 2).entries()) await writeFile(`${join(libraryDir, output.path)}.json`, JSON.stringify(record(n)))
      const target = join(dir, 'linked')
      expect(await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet })).toMatchObject({ ok: true, moved: 3 })
      for (const [n, output] of saved.slice(0, 2).entries()) {
        expect(await readSidecar(join(target, output.path))).toEqual(record(n))
        expect(existsSync(`${join(libraryDir, output.path)}.json`)).toBe(false)
      }
      expect(existsSync(`${join(target, saved[2]!.path)}.json`)).toBe(false)
      expect(existsSync(join(libraryDir, '2026-11-25'))).toBe(false) // its folder emptied, sidecars and all

      // Across disks, the sidecar is copied and checked like the file.
      const acrossDevices = async () => {
        throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' })
      }
      const copied = join(dir, 'copied')
      expect(await moveLibrary({ outputs, from: target, to: copied, log: quiet, linkFile: acrossDevices })).toMatchObject({ ok: true, moved: 3 })
      for (const [n, output] of saved.slice(0, 2).entries()) {
        expect(await readSidecar(join(copied, output.path))).toEqual(record(n))
        expect(existsSync(`${join(target, output.path)}.json`)).toBe(false)
      }
    })

    it('takes up a sidecar a stopped move left in the target, and does not call it a foreign file', async () => {
      const { outputs: [a] } = await savedRun(1)
      await writeFile(`${join(libraryDir, a!.path)}.json`, '{"comfy-courier":"new"}')
      const target = join(dir, 'half')
      await mkdir(dirname(join(target, a!.path)), { recursive: true })
      await writeFile(`${join(target, a!.path)}.json`, '{"comfy-courier":"old"}')
      expect(await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet })).toMatchObject({ ok: true, moved: 1 })
      expect(await readSidecar(join(target, a!.path))).toEqual({ 'comfy-courier': 'new' })
    })

    it('refuses a folder inside the library, or one holding other files', async () => {
      await savedRun(1)
      const inside = await moveLibrary({ outputs, from: libraryDir, to: join(libraryDir, 'sub'), log: quiet })
      expect(inside).toMatchObject({ ok: false, moved: 0 })
      expect(!inside.ok && inside.message).toContain('inside the library folder')
      const busy = join(dir, 'busy')
      await mkdir(join(busy, 'notes'), { recursive: true })
      await writeFile(join(busy, 'notes', 'todo.txt'), 'mine')
      await writeFile(join(busy, '.DS_Store'), '')
      const foreign = await moveLibrary({ outputs, from: libraryDir, to: busy, log: quiet })
      expect(!foreign.ok && foreign.message).toContain('notes/todo.txt')
      const onAFile = await moveLibrary({ outputs, from: libraryDir, to: join(busy, 'notes', 'todo.txt', 'x'), log: quiet })
      expect(!onAFile.ok && onAFile.message).toContain('cannot be created')
      expect(outputs.locations().every((location) => location.root === libraryDir)).toBe(true)
      expect(await readable()).toBe(true)
    })

    it('stops at a failure with every output readable, and finishes when asked again', async () => {
      const { outputs: saved } = await savedRun(4)
      const target = join(dir, 'new')
      // Something that is not our file already sits where the third output would go.
      await mkdir(join(target, saved[2]!.path), { recursive: true })
      const outcome = await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet })
      expect(outcome.ok).toBe(false)
      expect(!outcome.ok && outcome.message).toMatch(/^Moved 2 of 4 outputs to .*, then stopped at 2026-11-25\/quick-sketch\/.*-3\.png: another file is already at/)
      expect(!outcome.ok && outcome.message).toContain(`The library folder is still ${libraryDir}`)
      expect(saved.map((output) => outputs.location(output.id)!.root)).toEqual([target, target, libraryDir, libraryDir])
      expect(await readable()).toBe(true)

      await rm(join(target, saved[2]!.path), { recursive: true })
      expect(await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet })).toMatchObject({ ok: true, moved: 2 })
      expect(outputs.locations().every((location) => location.root === target)).toBe(true)
      expect(await readable()).toBe(true)
    })

    describe('its progress', () => {
      /** Checks what a subscriber saw: one start, steps that only grow, and an end matching the outcome. */
      function expectSequence(seen: LibraryMoveProgress[], outcome: Awaited<ReturnType<typeof moveLibrary>>, from: string, to: string) {
        expect(seen.length).toBeGreaterThanOrEqual(2)
        expect(seen[0]).toMatchObject({ from, to, state: 'moving', doneFiles: 0, doneBytes: 0, message: null })
        expect(seen.slice(0, -1).every((step) => step.state === 'moving')).toBe(true)
        for (let i = 1; i < seen.length; i++) {
          expect(seen[i]!.doneFiles).toBeGreaterThanOrEqual(seen[i - 1]!.doneFiles)
          expect(seen[i]!.doneBytes).toBeGreaterThanOrEqual(seen[i - 1]!.doneBytes)
        }
        for (const step of seen) {
          expect(step).toMatchObject({ totalFiles: seen[0]!.totalFiles, totalBytes: seen[0]!.totalBytes })
          expect(step.doneFiles).toBeLessThanOrEqual(step.totalFiles)
          expect(step.doneBytes).toBeLessThanOrEqual(step.totalBytes)
        }
        expect(seen.at(-1)).toMatchObject(outcome.ok ? { state: 'done', message: null } : { state: 'failed', message: outcome.message })
      }

      it('starts, steps (paced by the clock) and ends done, with the counts adding up', async () => {
        const { outputs: saved } = await savedRun(3)
        const totalBytes = saved.reduce((sum, output) => sum + output.bytes, 0)
        // A clock that moves 300 ms each time it is read: every file is worth a step.
        let clock = 0
        const seen: LibraryMoveProgress[] = []
        const to = join(dir, 'paced')
        const outcome = await moveLibrary({ outputs, from: libraryDir, to, log: quiet, now: () => (clock += 300), onProgress: (p) => void seen.push(p) })
        expect(outcome).toMatchObject({ ok: true, moved: 3 })
        expectSequence(seen, outcome, libraryDir, to)
        expect(seen.map((p) => [p.state, p.doneFiles])).toEqual([['moving', 0], ['moving', 1], ['moving', 2], ['moving', 3], ['done', 3]])
        expect(seen.at(-1)).toMatchObject({ totalFiles: 3, doneBytes: totalBytes, totalBytes })
      })

      it('says nothing between its start and its end when they are under 250 ms apart', async () => {
        await savedRun(3)
        const seen: LibraryMoveProgress[] = []
        const to = join(dir, 'quick')
        const acrossDevices = async () => {
          throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' })
        }
        const outcome = await moveLibrary({ outputs, from: libraryDir, to, log: quiet, linkFile: acrossDevices, now: () => 1000, onProgress: (p) => void seen.push(p) })
        expect(outcome.ok).toBe(true)
        expectSequence(seen, outcome, libraryDir, to)
        expect(seen.map((p) => p.state)).toEqual(['moving', 'done'])
        expect(seen[1]).toMatchObject({ doneFiles: 3, totalFiles: 3 })
      })

      it('ends failed, with the outcome’s message, when refused or stopped half-way', async () => {
        const { outputs: saved } = await savedRun(4)
        const refusedSteps: LibraryMoveProgress[] = []
        const inside = join(libraryDir, 'sub')
        const refused = await moveLibrary({ outputs, from: libraryDir, to: inside, log: quiet, onProgress: (p) => void refusedSteps.push(p) })
        expectSequence(refusedSteps, refused, libraryDir, inside)
        expect(refusedSteps.map((p) => [p.state, p.doneFiles])).toEqual([['moving', 0], ['failed', 0]])

        const target = join(dir, 'blocked')
        await mkdir(join(target, saved[2]!.path), { recursive: true })
        const seen: LibraryMoveProgress[] = []
        const stopped = await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet, progressIntervalMs: 0, onProgress: (p) => void seen.push(p) })
        expect(stopped.ok).toBe(false)
        expectSequence(seen, stopped, libraryDir, target)
        expect(seen.at(-1)).toMatchObject({ state: 'failed', doneFiles: 2, totalFiles: 4, doneBytes: saved[0]!.bytes + saved[1]!.bytes })
      })
    })

    it('takes up a file an interrupted move already put in place, and leaves missing files behind', async () => {
      const { outputs: [a, b] } = await savedRun(2)
      const target = join(dir, 'new')
      await mkdir(dirname(join(target, a!.path)), { recursive: true })
      await writeFile(join(target, a!.path), await readFile(fileOf(a!.id)))
      await rm(fileOf(b!.id))
      const outcome = await moveLibrary({ outputs, from: libraryDir, to: target, log: quiet })
      expect(outcome).toEqual({ ok: true, moved: 1, leftBehind: [{ path: b!.path, reason: 'the file is missing' }] })
      expect(outputs.location(a!.id)!.root).toBe(target)
      expect(outputs.location(b!.id)!.root).toBe(libraryDir)
    })
  })
})
