import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { isExecutableFile, locateFfmpeg } from '../../library/video-poster'
import { emptyRaw, type RawMetadata } from '../raw'

/**
 * Video container tags (MP4/MOV keyed metadata, Matroska/WebM tags), read with `ffprobe` and written by
 * `ffmpeg` stream copy: the pictures and sounds are copied as they are, only the tags change.
 *
 * What the files hold, as seen with Debian's ffmpeg 5.1 and ComfyUI 0.8.0 (PyAV, libavformat 62):
 * - MP4/MOV: ComfyUI's SaveVideo writes `prompt`, `workflow` (and any other `extra_pnginfo` entry) as keyed
 *   metadata (`-movflags use_metadata_tags`, an `mdta` key list); ffprobe gives the keys as written. Without
 *   that flag ffmpeg writes only the iTunes tags it knows (`comment` as `©cmt`, `title`, …), which is how
 *   VideoHelperSuite's `comment` (a JSON object holding `prompt` and `workflow`) is stored; ffprobe names it
 *   `comment` either way. ffprobe also reports `major_brand`, `minor_version` and `compatible_brands` (from
 *   the `ftyp` box) and `encoder`; they are read like any tag.
 * - Matroska/WebM: libavformat's muxer writes every tag name in UPPER CASE (`PROMPT`, `WORKFLOW`,
 *   `COMFY-COURIER`: the name ComfyUI gave, `prompt`, is not in the file), and its demuxer gives them back
 *   as stored, except a few standard names it maps to its own (`TITLE` → `title`, `LEAD_PERFORMER` →
 *   `performer`, …). So a Matroska tag's name is read in lower case (ASCII letters only), which gives back
 *   the names ComfyUI and we write (`prompt`, `workflow`, `comfy-courier`, `comment`). Tags on a stream
 *   (ffmpeg's `-metadata:s:v:0`) are read too, after the file's own (a name in both keeps the file's value),
 *   except `duration`, which the muxer writes on every track.
 */

/** The programs used: null where there is none (then reading finds nothing and writing throws). */
export interface VideoTools {
  ffmpeg: string | null
  ffprobe: string | null
}

/** Limits for one ffmpeg/ffprobe run. */
export interface VideoToolOptions {
  /** The program is killed after this long (default: 15 s to read, 120 s to write or strip). */
  timeoutMs?: number
  /** Kills the program; a write or strip then throws and leaves no target file. */
  signal?: AbortSignal
}

/**
 * ffmpeg as the app finds it (`COURIER_FFMPEG`, else `PATH`: see `locateFfmpeg`), and ffprobe beside it in
 * the same folder (`ffprobe`, or `ffprobe.exe` on Windows). Either is null when not found.
 */
export function locateVideoTools(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): VideoTools {
  const ffmpeg = locateFfmpeg(env, platform).path
  if (ffmpeg === null) return { ffmpeg: null, ffprobe: null }
  const ffprobe = join(dirname(ffmpeg), platform === 'win32' ? 'ffprobe.exe' : 'ffprobe')
  return { ffmpeg, ffprobe: isExecutableFile(ffprobe) ? ffprobe : null }
}

type Family = 'mov' | 'matroska'
export interface Container {
  /** The demuxer the file is read with (never left for ffmpeg to guess). */
  demuxer: Family
  /** The muxer a copy is written with. */
  muxer: 'mp4' | 'mov' | 'webm' | 'matroska'
}

/** By file name extension (a trailing `.part` ignored). */
const CONTAINERS: ReadonlyMap<string, Container> = new Map([
  ['.mp4', { demuxer: 'mov', muxer: 'mp4' }],
  ['.m4v', { demuxer: 'mov', muxer: 'mp4' }],
  ['.mov', { demuxer: 'mov', muxer: 'mov' }],
  ['.webm', { demuxer: 'matroska', muxer: 'webm' }],
  ['.mkv', { demuxer: 'matroska', muxer: 'matroska' }],
])

/** The container a file is, by its name: `.mp4`, `.m4v`, `.mov`, `.webm`, `.mkv` (also with `.part` after it). */
export function videoContainerOf(path: string): Container | null {
  const name = basename(path).toLowerCase().replace(/\.part$/, '')
  const dot = name.lastIndexOf('.')
  return dot > 0 ? (CONTAINERS.get(name.slice(dot)) ?? null) : null
}

