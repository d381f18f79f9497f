import sharp from 'sharp'

export interface MediaFacts {
  width: number | null
  height: number | null
  durationMs: number | null
}

const NONE: MediaFacts = { width: null, height: null, durationMs: null }

/**
 * What the library records about a saved file: pixel size for images (read by sharp from the header,
 * without decoding the picture), duration for video and audio. Never throws: a file it cannot read
 * simply has no facts.
 */
export async function probeMedia(file: string, mime: string): Promise<MediaFacts> {
  try {
    if (mime.startsWith('image/')) {
      const meta = await sharp(file, { limitInputPixels: false }).metadata()
      return { width: meta.width ?? null, height: meta.height ?? null, durationMs: null }
    }
  } catch {
    // unreadable: no facts
  }
  return NONE
}
