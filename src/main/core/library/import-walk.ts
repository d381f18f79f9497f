import { opendir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { OutputKind } from '@shared/output'
import { isInside } from './media'

/** The files an import takes, by extension: pictures and videos. */
export const IMPORTABLE: Readonly<Record<string, { mime: string; kind: OutputKind }>> = {
  '.png': { mime: 'image/png', kind: 'image' },
  '.jpg': { mime: 'image/jpeg', kind: 'image' },
  '.jpeg': { mime: 'image/jpeg', kind: 'image' },
  '.webp': { mime: 'image/webp', kind: 'image' },
  '.gif': { mime: 'image/gif', kind: 'image' },
  '.mp4': { mime: 'video/mp4', kind: 'video' },
  '.webm': { mime: 'video/webm', kind: 'video' },
  '.mov': { mime: 'video/quicktime', kind: 'video' },
}

/** How deep a walk goes below the folder, and how many files one scan takes at most. */
export const IMPORT_MAX_DEPTH = 24
export const IMPORT_MAX_FILES = 100_000

export interface FoundFile {
  /** Absolute path under the folder's real path. */
  file: string
  /** Relative to the folder, `/`-separated. */
  path: string
  mime: string
  kind: OutputKind
  size: number
  mtime: number
}

export interface WalkOptions {
  /** Folders never entered (the library folder, the app's data folder): real paths. */
  skip: readonly string[]
  signal: AbortSignal
  maxDepth?: number
  maxFiles?: number
}

/**
 * The picture and video files under `root` (a real path), depth first. Links are never followed (a link is
 * neither a file nor a folder to `Dirent`), hidden files and folders (`.name`) are left out, as are the
 * folders in `skip`. Stops at `maxFiles` (the caller learns so from `truncated`). A folder that cannot be
 * read below the root is passed over; the root itself failing throws.
 */
export async function* walkImportFolder(root: string, opts: WalkOptions, state: { truncated: boolean }): AsyncGenerator<FoundFile> {
  const maxDepth = opts.maxDepth ?? IMPORT_MAX_DEPTH
  const maxFiles = opts.maxFiles ?? IMPORT_MAX_FILES
  let count = 0
  async function* visit(dir: string, prefix: string, depth: number): AsyncGenerator<FoundFile> {
    let handle
    try {
      handle = await opendir(dir)
    } catch (error) {
      if (depth === 0) throw error
      return
    }
    const folders: string[] = []
    const files: string[] = []
    for await (const entry of handle) {
      if (entry.name.startsWith('.')) continue
      if (entry.isDirectory()) folders.push(entry.name)
      else if (entry.isFile() && Object.hasOwn(IMPORTABLE, extname(entry.name).toLowerCase())) files.push(entry.name)
    }
    files.sort()
    folders.sort()
    for (const name of files) {
      if (opts.signal.aborted) return
      if (count >= maxFiles) {
        state.truncated = true
        return
      }
      const file = join(dir, name)
      const info = await stat(file).catch(() => null)
      if (!info?.isFile()) continue
      count++
      const type = IMPORTABLE[extname(name).toLowerCase()]!
      yield { file, path: prefix + name, mime: type.mime, kind: type.kind, size: info.size, mtime: Math.trunc(info.mtimeMs) }
    }
    if (depth >= maxDepth) return
    for (const name of folders) {
      if (opts.signal.aborted || state.truncated) return
      const sub = join(dir, name)
      if (opts.skip.some((skipped) => isInside(skipped, sub))) continue
      yield* visit(sub, `${prefix}${name}/`, depth + 1)
    }
  }
  yield* visit(root, '', 0)
}