const READ_TIMEOUT_MS = 15_000
const WRITE_TIMEOUT_MS = 120_000
/** ffprobe's JSON for a file is far below this even with a large workflow; more and ffprobe is stopped. */
const MAX_PROBE_BYTES = 32 * 1024 * 1024
const STDERR_KEPT = 4000
/** How far the copy's duration may be from the original's. */
const DURATION_TOLERANCE_S = 0.1
/** Tags the muxers write on a stream of their own accord (Matroska's track length, MP4's track header). */
const MUXER_STREAM_TAGS = new Set(['duration', 'language', 'handler_name', 'vendor_id'])
/** What ffprobe reports of MP4's `ftyp` box as tags. */
const FTYP_TAGS = ['major_brand', 'minor_version', 'compatible_brands']
/** Tags ffprobe reports that are not metadata anyone wrote (MP4's `ftyp` box, the writing library). */
const MUXER_FORMAT_TAGS = new Set([...FTYP_TAGS, 'encoder'])

type Ran = { ok: true; stdout: Buffer } | { ok: false; message: string }

/** Runs a program without a shell, killed after `timeoutMs`, past `maxStdout` bytes, or on `signal`. */
function run(program: string, argv: string[], timeoutMs: number, maxStdout: number, signal?: AbortSignal): Promise<Ran> {
  const name = basename(program)
  return new Promise((done) => {
    if (signal?.aborted) return done({ ok: false, message: `${name} was not started: stopped` })
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true })
    } catch (error) {
      return done({ ok: false, message: `${name} (${program}) could not be started: ${(error as Error).message}` })
    }
    const chunks: Buffer[] = []
    let size = 0
    let stderr = ''
    let stopWhy: string | undefined
    let settled = false
    const finish = (result: Ran) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      child.stdout?.destroy()
      child.stderr?.destroy()
      done(result)
    }
    const kill = (why: string) => {
      stopWhy ??= why
      child.kill('SIGKILL')
      // Gone already, with its pipes held open by something it started: nothing more will come.
      if (child.exitCode !== null || child.signalCode !== null) finish({ ok: false, message: stopWhy })
    }
    const onAbort = () => kill(`${name} was stopped`)
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => kill(`${name} did not finish within ${timeoutMs / 1000} s and was stopped`), timeoutMs)
    child.stdout!.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxStdout) kill(`${name} wrote more than ${maxStdout} bytes and was stopped`)
      else chunks.push(chunk)
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      // The end is what says why it failed: keep the last part.
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT)
    })
    child.on('error', (error) => finish({ ok: false, message: `${name} (${program}) could not be started: ${error.message}` }))
    child.on('exit', () => {
      if (stopWhy !== undefined) finish({ ok: false, message: stopWhy })
    })
    child.on('close', (code, sig) => {
      if (stopWhy !== undefined) return finish({ ok: false, message: stopWhy })
      if (code === 0) return finish({ ok: true, stdout: Buffer.concat(chunks) })
      const said = stderr.trim().split('\n').slice(-3).join(' | ').slice(-600) || 'no message'
      finish({ ok: false, message: `${name} ended with ${code ?? sig}: ${said}` })
    })
  })
}

