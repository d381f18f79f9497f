import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'
import PQueue from 'p-queue'
import type { Logger } from '../log/logger'

/** Videos we make posters for, with the ffmpeg demuxer each is read with (never left for ffmpeg to guess). */
export const VIDEO_DEMUXERS: ReadonlyMap<string, string> = new Map([
  ['video/mp4', 'mov'],
  ['video/quicktime', 'mov'],
  ['video/webm', 'matroska'],
  ['video/x-matroska', 'matroska'],
])

/** Where the poster frame is taken: 1 s in, past the fade-in many clips start with. */
const POSTER_AT_SECONDS = 1
/** The frame comes out of ffmpeg already fitted in this box (sharp makes the thumbnail from it). */
const FRAME_BOX = 768
const DEFAULT_TIMEOUT_MS = 15_000
/** A PNG of a 768 px frame is well under this; more means something is wrong, and ffmpeg is stopped. */
const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
const STDERR_KEPT = 2000

export type FfmpegLocation = { path: string } | { path: null; why: string }

/** Whether `path` is a regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Where ffmpeg is: `COURIER_FFMPEG` when set (that file, or none at all), else the first executable
 * `ffmpeg` on `PATH` (the given environment's, else this process's). Null with the reason when there is none.
 */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): FfmpegLocation {
  const override = env.COURIER_FFMPEG
  if (override) {
    return isAbsolute(override) && isExecutableFile(override)
      ? { path: override }
      : { path: null, why: `COURIER_FFMPEG is "${override}", which is not an executable file given by its absolute path` }
  }
  const name = platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg'
  for (const dir of (env.PATH ?? process.env.PATH ?? '').split(delimiter)) {
    if (dir && isAbsolute(dir) && isExecutableFile(join(dir, name))) return { path: join(dir, name) }
  }
  return { path: null, why: 'ffmpeg is not on PATH (install it, or set COURIER_FFMPEG to its path)' }
}

export type PosterFrame =
  | { ok: true; png: Buffer }
  /** `absent`: there is no ffmpeg to ask (try again once there is); `failed`: this video gave no frame. */
  | { ok: false; reason: 'absent' | 'failed'; message: string }

export interface VideoPostersOptions {
  /** The ffmpeg binary; null for none. Default: looked up once, on first use (`locateFfmpeg(env)`). */
  ffmpeg?: string | null
  /** Where `COURIER_FFMPEG` and `PATH` are read (default `process.env`). */
  env?: NodeJS.ProcessEnv
  /** ffmpeg is killed after this long (default 15 s). */
  timeoutMs?: number
  /** ffmpeg is killed once it has written more than this (default 16 MiB). */
  maxFrameBytes?: number
  /** ffmpeg processes at once (default 2). */
  concurrency?: number
  log: Logger
}

type RunResult = { ok: true; stdout: Buffer } | { ok: false; reason: 'absent' | 'failed'; message: string }

/**
 * One still frame of a video, as PNG, from the `ffmpeg` binary (Debian's 5.1 here; never a bundled
 * download). Taken 1 s in (the first frame for a shorter clip), fitted in a 768 px box. ffmpeg runs
 * without a shell, reads nothing but the given file (`file:` protocol only, the demuxer named by the
 * file's type), writes the frame to a pipe, and is killed after `timeoutMs` or past `maxFrameBytes`.
 * Never rejects: without ffmpeg, or when it fails, the answer says why (and ffmpeg's absence is logged once).
 */
export class VideoPosters {
  private readonly queue: PQueue
  private location: FfmpegLocation | null
  private readonly running = new Set<ChildProcess & { stopWhy?: string }>()
  private toldAbsent = false
  private stopped = false

  constructor(private readonly opts: VideoPostersOptions) {
    this.queue = new PQueue({ concurrency: opts.concurrency ?? 2 })
    this.location =
      opts.ffmpeg === undefined ? null : opts.ffmpeg === null ? { path: null, why: 'no ffmpeg was given' } : { path: opts.ffmpeg }
  }

