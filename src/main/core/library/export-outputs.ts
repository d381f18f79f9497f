import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, link, lstat, mkdir, open, readdir, readFile, realpath, rename, rm } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { EXPORT_MAX_FILES, type ExportResult } from '@shared/contract'
import type { OutputId } from '@shared/output'
import { err, ok, type Result } from '@shared/result'
import { fileHead } from '../metadata/read-file'
import { imageContainer, stripImageMetadata } from '../metadata/containers/image'
import { stripVideoMetadata, videoContainerOf, type VideoTools } from '../metadata/containers/video'
import type { OutputsRepo } from '../store/outputs-repo'
import { downloadName } from './download-name'
import { isInside, resolveInside } from './media'
import { writeDurably } from './write-durably'

export interface ExportArgs {
  ids: readonly OutputId[]
  folder: string
  metadata: 'keep' | 'strip'
}

export type ExportOutcome = ExportResult

export interface ExportDeps {
  outputs: Pick<OutputsRepo, 'get' | 'location'>
  /** The library folder now (settings): nothing is exported into it, where files would never be indexed. */
  libraryDir(): string
  videoTools: VideoTools
}

/** Thrown inside one file's export when the disk is full: the whole export stops. */
class DiskFull extends Error {}

const isDiskFull = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT' || /No space left on device|Disk quota exceeded/i.test(String((error as Error | null)?.message ?? ''))
}

/** The real path of `path`, also for a folder not made yet: its nearest existing ancestor's real path, and the rest. */
async function realPathOfMaybe(path: string): Promise<string> {
  let at = resolve(path)
  const rest: string[] = []
  for (;;) {
    try {
      return join(await realpath(at), ...rest.reverse())
    } catch {
      const up = dirname(at)
      if (up === at) return resolve(path)
      rest.push(basename(at))
      at = up
    }
  }
}

