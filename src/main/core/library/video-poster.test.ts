import { execFileSync } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Logger } from '../log/logger'
import { locateFfmpeg, VideoPosters } from './video-poster'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const FIXTURES = [
  { name: 'motion-loop.mp4', file: here('../../../sim/media/fixtures/motion-loop.mp4'), mime: 'video/mp4', width: 256, height: 256 },
  { name: 'motion-loop.webm', file: here('../../../sim/media/fixtures/motion-loop.webm'), mime: 'video/webm', width: 256, height: 256 },
  { name: 'clip.mov', file: here('./fixtures/clip.mov'), mime: 'video/quicktime', width: 32, height: 24 },
]

/** A logger that keeps its warnings. */
function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  const log: Logger & { warnings: string[] } = { warnings, debug() {}, info() {}, warn: (message) => void warnings.push(message), error() {}, child: () => log }
  return log
}

const real = locateFfmpeg()
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'courier-poster-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('locating ffmpeg', () => {
  it('takes COURIER_FFMPEG when set, and only an executable file given by its absolute path', async () => {
    const fake = join(dir, 'my-ffmpeg')
    await writeFile(fake, '#!/bin/sh\n')
    await chmod(fake, 0o755)
    expect(locateFfmpeg({ COURIER_FFMPEG: fake, PATH: '' })).toEqual({ path: fake })
    expect(locateFfmpeg({ COURIER_FFMPEG: join(dir, 'nope'), PATH: '/usr/bin' }).path).toBeNull()
    expect(locateFfmpeg({ COURIER_FFMPEG: 'my-ffmpeg', PATH: dir }).path).toBeNull()
    await writeFile(join(dir, 'not-executable'), '')
    expect(locateFfmpeg({ COURIER_FFMPEG: join(dir, 'not-executable') })).toMatchObject({ path: null, why: expect.stringContaining('COURIER_FFMPEG') })
  })

  it('else finds the first executable ffmpeg on PATH, skipping folders and relative entries', async () => {
    const first = join(dir, 'a')
    const second = join(dir, 'b')
    await mkdir(join(first, 'ffmpeg'), { recursive: true }) // a folder named ffmpeg is not it
    await mkdir(second, { recursive: true })
    await writeFile(join(second, 'ffmpeg'), '#!/bin/sh\n')
    await chmod(join(second, 'ffmpeg'), 0o755)
    expect(locateFfmpeg({ PATH: ['relative', first, second].join(':') }, 'linux')).toEqual({ path: join(second, 'ffmpeg') })
    expect(locateFfmpeg({ PATH: first }, 'linux')).toMatchObject({ path: null, why: expect.stringContaining('not on PATH') })
  })
})

describe('video posters without a working ffmpeg', () => {
  it('says ffmpeg is absent (and logs it once) when the path given does not exist', async () => {
    const log = recordingLog()
    const posters = new VideoPosters({ ffmpeg: join(dir, 'no-such-ffmpeg'), log })
    for (const { file, mime } of FIXTURES) expect(await posters.frame(file, mime)).toMatchObject({ ok: false, reason: 'absent' })
    expect(log.warnings).toEqual(['videos get no poster: ffmpeg is not available'])
    await posters.stop()
  })

  it('kills an ffmpeg that hangs at the timeout, and gives no poster', async () => {
    const pidFile = join(dir, 'pid')
    const script = join(dir, 'hanging-ffmpeg')
    await writeFile(script, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 60\n`)
    await chmod(script, 0o755)
    const posters = new VideoPosters({ ffmpeg: script, timeoutMs: 300, log: recordingLog() })
    const result = await posters.frame(FIXTURES[0]!.file, 'video/mp4')
    expect(result).toMatchObject({ ok: false, reason: 'failed', message: expect.stringContaining('did not finish') })
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(alive(pid)).toBe(false)
    await posters.stop()
  })

  it('stops an ffmpeg that writes more than one frame’s worth', async () => {
    const script = join(dir, 'chatty-ffmpeg')
    await writeFile(script, '#!/bin/sh\nexec cat /dev/zero\n')
    await chmod(script, 0o755)
    const posters = new VideoPosters({ ffmpeg: script, maxFrameBytes: 64 * 1024, log: recordingLog() })
    expect(await posters.frame(FIXTURES[0]!.file, 'video/mp4')).toMatchObject({ ok: false, reason: 'failed', message: expect.stringContaining('more than') })
    await posters.stop()
  })

  it('kills a running ffmpeg when stopped', async () => {
    const script = join(dir, 'slow-ffmpeg')
    await writeFile(script, '#!/bin/sh\nexec sleep 60\n')
    await chmod(script, 0o755)
    const posters = new VideoPosters({ ffmpeg: script, log: recordingLog() })
    const pending = posters.frame(FIXTURES[0]!.file, 'video/mp4')
    await new Promise((resolve) => setImmediate(resolve))
    await posters.stop()
    expect(await pending).toMatchObject({ ok: false })
  })
})

describe.skipIf(real.path === null)(`video posters from the real ffmpeg${real.path === null ? ` (skipped: ${real.why})` : ''}`, () => {
  it.each(FIXTURES)('takes a frame of $name', async ({ file, mime, width, height }) => {
    const posters = new VideoPosters({ ffmpeg: real.path, log: recordingLog() })
    const frame = await posters.frame(file, mime)
    if (!frame.ok) throw new Error(frame.message)
    expect(await sharp(frame.png).metadata()).toMatchObject({ format: 'png', width, height })
  })

  it('takes the first frame of a clip shorter than a second', async () => {
    const short = join(dir, 'short.webm')
    execFileSync(real.path!, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=blue:s=48x32:r=10:d=0.4', '-c:v', 'libvpx-vp9', short])
    const frame = await new VideoPosters({ ffmpeg: real.path, log: recordingLog() }).frame(short, 'video/webm')
    if (!frame.ok) throw new Error(frame.message)
    const { data, info } = await sharp(frame.png).raw().toBuffer({ resolveWithObject: true })
    expect(info).toMatchObject({ width: 48, height: 32 })
    expect(data[2]).toBeGreaterThan(200) // blue
  })

  it('fits a large frame in its box, keeping the aspect ratio', async () => {
    const wide = join(dir, 'wide.mp4')
    execFileSync(real.path!, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=1920x1080:r=2:d=1.5', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', wide])
    const frame = await new VideoPosters({ ffmpeg: real.path, log: recordingLog() }).frame(wide, 'video/mp4')
    if (!frame.ok) throw new Error(frame.message)
    expect(await sharp(frame.png).metadata()).toMatchObject({ width: 768, height: 432 })
  })

  it('fails, without throwing, on a file that is no video', async () => {
    const garbage = join(dir, 'garbage.mp4')
    await writeFile(garbage, Buffer.alloc(4096, 7))
    const audioOnly = here('./fixtures/tone.mka')
    const posters = new VideoPosters({ ffmpeg: real.path, log: recordingLog() })
    expect(await posters.frame(garbage, 'video/mp4')).toMatchObject({ ok: false, reason: 'failed' })
    expect(await posters.frame(audioOnly, 'video/webm')).toMatchObject({ ok: false, reason: 'failed' })
    expect(await posters.frame(garbage, 'image/png')).toMatchObject({ ok: false, reason: 'failed' })
  })
})
