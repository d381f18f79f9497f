import { randomBytes } from 'node:crypto'
import { mkdir, open, rm, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { err, ok, type Result } from '@shared/result'
import { resolveInside } from '../library/media'
import type { OutputsRepo } from '../store/outputs-repo'
import { imageContainer, readImageMetadata } from './containers/image'
import { readSidecar } from './containers/sidecar'
import { readVideoMetadata, videoContainerOf, type VideoTools } from './containers/video'
import { interpret, type Interpreted } from './interpret/index'
import { emptyRaw, type RawMetadata } from './raw'

/** Pictures larger than this are not read for their metadata (a file this size is not a generation). */
const MAX_IMAGE_BYTES = 256 * 1024 * 1024

/** The first `length` bytes of a file (fewer when it is shorter). */
export async function fileHead(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const bytes = Buffer.alloc(length)
    const { bytesRead } = await handle.read(bytes, 0, length, 0)
    return bytes.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Sidecar entries fill what the file itself lacks: a video saved where ffmpeg was missing keeps ours there. */
function withSidecar(raw: RawMetadata, sidecar: Record<string, string> | null): RawMetadata {
  if (sidecar === null) return raw
  const text = { ...raw.text }
  for (const [key, value] of Object.entries(sidecar)) if (!Object.hasOwn(text, key)) text[key] = value
  return { ...raw, text }
}

/**
 * What a file on disk carries: its own metadata (pictures by their bytes, videos through ffprobe), then its
 * sidecar. `bytes`: the whole file, read already by the caller (the import reads a picture once for its
 * hash, metadata and thumbnail); it is read instead of the disk, with the same rules (`size` is then its length).
 */
export async function readFileMetadata(path: string, size: number, tools: VideoTools, bytes?: Buffer): Promise<RawMetadata> {
  let raw: RawMetadata | null = null
  if (bytes !== undefined && imageContainer(bytes) !== null && bytes.length <= MAX_IMAGE_BYTES) {
    raw = readImageMetadata(bytes)
  } else if (bytes === undefined && imageContainer(await fileHead(path, 16)) !== null && size <= MAX_IMAGE_BYTES) {
    const handle = await open(path, 'r')
    try {
      raw = readImageMetadata(await handle.readFile())
    } finally {
      await handle.close()
    }
  } else if (videoContainerOf(path) !== null) {
    raw = await readVideoMetadata(path, tools)
  }
  return withSidecar(raw ?? emptyRaw(), await readSidecar(path))
}

/** A saved output's generation data, read from its file where `/media/{id}` would serve it (never a link out). */
export async function inspectSavedOutput(outputs: Pick<OutputsRepo, 'location'>, id: string, tools: VideoTools): Promise<Result<Interpreted>> {
  const location = outputs.location(id)
  if (!location) return err('NOT_FOUND', `There is no output ${id} in the library: it may have been deleted.`)
  const found = await resolveInside(location.root, location.path)
  if ('status' in found) {
    return found.status === 403
      ? err('FORBIDDEN', `The file of this output is not inside the library folder (${found.reason}).`)
      : err('NOT_FOUND', `The file of this output is no longer on disk (${location.path}).`)
  }
  return ok(interpret(await readFileMetadata(found.file, found.size, tools)))
}

/**
 * A dropped file's generation data, from its bytes. A picture is read in memory; a video goes to a scratch
 * file first (ffprobe reads files), named only by a random id and the dropped name's extension, and removed.
 */
export async function inspectBytes(fileName: string, bytes: Buffer, tools: VideoTools, scratchDir: string): Promise<Interpreted> {
  if (imageContainer(bytes) !== null) return interpret(readImageMetadata(bytes) ?? emptyRaw())
  const ext = extname(fileName).toLowerCase()
  if (!/^\.[a-z0-9]{1,8}$/.test(ext) || videoContainerOf(`x${ext}`) === null) return interpret(emptyRaw())
  await mkdir(scratchDir, { recursive: true })
  const scratch = join(scratchDir, `${randomBytes(8).toString('hex')}${ext}`)
  try {
    await writeFile(scratch, bytes, { mode: 0o600 })
    return interpret((await readVideoMetadata(scratch, tools)) ?? emptyRaw())
  } finally {
    await rm(scratch, { force: true })
  }
}
