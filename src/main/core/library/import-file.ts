import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import type { MetadataSource } from '@shared/provenance'
import type { VideoTools } from '../metadata/containers/video'
import { readFileMetadata } from '../metadata/read-file'
import { interpret } from '../metadata/interpret/index'
import type { OutputsRepo } from '../store/outputs-repo'
import type { FoundFile } from './import-walk'
import { isLibraryPath } from './media'
import { probeMedia } from './probe'
import { PREPARE_MAX_BYTES, type Thumbnails } from './thumbnails'

/** Pictures larger than this many pixels are refused: sharp's own default limit (a "decompression bomb" is one). */
export const IMPORT_MAX_PIXELS = 268_402_689

/** The title shown for a file made by a known tool, where a deployment's name would be. */
const TOOL_TITLES: Record<MetadataSource, string> = {
  courier: 'Comfy Courier',
  comfyui: 'ComfyUI',
  a1111: 'A1111',
  swarmui: 'SwarmUI',
  invokeai: 'InvokeAI',
}

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, signal ? { signal } : {})) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Pictures up to this size are read into memory once, for their hash, size, metadata and thumbnail alike
 * (the thumbnail's own cap: a bigger one is not decoded before its row anyway); bigger files and videos
 * are streamed. With `IMPORT_CONCURRENCY` files in flight, at most that many such buffers are held.
 */
export const IMPORT_BUFFER_MAX_BYTES = PREPARE_MAX_BYTES

/**
 * The whole file, or null when it is (or has grown) larger than `max`: then the caller streams it. One
 * stat and one read into a buffer of the file's size, where `readFile` would grow its buffer as it goes.
 */
export async function readWholeFile(file: string, max: number, signal?: AbortSignal): Promise<Buffer | null> {
  const handle = await open(file, 'r')
  try {
    const size = (await handle.stat()).size
    if (size > max) return null
    // One byte more than the size: a file that grew since its stat is noticed, and streamed instead.
    const buffer = Buffer.allocUnsafe(size + 1)
    let length = 0
    while (length < buffer.length) {
      signal?.throwIfAborted()
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    return length > size ? null : buffer.subarray(0, length)
  } finally {
    await handle.close()
  }
}

/**
 * The hashes of the files being indexed now. Files are indexed a few at a time (`ImportService`), so two
 * copies of one file can be in flight at once; whoever claims a hash second waits for the first to end,
 * then looks it up in the store: a duplicate when the first was added, indexed when the first failed or
 * was stopped, exactly as one at a time.
 */
export class HashClaims {
  private readonly held = new Map<string, Promise<void>>()

  /** Waits until no other file holds `sha256`, then holds it until the answered release is called. */
  async claim(sha256: string): Promise<() => void> {
    for (let busy = this.held.get(sha256); busy !== undefined; busy = this.held.get(sha256)) await busy
    // No await between the check above and this: claiming is atomic on the event loop.
    let release!: () => void
    const mine = new Promise<void>((resolve) => (release = resolve))
    this.held.set(sha256, mine)
    return () => {
      if (this.held.get(sha256) === mine) this.held.delete(sha256)
      release()
    }
  }
}

export type IndexOutcome = { kind: 'added'; id: string } | { kind: 'duplicate' } | { kind: 'failed'; reason: string } | { kind: 'cancelled' }

export interface IndexFileDeps {
  outputs: Pick<OutputsRepo, 'hasHash' | 'insertImported' | 'remove' | 'get'>
  thumbnails: Pick<Thumbnails, 'prepare' | 'ensure' | 'remove'>
  videoTools: VideoTools
  /** Pictures up to this size are read once into memory (default `IMPORT_BUFFER_MAX_BYTES`; tests lower it). */
  bufferMaxBytes?: number
}

/**
 * Indexes one found file of an import folder: its SHA-256, its metadata (prompt, seed, the tool that made
 * it), its size or duration, its row and search entry, and its thumbnail. A picture up to
 * `IMPORT_BUFFER_MAX_BYTES` is read once, and all of these come from those bytes (so they also agree with
 * each other should the file change meanwhile); a bigger one, or a video, is streamed for its hash and read
 * from its file for the rest. A file whose hash an output already has is a duplicate, never added. A
 * picture that cannot be decoded (truncated, not what its name says, too many pixels) or a video whose
 * container cannot be read fails, leaving no row. Stopped by `signal` before its thumbnail is made, it
 * leaves no row (`cancelled`); once the thumbnail is made, its row is written. Never throws.
 */
export async function indexImportedFile(
  deps: IndexFileDeps,
  at: { importId: number; root: string; folderName: string; claims?: HashClaims },
  found: FoundFile,
  signal: AbortSignal,
): Promise<IndexOutcome> {
  if (!isLibraryPath(found.path)) return { kind: 'failed', reason: `${found.path}: a name the library cannot serve` }
  let release: (() => void) | null = null
  try {
    const cap = deps.bufferMaxBytes ?? IMPORT_BUFFER_MAX_BYTES
    const bytes = found.kind === 'image' && found.size <= cap ? await readWholeFile(found.file, cap, signal) : null
    const sha256 = bytes !== null ? createHash('sha256').update(bytes).digest('hex') : await sha256File(found.file, signal)
    if (signal.aborted) return { kind: 'cancelled' }
    if (at.claims) release = await at.claims.claim(sha256)
    if (signal.aborted) return { kind: 'cancelled' }
    if (deps.outputs.hasHash(sha256)) return { kind: 'duplicate' }
    const facts = await probeMedia(found.file, found.mime, bytes ?? undefined)
    if (found.kind === 'image') {
      if (facts.width === null || facts.height === null) return { kind: 'failed', reason: `${found.path}: not a readable picture` }
      if (facts.width * facts.height > IMPORT_MAX_PIXELS) return { kind: 'failed', reason: `${found.path}: too many pixels (${facts.width} × ${facts.height})` }
    } else if (facts.durationMs === null && facts.width === null) {
      return { kind: 'failed', reason: `${found.path}: not a readable video` }
    }
    const { inspection } = interpret(await readFileMetadata(found.file, bytes?.length ?? found.size, deps.videoTools, bytes ?? undefined))
    if (signal.aborted) return { kind: 'cancelled' }
    const prepared = await deps.thumbnails.prepare(found.file, found.mime, { ...(bytes !== null ? { bytes } : {}), signal })
    // Stopped while waiting for its turn to be decoded: no row. A thumbnail made is adopted by the row below.
    if (signal.aborted && !prepared) return { kind: 'cancelled' }
    const id = `o_${randomBytes(9).toString('base64url')}`
    const output = deps.outputs.insertImported({
      id,
      importId: at.importId,
      root: at.root,
      path: found.path,
      kind: found.kind,
      mime: found.mime,
      bytes: found.size, // with `mtime`, from the walk's one stat: what a rescan compares
      sha256,
      width: facts.width,
      height: facts.height,
      durationMs: facts.durationMs,
      title: inspection.source ? TOOL_TITLES[inspection.source] : at.folderName || basename(at.root),
      prompt: inspection.prompt ?? '',
      seed: inspection.seed,
      mtime: found.mtime,
      createdAt: found.mtime,
    })
    // A picture is decoded for its thumbnail: one that cannot be is a bad file, and its row goes again.
    if (found.kind === 'image' && !output.hasThumbnail && !(await deps.thumbnails.ensure(id))) {
      if (signal.aborted) return { kind: 'added', id } // stopping: the thumbnail is made on first request
      deps.outputs.remove([id])
      await deps.thumbnails.remove(id).catch(() => undefined)
      return { kind: 'failed', reason: `${found.path}: the picture could not be decoded` }
    }
    return { kind: 'added', id }
  } catch (error) {
    if (signal.aborted) return { kind: 'cancelled' }
    return { kind: 'failed', reason: `${found.path}: ${(error as Error).message}` }
  } finally {
    release?.()
  }
}
