import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { motionLoopClips } from '../../../sim/media/fixtures'
import { probeMedia } from './probe'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

/** A real PCM WAV: 16-bit mono at `rate`, `seconds` long, with an extra chunk before the data. */
function wav(rate: number, seconds: number): Buffer {
  const data = Buffer.alloc(Math.round(rate * seconds) * 2)
  for (let i = 0; i < data.length / 2; i++) data.writeInt16LE(Math.round(8000 * Math.sin((i / rate) * 2 * Math.PI * 440)), i * 2)
  const fmt = Buffer.alloc(16)
  fmt.writeUInt16LE(1, 0) // PCM
  fmt.writeUInt16LE(1, 2) // mono
  fmt.writeUInt32LE(rate, 4)
  fmt.writeUInt32LE(rate * 2, 8) // byte rate
  fmt.writeUInt16LE(2, 12)
  fmt.writeUInt16LE(16, 14)
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8)
    head.write(id, 0, 'latin1')
    head.writeUInt32LE(body.length, 4)
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)])
  }
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('LIST', Buffer.from('INFOISFT\u0003\u0000\u0000\u0000ab\u0000')), chunk('data', data)])
  const riff = Buffer.alloc(8)
  riff.write('RIFF', 0, 'latin1')
  riff.writeUInt32LE(body.length, 4)
  return Buffer.concat([riff, body])
}

describe('probeMedia', () => {
  let dir: string
  const write = async (name: string, bytes: Buffer) => {
    const file = join(dir, name)
    await writeFile(file, bytes)
    return file
  }
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-probe-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the length and size of the simulator’s MP4 and WebM clips', async () => {
    const [webm, mp4] = motionLoopClips()
    expect(await probeMedia(await write('loop.mp4', mp4!.bytes), 'video/mp4')).toEqual({ width: 256, height: 256, durationMs: 2000 })
    expect(await probeMedia(await write('loop.webm', webm!.bytes), 'video/webm')).toEqual({ width: 256, height: 256, durationMs: 2000 })
  })

  it('finds a QuickTime movie’s index after its media data', async () => {
    const bytes = await readFile(fixture('clip.mov'))
    expect(bytes.indexOf('moov')).toBeGreaterThan(bytes.indexOf('mdat')) // what this case is about
    expect(await probeMedia(fixture('clip.mov'), 'video/quicktime')).toEqual({ width: 32, height: 24, durationMs: 1500 })
  })

  it('reads audio lengths: WAV (past other chunks), FLAC and Matroska audio', async () => {
    expect(await probeMedia(fixture('tone.wav'), 'audio/wav')).toEqual({ width: null, height: null, durationMs: 750 })
    expect(await probeMedia(await write('tone.wav', wav(22_050, 1.5)), 'audio/wav')).toEqual({ width: null, height: null, durationMs: 1500 })
    expect(await probeMedia(fixture('tone.flac'), 'audio/flac')).toEqual({ width: null, height: null, durationMs: 300 })
    expect(await probeMedia(fixture('tone.mka'), 'audio/webm')).toEqual({ width: null, height: null, durationMs: 508 })
  })

  it('goes by the file’s bytes, not the type it was sent as', async () => {
    const [, mp4] = motionLoopClips()
    expect((await probeMedia(await write('clip.bin', mp4!.bytes), 'application/octet-stream')).durationMs).toBe(2000)
  })

  it('reads an image’s pixel size and gives it no length', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } }).png().toBuffer()
    expect(await probeMedia(await write('a.png', png), 'image/png')).toEqual({ width: 40, height: 30, durationMs: null })
  })

  it('never throws: missing, empty, truncated or garbage files have no facts', async () => {
    const none = { width: null, height: null, durationMs: null }
    const [webm, mp4] = motionLoopClips()
    expect(await probeMedia(join(dir, 'missing.mp4'), 'video/mp4')).toEqual(none)
    expect(await probeMedia(await write('empty.webm', Buffer.alloc(0)), 'video/webm')).toEqual(none)
    expect(await probeMedia(await write('garbage.png', Buffer.from('not a picture')), 'image/png')).toEqual(none)
    expect(await probeMedia(await write('cut.mp4', mp4!.bytes.subarray(0, 40)), 'video/mp4')).toEqual(none)
    expect(await probeMedia(await write('cut.wav', wav(8000, 1).subarray(0, 30)), 'audio/wav')).toEqual(none)
    // A box claiming more bytes than the file has, and an EBML size of zero: the walk just stops.
    const lying = Buffer.from(mp4!.bytes)
    lying.writeUInt32BE(0xfffffff0, 0)
    expect(await probeMedia(await write('lying.mp4', lying), 'video/mp4')).toEqual(none)
    const stub = Buffer.from(webm!.bytes.subarray(0, 64))
    expect(await probeMedia(await write('stub.webm', stub), 'video/webm')).toEqual(none)
    for (let i = 0; i < 50; i++) {
      const noise = Buffer.from(mp4!.bytes.subarray(0, 2048))
      for (let j = 8; j < noise.length; j += 7) noise[j] = (i * 31 + j * 17) & 0xff
      await expect(probeMedia(await write(`noise-${i}.mp4`, noise), 'video/mp4')).resolves.toBeDefined()
    }
  })

  it('does not look inside text or JSON outputs', async () => {
    const [, mp4] = motionLoopClips()
    expect(await probeMedia(await write('notes.txt', mp4!.bytes), 'text/plain')).toEqual({ width: null, height: null, durationMs: null })
  })
})