  /** The poster frame of `file` (an absolute path of ours), whose type is `mime` (one of `VIDEO_DEMUXERS`). */
  async frame(file: string, mime: string): Promise<PosterFrame> {
    const demuxer = VIDEO_DEMUXERS.get(mime)
    if (!demuxer) return { ok: false, reason: 'failed', message: `${mime} is not a video ffmpeg is asked to read` }
    this.location ??= locateFfmpeg(this.opts.env)
    const ffmpeg = this.location.path
    if (ffmpeg === null) return this.absent(this.location.why)
    if (this.stopped) return { ok: false, reason: 'failed', message: 'stopping' }
    const result =
      (await this.queue.add(async (): Promise<RunResult> => {
        const late = await this.run(ffmpeg, args(file, demuxer, POSTER_AT_SECONDS))
        // A clip shorter than 1 s has no frame there: take its first.
        return late.ok && late.stdout.length === 0 ? this.run(ffmpeg, args(file, demuxer, 0)) : late
      })) ?? ({ ok: false, reason: 'failed', message: 'stopping' } as const)
    if (!result.ok) return result.reason === 'absent' ? this.absent(result.message) : result
    if (result.stdout.length === 0) return { ok: false, reason: 'failed', message: 'ffmpeg found no picture in the video' }
    return { ok: true, png: result.stdout }
  }

  /** Kills the ffmpeg processes running; those waiting never start. */
  async stop(): Promise<void> {
    this.stopped = true
    this.queue.clear()
    for (const child of this.running) {
      child.stopWhy = 'stopping'
      child.kill('SIGKILL')
    }
    await this.queue.onIdle()
  }

  private absent(why: string): PosterFrame {
    if (!this.toldAbsent) {
      this.toldAbsent = true
      this.opts.log.warn('videos get no poster: ffmpeg is not available', { why })
    }
    return { ok: false, reason: 'absent', message: why }
  }

  private run(ffmpeg: string, argv: string[]): Promise<RunResult> {
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const maxBytes = this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES
    return new Promise((resolve) => {
      if (this.stopped) return resolve({ ok: false, reason: 'failed', message: 'stopping' })
      let child: ChildProcess & { stopWhy?: string }
      try {
        child = spawn(ffmpeg, argv, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true })
      } catch (error) {
        return resolve({ ok: false, reason: 'absent', message: `ffmpeg (${ffmpeg}) could not be started: ${(error as Error).message}` })
      }
      this.running.add(child)
      const chunks: Buffer[] = []
      let size = 0
      let stderr = ''
      let settled = false
      const finish = (result: RunResult) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.running.delete(child)
        child.stdout?.destroy()
        child.stderr?.destroy()
        resolve(result)
      }
      const exited = () => child.exitCode !== null || child.signalCode !== null
      const kill = (why: string) => {
        child.stopWhy ??= why
        child.kill('SIGKILL')
        // Gone already, with its pipes held open by something it started: nothing more will come.
        if (exited()) finish({ ok: false, reason: 'failed', message: child.stopWhy })
      }
      const timer = setTimeout(() => kill(`ffmpeg did not finish within ${timeoutMs / 1000} s and was stopped`), timeoutMs)
      child.stdout!.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) kill(`ffmpeg wrote more than ${maxBytes} bytes for one frame and was stopped`)
        else chunks.push(chunk)
      })
      child.stderr!.on('data', (chunk: Buffer) => {
        if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8').slice(0, STDERR_KEPT - stderr.length)
      })
      child.on('error', (error: NodeJS.ErrnoException) => {
        const cannotRun = error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOEXEC'
        finish({ ok: false, reason: cannotRun ? 'absent' : 'failed', message: `ffmpeg (${ffmpeg}) could not be started: ${error.message}` })
      })
      // A process we killed is done at its exit (whatever holds its pipes); otherwise its output ends at 'close'.
      child.on('exit', () => {
        if (child.stopWhy !== undefined) finish({ ok: false, reason: 'failed', message: child.stopWhy })
      })
      child.on('close', (code, signal) => {
        if (child.stopWhy !== undefined) return finish({ ok: false, reason: 'failed', message: child.stopWhy })
        if (code === 0) return finish({ ok: true, stdout: Buffer.concat(chunks) })
        const said = stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'
        finish({ ok: false, reason: 'failed', message: `ffmpeg ended with ${code ?? signal}: ${said}` })
      })
    })
  }
}

/** ffmpeg's arguments: the input is our own absolute path, read through the `file:` protocol and nothing else. */
function args(file: string, demuxer: string, atSeconds: number): string[] {
  const fit = `scale=w='min(${FRAME_BOX},iw)':h='min(${FRAME_BOX},ih)':force_original_aspect_ratio=decrease`
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    '-protocol_whitelist', 'file',
    ...(atSeconds > 0 ? ['-ss', String(atSeconds)] : []),
    '-f', demuxer,
    '-i', `file:${file}`,
    '-map', '0:v:0', '-frames:v', '1', '-an', '-sn', '-dn',
    '-vf', fit,
    '-f', 'image2pipe', '-c:v', 'png', 'pipe:1',
  ]
}
