import { open } from 'node:fs/promises'
import sharp from 'sharp'
import { containerFacts, PositionedReader, sniffContainer } from './containers'

export interface MediaFacts {
  width: number | null
  height: number | null
  durationMs: number | null
}

const NONE: MediaFacts = { width: null, height: null, durationMs: null }

/**
 * What the library records about a saved file: pixel size for images (read by sharp from the header,
 * without decoding the picture); duration for video and audio, and a video's pixel size, read from the
 * container's own header (MP4/MOV, WebM/Matroska, WAV, FLAC, MP3/MP2; `containers.ts`), recognised by its first
 * bytes rather than by `mime`. Never throws: a file it cannot read simply has no facts. `bytes`: a
 * picture's whole file, read already by the caller, read instead of the file (a video is always read from
 * its file).
 */
export async function probeMedia(file: string, mime: string, bytes?: Buffer): Promise<MediaFacts> {
  try {
    if (mime.startsWith('image/')) {
      const meta = await sharp(bytes ?? file, { limitInputPixels: false }).metadata()
      return { width: meta.width ?? null, height: meta.height ?? null, durationMs: null }
    }
    if (!mime.startsWith('video/') && !mime.startsWith('audio/') && mime !== 'application/octet-stream') return NONE
    const handle = await open(file, 'r')
    try {
      const reader = new PositionedReader(handle, (await handle.stat()).size)
      const kind = sniffContainer(await reader.read(0, 16))
      return kind ? await containerFacts(reader, kind) : NONE
    } finally {
      await handle.close()
    }
  } catch {
    // unreadable: no facts
  }
  return NONE
}
