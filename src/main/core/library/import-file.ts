import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import type { MetadataSource } from '@shared/provenance'
import type { VideoTools } from '../metadata/containers/video'
import { readFileMetadata } from '../metadata/read-file'
import { interpret } from '../metadata/interpret/index'
import type { OutputsRepo } from '../store/outputs-repo'
import type { FoundFile } from './import-walk'
import { isLibraryPath } from './media'
import { probeMedia } from './probe'
import type { Thumbnails } from './thumbnails'

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

export type IndexOutcome = { kind: 'added'; id: string } | { kind: 'duplicate' } | { kind: 'failed'; reason: string }

export interface IndexFileDeps {
  outputs: Pick<OutputsRepo, 'hasHash' | 'insertImported' | 'remove' | 'get'>
  thumbnails: Pick<Thumbnails, 'prepare' | 'ensure' | 'remove'>
  videoTools: VideoTools
}

/**
 * Indexes one found file of an import folder: its SHA-256 (streamed), its metadata (prompt, seed, the tool
 * that made it), its size or duration, its row and search entry, and its thumbnail. A file whose hash an
 * output already has is a duplicate, never added. A picture that cannot be decoded (truncated, not what its
 * name says, too many pixels) or a video whose container cannot be read fails, leaving no row. Never throws.
 */
export async function indexImportedFile(
  deps: IndexFileDeps,
  at: { importId: number; root: string; folderName: string },
  found: FoundFile,
  signal: AbortSignal,
): Promise<IndexOutcome> {
  if (!isLibraryPath(found.path)) return { kind: 'failed', reason: `${found.path}: a name the library cannot serve` }
  try {
    const sha256 = await sha256File(found.file, signal)
    if (deps.outputs.hasHash(sha256)) return { kind: 'duplicate' }
    const facts = await probeMedia(found.file, found.mime)
    if (found.kind === 'image') {
      if (facts.width === null || facts.height === null) return { kind: 'failed', reason: `${found.path}: not a readable picture` }
      if (facts.width * facts.height > IMPORT_MAX_PIXELS) return { kind: 'failed', reason: `${found.path}: too many pixels (${facts.width} × ${facts.height})` }
    } else if (facts.durationMs === null && facts.width === null) {
      return { kind: 'failed', reason: `${found.path}: not a readable video` }
    }
    const { inspection } = interpret(await readFileMetadata(found.file, found.size, deps.videoTools))
    await deps.thumbnails.prepare(found.file, found.mime)
    const id = `o_${randomBytes(9).toString('base64url')}`
    const output = deps.outputs.insertImported({
      id,
      importId: at.importId,
      root: at.root,
      path: found.path,
      kind: found.kind,
      mime: found.mime,
      bytes: found.size,
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
    return { kind: 'failed', reason: `${found.path}: ${(error as Error).message}` }
  }
}