/** `name.png`, then `name-2.png`, `name-3.png`… */
function numbered(name: string, n: number): string {
  if (n === 1) return name
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`
}

/**
 * A JSON output that is a ComfyUI workflow: the UI format (`nodes` and `links`), the API format (nodes with a
 * `class_type`), or an object holding one under `workflow` or `prompt`. Exporting it "without how it was made"
 * would hand the workflow over, so it is not exported that way.
 */
export function isWorkflowJson(text: string): boolean {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return false
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  const isGraph = (v: unknown): boolean =>
    isObject(v) &&
    ((Array.isArray(v.nodes) && Array.isArray(v.links)) ||
      (Object.keys(v).length > 0 && Object.values(v).some((node) => isObject(node) && typeof node.class_type === 'string')))
  if (isGraph(json)) return true
  if (!isObject(json)) return false
  return ['workflow', 'prompt'].some((key) => {
    const value = json[key]
    if (typeof value === 'string') {
      try {
        return isGraph(JSON.parse(value))
      } catch {
        return false
      }
    }
    return isGraph(value)
  })
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/** What one output becomes in the folder: the file's content, written to a `.part`, and an optional sidecar. */
type Prepared = { kind: 'file'; part: string; sidecar: string | null } | { kind: 'skip'; reason: string }

/**
 * Copies saved outputs into a folder of the user's, keeping how each was made or removing it
 * (`outputs.export`, docs/api.md). Files are named as downloads are and never overwrite anything: each is
 * written to a `.part` in the folder, then given its name with a hard link (which fails rather than replace a
 * file), or where the folder's file system has none, a rename after checking the name is free. Sequential:
 * one file at a time. No `.part` is left behind, whatever fails.
 */
export async function exportOutputs(deps: ExportDeps, args: ExportArgs): Promise<Result<ExportOutcome>> {
  const ids = [...new Set(args.ids)]
  if (ids.length > EXPORT_MAX_FILES) return err('BAD_INPUT', `At most ${EXPORT_MAX_FILES} outputs can be exported at once.`, 'ids')
  if (!isAbsolute(args.folder)) return err('BAD_INPUT', `The folder must be a full path (such as /home/you/Exports), not “${args.folder}”.`, 'folder')

  // Refused before anything is made: the library folder itself, anywhere inside it, and inside the folder of
  // any of these outputs (real paths, so a link into the library is seen through).
  const roots = new Set<string>([deps.libraryDir()])
  for (const id of ids) {
    const root = deps.outputs.location(id)?.root
    if (root !== undefined) roots.add(root)
  }
  const realRoots = await Promise.all([...roots].map(realPathOfMaybe))
  const insideLibrary = (folder: string) => realRoots.some((root) => isInside(root, folder))
  const wanted = await realPathOfMaybe(args.folder)
  const refuseInside = () =>
    err('BAD_INPUT', 'That folder is inside the library folder, where exported files would never be listed. Choose a folder outside it.', 'folder')
  if (insideLibrary(wanted)) return refuseInside()
  try {
    await mkdir(args.folder, { recursive: true })
  } catch (error) {
    if (isDiskFull(error)) return err('DISK_FULL', `The disk is full: the folder ${args.folder} could not be made. No files were exported.`)
    return err('BAD_INPUT', `The folder ${args.folder} could not be made: ${(error as Error).message}`, 'folder')
  }
  let folder: string
  try {
    folder = await realpath(args.folder)
    const entries = await readdir(folder)
    if (insideLibrary(folder)) return refuseInside()
    return await exportInto(deps, ids, args.metadata, folder, new Set(entries.map((name) => name.toLowerCase())))
  } catch (error) {
    if (isDiskFull(error)) return err('DISK_FULL', `The disk of ${args.folder} is full. No files were exported.`)
    return err('BAD_INPUT', `Cannot write to the folder ${args.folder}: ${(error as Error).message}`, 'folder')
  }
}

async function exportInto(
  deps: ExportDeps,
  ids: OutputId[],
  metadata: 'keep' | 'strip',
  folder: string,
  /** Names (lower case: some file systems ignore case) already in the folder or given in this export. */
  taken: Set<string>,
): Promise<Result<ExportOutcome>> {
  const exported: ExportOutcome['exported'] = []
  const skipped: ExportOutcome['skipped'] = []
  for (const id of ids) {
    const output = deps.outputs.get(id)
    const location = deps.outputs.location(id)
    if (!output || !location) {
      skipped.push({ id, reason: 'It is no longer in the library (it may have been deleted).' })
      continue
    }
    const found = await resolveInside(location.root, location.path)
    if ('status' in found) {
      skipped.push({
        id,
        reason: found.status === 403 ? `Its file is not inside the library folder (${found.reason}), so it is not copied anywhere.` : 'Its file is no longer on disk.',
      })
      continue
    }
    const part = join(folder, `.${randomBytes(6).toString('hex')}.export.part`)
    const sidecarPart = `${part}.json`
    try {
      const prepared = await prepare(deps, found.file, location.root, location.path, metadata, part, sidecarPart)
      if (prepared.kind === 'skip') {
        skipped.push({ id, reason: prepared.reason })
        continue
      }
      const fileName = await publish(folder, downloadName(output), part, prepared.sidecar, taken)
      exported.push({ id, fileName })
    } catch (error) {
      if (error instanceof DiskFull || isDiskFull(error)) {
        const n = exported.length
        return err('DISK_FULL', `The disk of ${folder} is full: ${n === 1 ? '1 file was' : `${n} files were`} exported before it ran out; the rest were not.`)
      }
      skipped.push({ id, reason: `It could not be copied: ${(error as Error).message}` })
    } finally {
      await rm(part, { force: true })
      await rm(sidecarPart, { force: true })
    }
  }
  return ok({ folder, exported, skipped })
}

/** Writes the exported content of one output to `part` (and its sidecar to `sidecarPart`), or says why not. */
async function prepare(
  deps: ExportDeps,
  file: string,
  root: string,
  path: string,
  metadata: 'keep' | 'strip',
  part: string,
  sidecarPart: string,
): Promise<Prepared> {
  if (metadata === 'keep') {
    await copyFile(file, part, constants.COPYFILE_EXCL)
    await syncFile(part)
    // A record kept beside the file (no ffmpeg, or too large for the format) goes with it, confined as the file is.
    const sidecar = await resolveInside(root, `${path}.json`)
    if ('status' in sidecar) return { kind: 'file', part, sidecar: null }
    await copyFile(sidecar.file, sidecarPart, constants.COPYFILE_EXCL)
    await syncFile(sidecarPart)
    return { kind: 'file', part, sidecar: sidecarPart }
  }

  // Strip: the record goes, and never the sidecar.
  if (imageContainer(await fileHead(file, 16)) !== null) {
    const stripped = stripImageMetadata(await readFile(file))
    await writeDurably(part, stripped)
    return { kind: 'file', part, sidecar: null }
  }
  if (videoContainerOf(file) !== null) {
    if (deps.videoTools.ffmpeg === null || deps.videoTools.ffprobe === null) {
      return { kind: 'skip', reason: 'Removing what a video holds needs ffmpeg, which is not installed, so it was not exported with it.' }
    }
    try {
      await stripVideoMetadata(file, part, deps.videoTools)
    } catch (error) {
      if (isDiskFull(error)) throw new DiskFull((error as Error).message)
      return { kind: 'skip', reason: `What it holds could not be removed, so it was not exported: ${(error as Error).message}` }
    }
    await syncFile(part)
    return { kind: 'file', part, sidecar: null }
  }
  const lower = path.toLowerCase()
  if (/\.(mp3|wav|flac|ogg|opus|m4a|aac)$/.test(lower)) {
    return { kind: 'skip', reason: 'An audio file can hold its workflow (ComfyUI writes it in), which cannot be removed here, so it was not exported.' }
  }
  if (lower.endsWith('.json') && isWorkflowJson(await readFile(file, 'utf8'))) {
    return { kind: 'skip', reason: 'This JSON file is a ComfyUI workflow itself, so it was not exported without how it was made.' }
  }
  // Text, other JSON, GIF and other files: we write no record into them, so they go as they are.
  await copyFile(file, part, constants.COPYFILE_EXCL)
  await syncFile(part)
  return { kind: 'file', part, sidecar: null }
}

/** Gives `part` a free name in `folder` (and its sidecar `{name}.json`), never replacing a file; answers the name. */
async function publish(folder: string, name: string, part: string, sidecarPart: string | null, taken: Set<string>): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = numbered(name, n)
    const key = candidate.toLowerCase()
    if (taken.has(key) || (sidecarPart !== null && taken.has(`${key}.json`))) continue
    const target = join(folder, candidate)
    if (!(await claim(part, target))) {
      taken.add(key)
      continue
    }
    taken.add(key)
    if (sidecarPart !== null) {
      taken.add(`${key}.json`)
      // A sidecar name taken meanwhile keeps the file, without its sidecar beside it under that name.
      await claim(sidecarPart, `${target}.json`)
    }
    return candidate
  }
}

/** Puts `part` at `target` if nothing is there: true when it did. Never replaces a file. */
async function claim(part: string, target: string): Promise<boolean> {
  try {
    await link(part, target)
    await rm(part, { force: true })
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // No hard links on this file system (FAT, exFAT, some network shares): check the name is free, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error
  }
  const exists = await lstat(target).then(
    () => true,
    () => false,
  )
  if (exists) return false
  await rename(part, target)
  return true
}
