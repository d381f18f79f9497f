import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import { lstat, mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import PQueue from 'p-queue'
import sharp from 'sharp'
import type { Output } from '@shared/output'
import type { Logger } from '../log/logger'
import type { NewOutput, OutputsRepo, ThumbnailState } from '../store/outputs-repo'
import { fileResponse, plainResponse, resolveInside } from './media'
import type { RecentPictures } from './recent-pictures'
import { VIDEO_DEMUXERS, VideoPosters } from './video-poster'

/** The long side of a thumbnail, in pixels: sharp on a high-density gallery tile of ~190 CSS px. */
export const THUMBNAIL_SIZE = 384
/** Pictures sharp reads; the first frame of an animated GIF or WebP stands for the whole. */
const PICTURES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif'])

/** Outputs that get a thumbnail: pictures (sharp), and videos (a poster frame from ffmpeg, then sharp). */
function hasPicture(output: { kind: string; mime: string }): boolean {
  return (output.kind === 'image' && PICTURES.has(output.mime)) || (output.kind === 'video' && VIDEO_DEMUXERS.has(output.mime))
}
/**
 * Pictures up to this size get their thumbnail before they are announced; a bigger one (an 8K poster) is
 * announced at once and gets it just after, so its decoding never holds the announcement back.
 */
export const PREPARE_MAX_BYTES = 16 * 1024 * 1024
/** Output ids are ours (`o_` + base64url); anything else never becomes a file name. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/

export interface ThumbnailsDeps {
  /** `{dataDir}/thumbnails`: a cache next to the database, never inside the library. */
  dir: string
  outputs: OutputsRepo
  log: Logger
  /** Poster frames of videos (ffmpeg); default: ffmpeg looked up on `PATH` or `COURIER_FFMPEG` on first use. */
  posters?: VideoPosters
  /** Where each picture decoded here is left, at thumbnail size, for whoever needs it small next (a grid's image). */
  recent?: RecentPictures
}

/**
 * One small WebP per picture or video output, made once; a video's from its poster frame
 * (`video-poster.ts`). Normally while the saver checks the new file, before its row exists (`prepare`,
 * then `adopt` as the row is written), so an output is announced with its thumbnail and `hasThumbnail`
 * never changes under anyone's feet; else after the save (`ensure`, the saver's `onSaved`), or on the
 * first request for an output saved before thumbnails existed (`serve`). The output's `thumbnail` column
 * says whether it is made; a picture sharp cannot read, or a video ffmpeg gives no frame of (or hangs on),
 * is marked `failed` and never tried again. Where there is no ffmpeg, videos simply have no thumbnail and
 * nothing is remembered: a later request tries again. Made one at a time, since decoding a large picture
 * takes a whole core (ffmpeg has its own bound).
 */
export class Thumbnails {
  private readonly queue = new PQueue({ concurrency: 1 })
  private readonly making = new Map<string, Promise<boolean>>()
  /**
   * Thumbnails made for files whose rows are not written yet, by the file's absolute path; null for a
   * video ffmpeg failed on (its row starts `failed`, so ffmpeg is not made to fail on it twice).
   */
  private readonly prepared = new Map<string, string | null>()
  private readonly pendingDir: string
  private readonly posters: VideoPosters
  private stopped = false

  constructor(private readonly deps: ThumbnailsDeps) {
    this.posters = deps.posters ?? new VideoPosters({ log: deps.log })
    this.pendingDir = join(deps.dir, 'pending')
    rmSync(this.pendingDir, { recursive: true, force: true }) // left by a save that never got its row
  }