interface Probe {
  formatName: string
  duration: number | null
  /** `codec_type/codec_name` of each stream, in order. */
  streams: string[]
  /** The file's tags, then each stream's, names as ffprobe gives them. */
  formatTags: [string, string][]
  streamTags: [string, string][][]
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const tagsOf = (value: unknown): [string, string][] =>
  isObject(value) ? Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string') : []
const str = (value: unknown): string => (typeof value === 'string' ? value : '?')

/** What ffprobe says about `path`, read as `demuxer`; null when it cannot read it (or is not there). */
async function probe(ffprobe: string, path: string, demuxer: Family, opts: VideoToolOptions): Promise<Probe | null> {
  const argv = [
    '-v', 'error', '-hide_banner',
    '-protocol_whitelist', 'file',
    '-f', demuxer,
    '-print_format', 'json', '-show_format', '-show_streams',
    `file:${resolve(path)}`,
  ]
  const ran = await run(ffprobe, argv, opts.timeoutMs ?? READ_TIMEOUT_MS, MAX_PROBE_BYTES, opts.signal)
  if (!ran.ok) return null
  let json: unknown
  try {
    json = JSON.parse(ran.stdout.toString('utf8'))
  } catch {
    return null
  }
  if (!isObject(json) || !isObject(json.format) || !Array.isArray(json.streams)) return null
  const format = json.format
  const formatName = str(format.format_name)
  // The demuxer named is the one used, but say so only for what it really is.
  if (!formatName.split(',').includes(demuxer)) return null
  const streams = json.streams.filter(isObject)
  if (streams.length === 0) return null
  const duration = Number.parseFloat(str(format.duration))
  return {
    formatName,
    duration: Number.isFinite(duration) ? duration : null,
    streams: streams.map((stream) => `${str(stream.codec_type)}/${str(stream.codec_name)}`),
    formatTags: tagsOf(format.tags),
    streamTags: streams.map((stream) => tagsOf(stream.tags)),
  }
}

/** Matroska tag names are stored in upper case by ffmpeg: read them in lower case (ASCII letters only). */
const tagName = (demuxer: Family, name: string) => (demuxer === 'matroska' ? name.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : name)

function textOf(found: Probe, demuxer: Family): Record<string, string> {
  const text = new Map<string, string>()
  const add = (name: string, value: string) => {
    if (!text.has(name)) text.set(name, value)
  }
  for (const [name, value] of found.formatTags) add(tagName(demuxer, name), value)
  if (demuxer === 'matroska') {
    for (const tags of found.streamTags) {
      for (const [name, value] of tags) if (!MUXER_STREAM_TAGS.has(tagName(demuxer, name))) add(tagName(demuxer, name), value)
    }
  }
  // fromEntries makes every key an own property, `__proto__` too.
  return Object.fromEntries(text)
}

/**
 * The tags of an MP4/MOV (`.mp4`, `.m4v`, `.mov`) or Matroska/WebM (`.mkv`, `.webm`) file, into `text`
 * (see the module's comment for how names are given). Null where there is no ffprobe, the file's name is
 * not one of those, or ffprobe cannot read it as that container. Never throws.
 */
export async function readVideoMetadata(path: string, tools: VideoTools, opts: VideoToolOptions = {}): Promise<RawMetadata | null> {
  try {
    const container = videoContainerOf(path)
    if (tools.ffprobe === null || container === null) return null
    const found = await probe(tools.ffprobe, path, container.demuxer, opts)
    if (found === null) return null
    return { ...emptyRaw(), text: textOf(found, container.demuxer) }
  } catch {
    return null
  }
}

/**
 * One ffmetadata line's text: `=`, `;`, `#`, `\` and line ends escaped with a backslash (the format's
 * rule; its reader drops a backslash before any character), and a `[` that would start a section header.
 */
const escapeFfmetadata = (text: string) => text.replace(/[=;#\\\n\r]/g, (c) => `\\${c}`).replace(/^\[/, '\\[')

/** The ffmetadata file setting `tags` on the file (its global section). */
export function ffmetadataOf(tags: Record<string, string>): string {
  return `;FFMETADATA1\n${Object.entries(tags).map(([key, value]) => `${escapeFfmetadata(key)}=${escapeFfmetadata(value)}\n`).join('')}`
}

function need(program: string | null, name: 'ffmpeg' | 'ffprobe', doing: string): string {
  if (program === null) {
    throw new Error(`cannot ${doing}: ${name} is not available (install ffmpeg, or set COURIER_FFMPEG to its path; ffprobe is looked for beside it)`)
  }
  return program
}

function containerFor(source: string, doing: string): Container {
  const container = videoContainerOf(source)
  if (container === null) throw new Error(`cannot ${doing}: ${basename(source)} is not an .mp4, .m4v, .mov, .webm or .mkv file`)
  return container
}

/** Runs ffmpeg to make `target` from `source`, then checks the copy; on any failure `target` is removed. */
async function copyVideo(
  doing: string,
  source: string,
  target: string,
  tools: VideoTools,
  opts: VideoToolOptions,
  argvFor: (container: Container, scratch: string) => Promise<string[]>,
  check: (copy: Probe, container: Container) => string | null,
): Promise<void> {
  const ffmpeg = need(tools.ffmpeg, 'ffmpeg', doing)
  const ffprobe = need(tools.ffprobe, 'ffprobe', doing)
  const container = containerFor(source, doing)
  if (resolve(source) === resolve(target)) throw new Error(`cannot ${doing}: the copy must go to another file than ${basename(source)}`)
  const original = await probe(ffprobe, source, container.demuxer, opts)
  if (original === null) throw new Error(`cannot ${doing}: ffprobe cannot read ${basename(source)} as ${container.demuxer === 'mov' ? 'MP4/MOV' : 'Matroska/WebM'}`)
  const scratch = await mkdtemp(join(tmpdir(), 'courier-video-'))
  let kept = false
  try {
    const argv = [
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
      '-protocol_whitelist', 'file', '-f', container.demuxer, '-i', `file:${resolve(source)}`,
      ...(await argvFor(container, scratch)),
      '-f', container.muxer, `file:${resolve(target)}`,
    ]
    const ran = await run(ffmpeg, argv, opts.timeoutMs ?? WRITE_TIMEOUT_MS, 64 * 1024, opts.signal)
    if (!ran.ok) throw new Error(`cannot ${doing} of ${basename(source)}: ${ran.message}`)
    const copy = await probe(ffprobe, target, container.demuxer, opts)
    if (copy === null) throw new Error(`cannot ${doing} of ${basename(source)}: ffprobe cannot read the copy ffmpeg made`)
    if (copy.streams.join(' ') !== original.streams.join(' ')) {
      throw new Error(`cannot ${doing} of ${basename(source)}: the copy has streams ${copy.streams.join(', ')}, not ${original.streams.join(', ')}`)
    }
    if (original.duration !== null && (copy.duration === null || Math.abs(copy.duration - original.duration) > DURATION_TOLERANCE_S)) {
      throw new Error(`cannot ${doing} of ${basename(source)}: the copy lasts ${copy.duration ?? 'an unknown time'} s, not ${original.duration} s`)
    }
    const wrong = check(copy, container)
    if (wrong !== null) throw new Error(`cannot ${doing} of ${basename(source)}: ${wrong}`)
    kept = true
  } finally {
    await rm(scratch, { recursive: true, force: true })
    if (!kept) await rm(target, { force: true })
  }
}

/**
 * Writes a copy of `source` (an `.mp4`, `.m4v`, `.mov`, `.webm` or `.mkv` file) to `target` (any name, e.g. a
 * `.part` of the caller's: the container is given to ffmpeg, not guessed from it) with `tags` set, a tag
 * already there by the same name replaced (Matroska names compared without case) and every other tag kept.
 * Streams are copied, not re-encoded. The tags go to ffmpeg in an ffmetadata file, not on its command line,
 * so a value of any length and any text (except NUL) is written as it is. The copy is then read back: it
 * must have the same streams, last as long (±0.1 s), and hold every tag with its value.
 * Throws, leaving no `target`, when ffmpeg or ffprobe is missing, fails, or the copy is not right.
 */
export async function writeVideoMetadata(
  source: string,
  target: string,
  tags: Record<string, string>,
  tools: VideoTools,
  opts: VideoToolOptions = {},
): Promise<void> {
  const doing = 'write the video tags'
  for (const [key, value] of Object.entries(tags)) {
    if (key === '' || key.includes('\0') || value.includes('\0')) throw new Error(`cannot ${doing}: a tag's name is empty or a name or value holds a NUL character`)
  }
  await copyVideo(
    doing,
    source,
    target,
    tools,
    opts,
    async (container, scratch) => {
      const file = join(scratch, 'tags.ffmetadata')
      await writeFile(file, ffmetadataOf(tags), { encoding: 'utf8', mode: 0o600 })
      const mov = container.demuxer === 'mov'
      return [
        '-protocol_whitelist', 'file', '-f', 'ffmetadata', '-i', `file:${file}`,
        '-map', '0', '-c', 'copy',
        // The first mapping wins where both have a name: the new tags, then the file's own.
        '-map_metadata', '1', '-map_metadata', '0',
        // MP4's ftyp fields, reported as tags: the muxer writes its own ftyp, they are not made keys too.
        ...(mov ? FTYP_TAGS.filter((name) => !(name in tags)).flatMap((name) => ['-metadata', `${name}=`]) : []),
        // Any key at all, as ComfyUI writes them (else only the iTunes tags ffmpeg knows are kept).
        ...(mov ? ['-movflags', '+use_metadata_tags'] : []),
      ]
    },
    (copy, container) => {
      const text = textOf(copy, container.demuxer)
      const missing = Object.entries(tags).filter(([key, value]) => text[tagName(container.demuxer, key)] !== value)
      return missing.length === 0 ? null : `the copy does not hold the tags ${missing.map(([key]) => key).join(', ')} as written`
    },
  )
}

/**
 * Writes a copy of `source` to `target` with no tags at all: the file's, its streams' and its chapters' are
 * dropped (ffmpeg's `-map_metadata -1 -map_chapters -1`, and `bitexact`: no `encoder` tag naming it).
 * Checked like `writeVideoMetadata`, and the copy must hold no tag but the container's own bookkeeping.
 * Throws, leaving no `target`, when ffmpeg or ffprobe is missing, fails, or the copy is not right.
 */
export async function stripVideoMetadata(source: string, target: string, tools: VideoTools, opts: VideoToolOptions = {}): Promise<void> {
  await copyVideo(
    'remove the video tags',
    source,
    target,
    tools,
    opts,
    async () => ['-map', '0', '-c', 'copy', '-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact'],
    (copy, container) => {
      const names = [
        ...copy.formatTags.map(([name]) => tagName(container.demuxer, name)).filter((name) => !MUXER_FORMAT_TAGS.has(name)),
        ...copy.streamTags.flat().map(([name]) => tagName(container.demuxer, name)).filter((name) => !MUXER_STREAM_TAGS.has(name)),
      ]
      return names.length === 0 ? null : `the copy still holds the tags ${[...new Set(names)].join(', ')}`
    },
  )
}
