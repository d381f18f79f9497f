import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A file held in memory. */
export interface MediaFile {
  bytes: Uint8Array
  contentType: string
}

/**
 * A file made on demand, each time it is downloaded, so a very large output costs no memory while it waits
 * (ComfyDeploy's "Poster 8K"). `open` yields the bytes in order; their total must be exactly `size`. A
 * piece may be overwritten once the next one is asked for (the generator reuses its buffers): a consumer
 * finishes with each piece, or copies it, before it moves on.
 */
export interface LazyMediaFile {
  contentType: string
  size: number
  open(signal: AbortSignal): AsyncIterable<Uint8Array>
}

export type MediaEntry = MediaFile | LazyMediaFile

export const isLazy = (entry: MediaEntry): entry is LazyMediaFile => 'open' in entry
export const sizeOf = (entry: MediaEntry): number => (isLazy(entry) ? entry.size : entry.bytes.length)

/** The `runId` slot of uploaded input files: `/media/uploads/<file_id><ext>`. */
export const UPLOADS_KEY = 'uploads'

/** The query a presigned output URL carries (like S3's X-Amz-Expires/X-Amz-Signature, simpler). */
export const EXPIRES_PARAM = 'expires'
export const SIGNATURE_PARAM = 'signature'

export type SignatureCheck = 'ok' | 'unsigned' | 'expired' | 'forged'

/** What the media route sends so a client can resume: a strong ETag and the time the file was stored. */
export interface MediaValidators {
  etag: string
  /** Whole seconds, as HTTP dates carry no more. */
  lastModified: Date
}

/** One request the media route answered, for tests that check what a client asked for and got. */
export interface MediaRequestRecord {
  path: string
  method: string
  range: string | null
  ifRange: string | null
  status: number
  /** Body bytes written so far (final once the response has ended). */
  bytesSent: number
}

const MEDIA_LOG_LIMIT = 1000

/**
 * Output bytes kept in memory, keyed by run id and file name. Lookups are exact-key only, so a request path
 * can never reach anything the simulator did not put here (no disk, no path joining). Uploaded input files
 * live under the key `uploads`. Also signs and checks "presigned" URLs, with a secret of its own.
 */
export class MediaStore {
  private readonly files = new Map<string, MediaEntry>()
  private readonly secret = randomBytes(32)
  private readonly validatorsOf = new WeakMap<MediaEntry, MediaValidators>()
  private readonly log: MediaRequestRecord[] = []
  private readonly seen = new Set<string>()

  put(runId: string, filename: string, file: MediaFile): void {
    this.files.set(`${runId}/${filename}`, file)
    // Strong, from the content: the same bytes keep the same tag.
    const etag = `"${createHash('sha256').update(file.bytes).digest('base64url').slice(0, 22)}"`
    this.validatorsOf.set(file, { etag, lastModified: wholeSeconds() })
  }

  putLazy(runId: string, filename: string, file: LazyMediaFile): void {
    this.files.set(`${runId}/${filename}`, file)
    // A lazy file is regenerated identically on every download, so one tag for its life is exact.
    this.validatorsOf.set(file, { etag: `"${randomBytes(12).toString('base64url')}"`, lastModified: wholeSeconds() })
  }

  /** The entry's ETag and Last-Modified, fixed when it was stored. */
  validators(entry: MediaEntry): MediaValidators {
    let found = this.validatorsOf.get(entry)
    if (!found) this.validatorsOf.set(entry, (found = { etag: `"${randomBytes(12).toString('base64url')}"`, lastModified: wholeSeconds() }))
    return found
  }

  /** Keeps `record` (mutable: its `bytesSent` grows as the body goes out) in a bounded log. */
  record(record: MediaRequestRecord): MediaRequestRecord {
    this.log.push(record)
    if (this.log.length > MEDIA_LOG_LIMIT) this.log.splice(0, this.log.length - MEDIA_LOG_LIMIT)
    return record
  }

  requests(): readonly MediaRequestRecord[] {
    return this.log
  }

  /** True the first time `key` is asked about since the last `clear()`: "once per URL" knobs. */
  firstTime(key: string): boolean {
    if (this.seen.has(key)) return false
    this.seen.add(key)
    return true
  }

  /** An in-memory file; lazily made ones are only reachable through `entry`. */
  get(runId: string, filename: string): MediaFile | undefined {
    const entry = this.files.get(`${runId}/${filename}`)
    return entry && !isLazy(entry) ? entry : undefined
  }

  entry(runId: string, filename: string): MediaEntry | undefined {
    return this.files.get(`${runId}/${filename}`)
  }

  clear(): void {
    this.files.clear()
    this.log.length = 0
    this.seen.clear()
  }

  /** `url` plus an expiry `ttlMs` from `now` and a signature over its path and that expiry. */
  sign(url: string, ttlMs: number, now = Date.now()): string {
    const signed = new URL(url)
    signed.searchParams.delete(EXPIRES_PARAM)
    signed.searchParams.delete(SIGNATURE_PARAM)
    const expires = String(now + ttlMs)
    signed.searchParams.set(EXPIRES_PARAM, expires)
    signed.searchParams.set(SIGNATURE_PARAM, this.mac(signed.pathname, expires))
    return signed.toString()
  }

  check(url: URL, now = Date.now()): SignatureCheck {
    const expires = url.searchParams.get(EXPIRES_PARAM)
    const signature = url.searchParams.get(SIGNATURE_PARAM)
    if (expires === null || signature === null) return 'unsigned'
    const wanted = Buffer.from(this.mac(url.pathname, expires))
    const given = Buffer.from(signature)
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return 'forged'
    return Number(expires) > now ? 'ok' : 'expired'
  }

  private mac(pathname: string, expires: string): string {
    return createHmac('sha256', this.secret).update(`${pathname}\n${expires}`).digest('hex')
  }
}

function wholeSeconds(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000)
}