  /**
   * Makes the thumbnail of a file the saver has just put in place, before its output row exists (the
   * saver's `probe` step). Pictures and videos; never rejects. A picture that fails is tried again by
   * `ensure`; a video ffmpeg fails on is remembered (its row starts `failed`), and without ffmpeg nothing
   * is. A video's poster is taken whatever the file's size (ffmpeg seeks; it is bounded by its timeout).
   *
   * `options.bytes`: the picture's whole file, read already by the caller (the import reads each file once
   * for its hash, metadata and thumbnail), decoded instead of reading the file again. `options.signal`: a
   * picture whose turn comes after it aborts is not made (one being decoded is finished).
   * Answers true when a thumbnail (or a video's remembered failure) waits for the row to adopt it.
   */
  async prepare(file: string, mime: string, options: { bytes?: Buffer; signal?: AbortSignal } = {}): Promise<boolean> {
    const video = VIDEO_DEMUXERS.has(mime)
    if (!(PICTURES.has(mime) || video) || this.stopped) return false
    const key = resolve(file)
    const target = join(this.pendingDir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.webp`)
    const { bytes, signal } = options
    try {
      if (bytes !== undefined && !video) {
        // The caller read the file itself (the import's walk never takes a link): only the size is checked.
        if (bytes.length > PREPARE_MAX_BYTES) return false
      } else {
        const info = await lstat(key)
        if (!info.isFile() || (!video && info.size > PREPARE_MAX_BYTES)) return false // the saver's own file, never a link
      }
      let source: string | Buffer = bytes !== undefined && !video ? bytes : key
      if (video) {
        const poster = await this.posters.frame(key, mime)
        if (!poster.ok) {
          if (poster.reason === 'failed' && !this.stopped) {
            this.deps.log.warn('video poster not made', { file: key, error: poster.message })
            this.prepared.set(key, null)
            return true
          }
          return false
        }
        source = poster.png
      }
      // The signal is checked as the picture's turn comes, not given to the queue: p-queue would also reject
      // a render already running, free its slot while sharp goes on, and leave its file behind.
      await this.queue.add(() => {
        if (this.stopped) return Promise.reject(new Error('stopping'))
        if (signal?.aborted) return Promise.reject(new Error('stopped before its turn'))
        return this.render(source, target, video ? undefined : key)
      })
      this.prepared.set(key, target)
      return true
    } catch {
      await rm(target, { force: true }).catch(() => undefined)
      return false
    }
  }

  /**
   * Called by the store as it writes an output's row: takes the thumbnail `prepare` made for that file,
   * so the row is written as `ready` (or `failed`, for a video ffmpeg failed on). Synchronous (inside the
   * insert); null when there is none.
   */
  adopt(output: Pick<NewOutput, 'id' | 'root' | 'path'>): ThumbnailState {
    const key = resolve(output.root, ...output.path.split('/'))
    const made = this.prepared.get(key)
    const file = this.fileFor(output.id)
    if (made === undefined || file === null) return null
    this.prepared.delete(key)
    if (made === null) return 'failed'
    try {
      mkdirSync(dirname(file), { recursive: true })
      renameSync(made, file)
      return 'ready'
    } catch {
      rmSync(made, { force: true })
      return null
    }
  }

  /** The thumbnail's path under the cache folder, `{last two characters}/{id}.webp`; null for a foreign id. */
  private relativeFor(id: string): string | null {
    return SAFE_ID.test(id) ? `${id.slice(-2)}/${id}.webp` : null
  }

  fileFor(id: string): string | null {
    const relative = this.relativeFor(id)
    return relative === null ? null : join(this.deps.dir, ...relative.split('/'))
  }

  /** Makes the thumbnail if the output should have one; true once it exists. Never rejects. */
  ensure(id: string): Promise<boolean> {
    const pending = this.making.get(id)
    if (pending) return pending
    const job = this.make(id)
      .catch((error: unknown) => {
        if (!this.stopped) this.deps.log.warn('thumbnail failed', { outputId: id, error: String(error) })
        return false
      })
      .finally(() => this.making.delete(id))
    this.making.set(id, job)
    return job
  }

  /** The output as it stands once its thumbnail is made (or could not be): `hasThumbnail` says which. */
  async afterSave(output: Output): Promise<Output> {
    if (!hasPicture(output)) return output
    if (!(await this.ensure(output.id))) return output
    try {
      return this.deps.outputs.get(output.id) ?? output
    } catch {
      return output // the store is closing
    }
  }

  /** The thumbnail as a `Response` (made now if it is not yet); 404 for outputs that cannot have one. */
  async serve(id: string, rangeHeader: string | null): Promise<Response> {
    const location = this.deps.outputs.location(id)
    const file = this.fileFor(id)
    if (!location || file === null) return plainResponse(404, 'no such output')
    // Made already (the gallery's usual case): straight to the file. Else, or when the cache lost it, make it.
    let size = location.thumbnail === 'ready' ? await this.cachedSize(file) : null
    if (size === null) {
      if (!(await this.ensure(id))) return plainResponse(404, 'this output has no thumbnail')
      size = await this.cachedSize(file)
      if (size === null) return plainResponse(404, 'this output has no thumbnail')
    }
    return fileResponse(file, size, 'image/webp', rangeHeader)
  }

  /**
   * The size of a thumbnail in the cache, or null when it is not there as a plain file. The name comes
   * from a checked id under our own folder, so a link is the only way out of it, and a link is refused
   * (one `lstat`, where confining a library file takes two `realpath`s and a `stat`).
   */
  private async cachedSize(file: string): Promise<number | null> {
    const info = await lstat(file).catch(() => null)
    return info?.isFile() ? info.size : null
  }

  async remove(id: string): Promise<void> {
    const file = this.fileFor(id)
    if (file) await rm(file, { force: true })
  }

  /**
   * Waits for the thumbnail being made; those still waiting give up (their callers get no thumbnail), and
   * a running ffmpeg is stopped.
   */
  async stop(): Promise<void> {
    this.stopped = true
    await this.posters.stop()
    await this.queue.onIdle()
  }

  /**
   * Decodes `source` (a file, or a poster frame's bytes) and writes its thumbnail to `target` (through a `.part`,
   * renamed once complete). The pixels of a `picture` file are left in `recent`, at thumbnail size.
   */
  private async render(source: string | Buffer, target: string, picture?: string): Promise<void> {
    const part = `${target}.${process.pid}.part`
    try {
      await mkdir(dirname(target), { recursive: true })
      // Decoded and shrunk, then encoded: two steps, so the shrunk pixels can be kept for the next user.
      const { data, info } = await sharp(source)
        .rotate()
        .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true })
      await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        // Effort 2 of 6 (the default is 4): a third faster for about 6 % more bytes on a photo-like picture.
        // Thumbnails come in bursts (a grid's 400 cells, an imported folder) beside everything else.
        .webp({ quality: 72, effort: 2 })
        .toFile(part)
      await rename(part, target)
      if (picture !== undefined) this.deps.recent?.remember(picture, { width: info.width, height: info.height, channels: info.channels, pixels: data })
    } catch (error) {
      await rm(part, { force: true })
      throw error
    }
  }

  private async make(id: string): Promise<boolean> {
    const location = this.deps.outputs.location(id)
    const file = this.fileFor(id)
    if (!location || !file || !hasPicture(location) || location.thumbnail === 'failed') return false
    if (location.thumbnail === 'ready' && (await stat(file).catch(() => null))?.isFile()) return true
    if (this.stopped) return false
    // The file is read only from inside its library folder, as it is served: never through a link out.
    const found = await resolveInside(location.root, location.path)
    if ('status' in found) return false // gone (maybe moved away) or refused: nothing to remember
    let source: string | Buffer = found.file
    if (location.kind === 'video') {
      const poster = await this.posters.frame(found.file, location.mime)
      if (!poster.ok) {
        // Without ffmpeg nothing is remembered (a later request tries again); a video it cannot read is.
        if (poster.reason === 'absent' || this.stopped) return false
        return this.failed(id, poster.message)
      }
      source = poster.png
    }
    return (
      (await this.queue.add(async () => {
        if (this.stopped) return false
        try {
          await this.render(source, file, location.kind === 'video' ? undefined : found.file)
        } catch (error) {
          if (this.stopped) return false
          return this.failed(id, (error as Error).message)
        }
        if (this.stopped) return false // the store may be closing
        this.deps.outputs.setThumbnail(id, 'ready')
        return true
      })) ?? false
    )
  }

  /** Remembers that an output's thumbnail cannot be made, so it is never tried again. */
  private failed(id: string, why: string): false {
    this.deps.log.warn('thumbnail not made', { outputId: id, error: why })
    this.deps.outputs.setThumbnail(id, 'failed')
    return false
  }
}
