import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A file held in memory. */
export interface MediaFile {
  bytes: Uint8Array
  contentType: string
}

/**
 * A file made on demand, each time it is downloaded, so a very large output costs no memory while it waits
 * (ComfyDeploy's "Poster 8K"). `open` yields the bytes in order; their total must be exactly `size`.
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

/**
 * Output bytes kept in memory, keyed by run id and file name. Lookups are exact-key only, so a request path
 * can never reach anything the simulator did not put here (no disk, no path joining). Uploaded input files
 * live under the key `uploads`. Also signs and checks "presigned" URLs, with a secret of its own.
 */
export class MediaStore {
  private readonly files = new Map<string, MediaEntry>()
  private readonly secret = randomBytes(32)

  put(runId: string, filename: string, file: MediaFile): void {
    this.files.set(`${runId}/${filename}`, file)
  }

  putLazy(runId: string, filename: string, file: LazyMediaFile): void {
    this.files.set(`${runId}/${filename}`, file)
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
