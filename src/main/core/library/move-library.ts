import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { link, lstat, mkdir, open, opendir, realpath, rename, rm, rmdir, stat, statfs, unlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { LibraryMoveProgress } from '@shared/events'
import type { Logger } from '../log/logger'
import type { OutputLocation, OutputsRepo } from '../store/outputs-repo'
import { sidecarPath } from '../metadata/containers/sidecar'
import { isInside, isLibraryPath } from './media'

export type MoveOutcome =
  | { ok: true; moved: number; leftBehind: { path: string; reason: string }[] }
  | { ok: false; moved: number; message: string }

export interface MoveLibraryOptions {
  outputs: OutputsRepo
  /** The library folder in effect now (where new files have been going). */
  from: string
  /** The new library folder, absolute. */
  to: string
  log: Logger
  /** Check that the target is not inside a library and holds nothing but our files (off for a second sweep). */
  checkTarget?: boolean
  /** Gives a file its second name; tests make it refuse as across devices, to take the copy path. */
  linkFile?: (src: string, dst: string) => Promise<void>
  /**
   * Told how the move goes: once at the start, at most every `progressIntervalMs` while files move, and
   * once at the end (`done`, or `failed` with the message the outcome carries). Every output handled
   * counts as done, moved or left behind, so a finished move ends with done = total.
   */
  onProgress?: (progress: LibraryMoveProgress) => void
  /** Default 250 ms. */
  progressIntervalMs?: number
  /** The clock the progress is paced by (default `Date.now`). */
  now?: () => number
}

/** Files an OS drops into any folder; they do not make a folder "someone else's". */
const OS_LITTER = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini'])
/** A hard link is impossible across devices or on some file systems: then the file is copied and checked. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS'])

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/** The real path of `path`, even when its last steps do not exist yet (they are appended to the real parent). */
async function canonical(path: string): Promise<string> {
  const tail: string[] = []
  let head = resolve(path)
  for (;;) {
    try {
      return join(await realpath(head), ...tail.reverse())
    } catch {
      const parent = dirname(head)
      if (parent === head) return resolve(path)
      tail.push(basename(head))
      head = parent
    }
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** True when `file` is exactly the saved output (same length and SHA-256). */
async function holdsOutput(file: string, output: OutputLocation): Promise<boolean> {
  const info = await stat(file).catch(() => null)
  return info !== null && info.isFile() && info.size === output.bytes && (await sha256(file)) === output.sha256
}

/** A `.part` file where the library keeps its files: `{yyyy-mm-dd}/{deployment}/…part`. */
const LEFTOVER_PART = /^\d{4}-\d\d-\d\d\/[^/]+\/[^/]+\.part$/

/** The first file under `dir` that is not ours (nor OS litter), as a path relative to `dir`. */
async function firstForeignFile(dir: string, ours: (path: string) => boolean, prefix = ''): Promise<string | null> {
  let entries
  try {
    entries = await opendir(dir)
  } catch (error) {
    if (code(error) === 'ENOENT') return null
    throw error
  }
  for await (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) {
      const found = await firstForeignFile(join(dir, entry.name), ours, relative)
      if (found !== null) return found
    } else if (!OS_LITTER.has(entry.name) && !ours(relative)) {
      return relative
    }
  }
  return null
}

/**
 * Copies `src` to `dst` through `dst.part`, hashing what is read; the copy is read back and must match.
 * `onBytes` is told how much has been copied so far.
 */
async function copyChecked(src: string, dst: string, size: number, onBytes: (copied: number) => void): Promise<void> {
  const part = `${dst}.part`
  const hash = createHash('sha256')
  let read = 0
  try {
    await pipeline(
      createReadStream(src),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk)
          read += chunk.length
          onBytes(read)
          done(null, chunk)
        },
      }),
      createWriteStream(part, { mode: 0o644 }),
    )
    const handle = await open(part, 'r+')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
    const expected = hash.digest('hex')
    const copied = await stat(part)
    if (copied.size !== size) throw new Error(`the copy has ${copied.size} bytes instead of ${size}`)
    if ((await sha256(part)) !== expected) throw new Error('the copy differs from the original')
    await rename(part, dst)
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
}

/** Removes `dir` and its parents up to (not including) `root` while they are empty. */
async function pruneEmpty(dir: string, root: string): Promise<void> {
  for (let current = dir; current !== root && isInside(root, current); current = dirname(current)) {
    try {
      await rmdir(current)
    } catch {
      return // not empty (or not ours to remove): stop here
    }
  }
}

