import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import sharp from 'sharp'
import { COURIER_RECORD_KEY, type CourierRecord } from '@shared/provenance'
import { imageContainer, readImageMetadata, writeImageMetadata } from './containers/image'
import { writeSidecar } from './containers/sidecar'
import { videoContainerOf, writeVideoMetadata, type VideoTools } from './containers/video'
import { parametersForRecord } from './interpret/index'
import { writeDurably } from '../library/write-durably'
import { fileHead } from './read-file'
import type { MetadataToWrite } from './raw'

/** How a saved file's record went with it, and the file as it is now. */
export interface WrittenRecord {
  /** 'embedded' in the file; 'sidecar': `{file}.json` beside it; null: neither could be written (the file is kept as sent). */
  how: 'embedded' | 'sidecar' | null
  bytes: number
  sha256: string
  /** Why it is not embedded, for the log (never shown as an error: the file itself is fine). */
  why: string | null
}

/** The scratch copy a record is written into: beside the file, keeping its extension (ffmpeg picks the format by it). */
const partPathOf = (path: string): string => {
  const ext = extname(path)
  return join(dirname(path), `${basename(path, ext)}.record${ext}.part`)
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Writes `bytes` durably to `part`, then puts it in place of `path` (a rename: the old file or the new, never half). */
async function replaceWith(path: string, part: string, bytes: Uint8Array): Promise<void> {
  await writeDurably(part, bytes, 'w')
  await rename(part, path)
}

/** A picture with the record in it: PNG text chunks; EXIF UserComment (A1111's text) and XMP for JPEG and WebP. */
async function embedInImage(path: string, record: string, parameters: string): Promise<{ bytes: number; sha256: string }> {
  const before = await readFile(path)
  const container = imageContainer(before)
  const add: MetadataToWrite =
    container === 'png'
      ? { text: { parameters, [COURIER_RECORD_KEY]: record }, userComment: null, xmp: {} }
      : { text: {}, userComment: parameters, xmp: { [COURIER_RECORD_KEY]: record } }
  const after = writeImageMetadata(before, add)
  // Verified before it replaces anything: the record reads back, and the picture still decodes at its size.
  if (readImageMetadata(after)?.text[COURIER_RECORD_KEY] !== record) throw new Error('the record did not read back from the written file')
  const [was, now] = await Promise.all([sharp(before).metadata(), sharp(after).metadata()])
  if (was.width !== now.width || was.height !== now.height || was.format !== now.format) throw new Error('the written file no longer decodes as the same picture')
  const part = partPathOf(path)
  try {
    await replaceWith(path, part, after)
  } finally {
    await rm(part, { force: true })
  }
  return { bytes: after.length, sha256: createHash('sha256').update(after).digest('hex') }
}

/** A video with the record in its container tags, by an ffmpeg stream copy (which verifies what it wrote). */
async function embedInVideo(path: string, record: string, parameters: string, tools: VideoTools): Promise<{ bytes: number; sha256: string }> {
  const part = partPathOf(path)
  try {
    await writeVideoMetadata(path, part, { [COURIER_RECORD_KEY]: record, parameters }, tools)
    const [sha256, { size }] = await Promise.all([sha256Of(part), stat(part)])
    await rename(part, path)
    return { bytes: size, sha256 }
  } finally {
    await rm(part, { force: true })
  }
}

/**
 * Writes how a saved file was made into it (issue 16): the record itself and an A1111-style `parameters`
 * text that Civitai, SwarmUI and ComfyUI's importer read. Pictures and videos carry it inside; where that
 * cannot be done (no ffmpeg, a record too large for the format) it goes in a sidecar
 * `{file}.json`. Text, JSON and audio files are kept as sent, without one. Whatever fails, the file as sent
 * stays: never corrupted, never lost.
 */
export async function writeRecord(
  file: { path: string; bytes: number; sha256: string },
  record: CourierRecord,
  size: { width: number | null; height: number | null },
  tools: VideoTools,
): Promise<WrittenRecord> {
  const json = JSON.stringify(record)
  const parameters = parametersForRecord(record, size)
  const unchanged = { bytes: file.bytes, sha256: file.sha256 }
  let why: string
  try {
    if (imageContainer(await fileHead(file.path, 16)) !== null) return { how: 'embedded', ...(await embedInImage(file.path, json, parameters)), why: null }
    // Text, JSON, audio and GIF files have no place for it, and a sidecar beside each would only clutter the folder.
    if (videoContainerOf(file.path) === null) return { how: null, ...unchanged, why: null }
    if (tools.ffmpeg === null || tools.ffprobe === null) why = 'ffmpeg is not available to write video tags'
    else return { how: 'embedded', ...(await embedInVideo(file.path, json, parameters, tools)), why: null }
  } catch (error) {
    why = (error as Error).message
  }
  try {
    await writeSidecar(file.path, { [COURIER_RECORD_KEY]: json, parameters })
    return { how: 'sidecar', ...unchanged, why }
  } catch (error) {
    return { how: null, ...unchanged, why: `${why}; the sidecar could not be written either: ${(error as Error).message}` }
  }
}
