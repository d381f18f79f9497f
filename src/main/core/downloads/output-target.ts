import { isAbsolute, join, relative } from 'node:path'
import sanitize from 'sanitize-filename'
import type { OutputKind } from '@shared/output'
import { outputRelativePath, savedType } from '../library/paths'
import type { SniffedType } from './magic'

export interface SavedType {
  mime: string
  ext: string
  kind: OutputKind
}

/**
 * A provider's file name, reduced to something that can only ever lend an extension: the last path
 * segment of either separator, through `sanitize-filename` (no NUL, control or reserved characters, no
 * `..`, at most 255 bytes). Null when nothing usable is left.
 */
export function safeProviderName(filename: string | null): string | null {
  if (filename === null) return null
  const last = filename.split(/[\\/]/).pop() ?? ''
  const cleaned = sanitize(last, { replacement: '' }).slice(-100)
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : null
}

/**
 * The type a file is saved under: what its bytes showed when they are media we know, else what the
 * host's `Content-Type` or, failing that, the provider's file name says (from an allow-list; `.bin` else).
 */
export function finalType(sniffed: SniffedType | null, contentType: string | null, providerFilename: string | null): SavedType {
  const type = sniffed ?? savedType(contentType, safeProviderName(providerFilename))
  return /^[a-z0-9]{1,8}$/.test(type.ext) ? type : { mime: 'application/octet-stream', ext: 'bin', kind: 'file' }
}

export interface OutputTarget {
  /** Where bytes go until the file is complete and checked: never the final name. */
  partPath: string
  /** The library-relative path (forward slashes) for the type the file turned out to be. */
  relativeFor(ext: string): string
  pathFor(ext: string): string
}

/**
 * Where output `index` of a run lives: `{yyyy-mm-dd}/{deployment}/{runShort}-{n}.{ext}` under the library,
 * from our ids alone, and `{runShort}-{n}.part` beside it while it downloads (the extension is known
 * only once the bytes are). Refuses, as a last guard, any path that would leave the library.
 */
export function outputTarget(libraryDir: string, run: { id: string; createdAt: number; deploymentName: string }, index: number): OutputTarget {
  const relativeFor = (ext: string) => outputRelativePath({ createdAt: run.createdAt, deploymentName: run.deploymentName, runId: run.id, index, ext })
  const inside = (rel: string) => {
    const absolute = join(libraryDir, ...rel.split('/'))
    const back = relative(libraryDir, absolute)
    if (back.startsWith('..') || isAbsolute(back)) throw new Error(`refusing a path outside the library: ${rel}`)
    return absolute
  }
  return {
    partPath: inside(relativeFor('part')),
    relativeFor,
    pathFor: (ext) => inside(relativeFor(ext)),
  }
}

/** A `.part` name this app makes (`{runShort}-{n}.part`): the only files start-up cleaning may remove. */
export const PART_NAME = /^[A-Za-z0-9]{1,8}-\d+\.part$/
/** A grid image's scratch file (`grids/grid-image-file.ts`): never resumed, so one left by a crash just goes. */
export const GRID_PART_NAME = /^grid-[A-Za-z0-9_-]{1,8}-[a-z0-9]{1,12}\.png\.part$/
/** The library's dated folders (`yyyy-mm-dd`). */
export const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/