/** Counts what a move has handled and tells `onProgress`: at the start, paced while moving, at the end. */
function progressReporter(opts: MoveLibraryOptions, totalFiles: number, totalBytes: number) {
  const now = opts.now ?? Date.now
  const interval = opts.progressIntervalMs ?? 250
  let doneFiles = 0
  let doneBytes = 0
  /** Bytes of the file being copied, not yet counted in `doneBytes`. */
  let current = 0
  let sentAt = 0
  const send = (state: LibraryMoveProgress['state'], message: string | null = null) => {
    sentAt = now()
    opts.onProgress?.({ from: opts.from, to: opts.to, state, doneFiles, totalFiles, doneBytes: doneBytes + current, totalBytes, message })
  }
  const paced = () => {
    if (now() - sentAt >= interval) send('moving')
  }
  return {
    start: () => send('moving'),
    /** An output handled (moved, or left behind): it counts whole. */
    handled(bytes: number) {
      doneFiles++
      doneBytes += bytes
      current = 0
      paced()
    },
    copying(copied: number, bytes: number) {
      current = Math.min(copied, bytes)
      paced()
    },
    end(outcome: MoveOutcome): MoveOutcome {
      current = 0
      send(outcome.ok ? 'done' : 'failed', outcome.ok ? null : outcome.message)
      return outcome
    },
  }
}

/**
 * Moves every saved output into the library folder `to`, keeping each file readable at every moment:
 * each file is first given its new name (a hard link when both folders are on one file system, else a
 * copy checked by length and SHA-256), then every moved output's `root` changes in one transaction, and
 * only then are the old names removed. A failure stops the walk: the outputs already moved are committed
 * (read from the new folder), the rest stay where they were (read from the old one), and the message says
 * so. Missing files and links are left where they are, named in `leftBehind`. `onProgress` follows it
 * from start to end (also when it is refused before a file moves).
 */
export async function moveLibrary(opts: MoveLibraryOptions): Promise<MoveOutcome> {
  const target = await canonical(opts.to)
  const roots = new Map<string, string>() // as stored → real: a library has few roots and many outputs
  const rootOf = async (root: string) => roots.get(root) ?? roots.set(root, await canonical(root)).get(root)!
  const all = opts.outputs.locations()
  const pending: OutputLocation[] = []
  for (const output of all) if ((await rootOf(output.root)) !== target) pending.push(output)
  const progress = progressReporter(
    opts,
    pending.length,
    pending.reduce((sum, output) => sum + output.bytes, 0),
  )
  progress.start()
  try {
    return progress.end(await moveEach(opts, target, all, pending, rootOf, progress))
  } catch (error) {
    progress.end({ ok: false, moved: 0, message: `The library could not be moved: ${(error as Error).message}` })
    throw error
  }
}

async function moveEach(
  opts: MoveLibraryOptions,
  target: string,
  all: readonly OutputLocation[],
  pending: readonly OutputLocation[],
  rootOf: (root: string) => Promise<string>,
  progress: ReturnType<typeof progressReporter>,
): Promise<MoveOutcome> {
  if (pending.length === 0) return { ok: true, moved: 0, leftBehind: [] }

  if (opts.checkTarget !== false) {
    const moving = new Set([await canonical(opts.from), ...(await Promise.all(pending.map((output) => rootOf(output.root))))])
    for (const root of moving) {
      if (root !== target && isInside(root, target)) return { ok: false, moved: 0, message: `${opts.to} is inside the library folder ${root}: choose a folder outside it` }
    }
    try {
      await mkdir(target, { recursive: true })
    } catch (error) {
      return { ok: false, moved: 0, message: `${opts.to} cannot be created: ${(error as Error).message}` }
    }
    // Ours: files of outputs already there (a move that stopped short) or on their way, and `.part` files
    // in day/deployment folders (a download or a copy that was cut short).
    // An output's sidecar (`{file}.json`, its record where the file could not hold it) is ours as well.
    const ours = new Set(all.flatMap((output) => [output.path, sidecarPath(output.path)]))
    const foreign = await firstForeignFile(target, (path) => ours.has(path) || LEFTOVER_PART.test(path))
    if (foreign !== null) {
      return { ok: false, moved: 0, message: `${opts.to} already holds other files (such as "${foreign}"): choose an empty folder` }
    }
    const problem = await lacksSpace(target, pending)
    if (problem) return { ok: false, moved: 0, message: problem }
  }

  const moved: { output: OutputLocation; src: string; sidecar: boolean }[] = []
  const leftBehind: { path: string; reason: string }[] = []
  let failure: string | null = null
  for (const output of pending) {
    try {
      const outcome = await moveOne(opts, target, output, (copied) => progress.copying(copied, output.bytes))
      if ('leftBehind' in outcome) leftBehind.push({ path: output.path, reason: outcome.leftBehind })
      else moved.push({ output, src: join(output.root, ...output.path.split('/')), sidecar: outcome.sidecar })
      progress.handled(output.bytes)
    } catch (error) {
      failure = `${output.path}: ${(error as Error).message}`
      break
    }
  }

  // Every new name exists: switch the rows in one go, then drop the old names.
  opts.outputs.setRoot(
    moved.map(({ output }) => output.id),
    target,
  )
  for (const { output, src, sidecar } of moved) {
    for (const old of sidecar ? [src, sidecarPath(src)] : [src]) {
      await unlink(old).catch((error: unknown) => {
        if (code(error) !== 'ENOENT') opts.log.warn('old copy not removed after moving', { path: old, error: String(error) })
      })
    }
    await pruneEmpty(dirname(src), resolve(output.root))
  }
  opts.log.info('library moved', { to: target, moved: moved.length, leftBehind: leftBehind.length, stoppedAt: failure })
  if (failure !== null) {
    const done = moved.length === 0 ? 'Nothing was moved' : `Moved ${moved.length} of ${pending.length} outputs to ${opts.to}`
    return {
      ok: false,
      moved: moved.length,
      message: `${done}, then stopped at ${failure}. The library folder is still ${opts.from}; ${
        moved.length === 0 ? 'every output is where it was' : 'outputs already moved are read from the new folder, the others from where they were'
      }. Fix the problem and choose the folder again to move the rest.`,
    }
  }
  return { ok: true, moved: moved.length, leftBehind }
}

