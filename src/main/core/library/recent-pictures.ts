import { resolve } from 'node:path'

/** A picture's pixels once decoded: 8-bit sRGB, 3 or 4 channels (alpha kept), row-major. */
export interface DecodedPicture {
  width: number
  height: number
  channels: number
  pixels: Buffer
}

/** About seventy thumbnail-sized pictures (384 px, RGB). */
export const RECENT_PICTURES_MAX_BYTES = 32 * 1024 * 1024

/**
 * The pictures the thumbnail step decoded last, at thumbnail size, by file. Whoever needs one of them small
 * next starts from these pixels instead of decoding the file again, which is most of the work: a grid's
 * image draws each cell as its run saves it, and a 512² PNG takes 6.4 ms to decode and 1 ms to resize.
 * Each is taken once; the oldest are let go first.
 */
export class RecentPictures {
  private readonly pictures = new Map<string, DecodedPicture>()
  private bytes = 0

  constructor(private readonly maxBytes = RECENT_PICTURES_MAX_BYTES) {}

  remember(file: string, picture: DecodedPicture): void {
    const key = resolve(file)
    this.drop(key)
    if (picture.pixels.length > this.maxBytes) return
    this.pictures.set(key, picture)
    this.bytes += picture.pixels.length
    // A Map iterates in insertion order: the first key is the oldest.
    for (const oldest of this.pictures.keys()) {
      if (this.bytes <= this.maxBytes) break
      this.drop(oldest)
    }
  }

  /** The picture decoded from `file`, if it is still held; it is held no longer. */
  take(file: string): DecodedPicture | undefined {
    const key = resolve(file)
    const picture = this.pictures.get(key)
    this.drop(key)
    return picture
  }

  private drop(key: string): void {
    const picture = this.pictures.get(key)
    if (!picture) return
    this.bytes -= picture.pixels.length
    this.pictures.delete(key)
  }
}