/** Where an output moved: `sidecar` when its `{file}.json` went with it (its old name goes with the file's). */
type Moved = { sidecar: boolean }

/**
 * Gives one output's file its name in `target`: a hard link, else a checked copy; an identical file
 * already there (an earlier move stopped short) is taken up. Its sidecar, when it has one, follows it the
 * same way: without it a video saved where ffmpeg was missing would lose how it was made. Throws when
 * something else is in the way.
 */
async function moveOne(
  opts: MoveLibraryOptions,
  target: string,
  output: OutputLocation,
  onCopied: (copied: number) => void,
): Promise<Moved | { leftBehind: string }> {
  const moved = await moveFile(opts, target, output, onCopied)
  if (moved !== 'moved') return moved
  const steps = output.path.split('/')
  return { sidecar: await carrySidecar(opts, join(output.root, ...steps), join(target, ...steps)) }
}

/**
 * Gives the sidecar of `src` (if any) its name beside `dst`: a hard link, else a checked copy. A different
 * sidecar already there (left by a move that stopped short, then rewritten) is replaced by the current one.
 * True when there was one to carry.
 */
async function carrySidecar(opts: MoveLibraryOptions, src: string, dst: string): Promise<boolean> {
  const from = sidecarPath(src)
  const to = sidecarPath(dst)
  const info = await lstat(from).catch((error: unknown) => {
    if (code(error) === 'ENOENT') return null
    throw error
  })
  if (info === null || !info.isFile()) return false
  try {
    await (opts.linkFile ?? link)(from, to)
    return true
  } catch (error) {
    if (code(error) !== 'EEXIST' && !NO_LINK.has(code(error) ?? '')) throw error
  }
  const there = await stat(to).catch(() => null)
  if (there !== null && there.ino === info.ino && there.dev === info.dev) return true
  if (there !== null && there.isFile() && there.size === info.size && (await sha256(to)) === (await sha256(from))) return true
  if (there !== null && !there.isFile()) throw new Error(`another file is already at ${to}`)
  await copyChecked(from, to, info.size, () => undefined)
  return true
}

/** The file itself: see `moveOne`. */
async function moveFile(
  opts: MoveLibraryOptions,
  target: string,
  output: OutputLocation,
  onCopied: (copied: number) => void,
): Promise<'moved' | { leftBehind: string }> {
  if (!isLibraryPath(output.path)) return { leftBehind: 'not a library path' }
  const steps = output.path.split('/')
  const src = join(output.root, ...steps)
  const dst = join(target, ...steps)
  const info = await lstat(src).catch((error: unknown) => {
    if (code(error) === 'ENOENT') return null
    throw error
  })
  if (info === null) {
    // Gone from the old folder: already in the new one (an earlier move stopped short), or lost.
    return (await holdsOutput(dst, output)) ? 'moved' : { leftBehind: 'the file is missing' }
  }
  if (!info.isFile()) return { leftBehind: 'not a regular file' }
  await mkdir(dirname(dst), { recursive: true })
  try {
    await (opts.linkFile ?? link)(src, dst)
  } catch (error) {
    if (code(error) === 'EEXIST') {
      const existing = await stat(dst)
      if (!(existing.ino === info.ino && existing.dev === info.dev) && !(await holdsOutput(dst, output))) {
        throw new Error(`another file is already at ${dst}`, { cause: error })
      }
    } else if (NO_LINK.has(code(error) ?? '')) {
      if (await stat(dst).then(() => true, () => false)) {
        if (!(await holdsOutput(dst, output))) throw new Error(`another file is already at ${dst}`, { cause: error })
      } else {
        await copyChecked(src, dst, info.size, onCopied)
      }
    } else {
      throw error
    }
  }
  return 'moved'
}

/** When the target is on another device than some outputs, it needs room for their copies. */
async function lacksSpace(target: string, pending: readonly OutputLocation[]): Promise<string | null> {
  const targetDevice = (await stat(target)).dev
  let needed = 0
  for (const output of pending) {
    const device = await stat(output.root).then((info) => info.dev, () => targetDevice)
    if (device !== targetDevice) needed += output.bytes
  }
  if (needed === 0) return null
  const space = await statfs(target).catch(() => null)
  if (space === null) return null
  const free = space.bavail * space.bsize
  const mib = (bytes: number) => `${Math.ceil(bytes / 1024 / 1024)} MiB`
  return free < needed ? `${target} has ${mib(free)} free, and the outputs to copy there take ${mib(needed)}` : null
}
