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

  describe('MPEG audio', () => {
    // ffprobe's durations for the fixtures (make-fixtures.sh prints them); ours must be within 50 ms.
    const FFPROBE = [
      ['tone-cbr.mp3', 1296, 'MPEG-1 Layer III CBR without a Xing frame, between ID3v2 and ID3v1 tags'],
      ['tone-vbr.mp3', 2037.551, 'MPEG-1 Layer III VBR, frame count from its Xing frame'],
      ['tone-mpeg2.mp3', 1567.347, 'MPEG-2 Layer III VBR (576 samples a frame)'],
      ['tone-mpeg25.mp3', 1152, 'MPEG-2.5 Layer III CBR at 8 kHz'],
      ['tone.mp2', 900, 'MPEG-1 Layer II'],
    ] as const

    it.each(FFPROBE)('reads the length of %s within 50 ms of ffprobe (%s ms): %s', async (name, expected) => {
      const facts = await probeMedia(fixture(name), 'audio/mpeg')
      expect(facts.width).toBeNull()
      expect(facts.durationMs).not.toBeNull()
      expect(Math.abs(facts.durationMs! - expected)).toBeLessThanOrEqual(50)
    })

    it('uses the Xing frame count rather than the first frame’s bitrate', async () => {
      // Drop the Xing frame: what is left is estimated from the (quiet, low-rate) first frame and comes out long.
      const bytes = await readFile(fixture('tone-vbr.mp3'))
      const first = bytes.indexOf(Buffer.from([0xff, 0xfb]))
      const second = bytes.indexOf(Buffer.from([0xff, 0xfb]), first + 4)
      const withoutXing = Buffer.concat([bytes.subarray(0, first), bytes.subarray(second)])
      const estimated = (await probeMedia(await write('no-xing.mp3', withoutXing), 'audio/mpeg')).durationMs!
      expect(Math.abs(estimated - 2037.551)).toBeGreaterThan(50)
    })

    it('reads a VBRI header’s frame count', async () => {
      // The CBR fixture's first frame carries a VBRI header (Fraunhofer's encoder) saying 100 frames.
      const bytes = Buffer.from(await readFile(fixture('tone-cbr.mp3')))
      const frame = bytes.indexOf(Buffer.from([0xff, 0xfb]))
      bytes.write('VBRI', frame + 36, 'latin1')
      bytes.writeUInt16BE(1, frame + 40) // version
      bytes.writeUInt32BE(100, frame + 36 + 14)
      expect((await probeMedia(await write('vbri.mp3', bytes), 'audio/mpeg')).durationMs).toBe(Math.round((100 * 1152 * 1000) / 44_100))
    })

    it('skips an ID3v2 tag with a footer, and junk before the first frame', async () => {
      const bytes = await readFile(fixture('tone.mp2'))
      const tag = Buffer.alloc(10 + 300 + 10)
      tag.write('ID3', 0, 'latin1')
      tag[3] = 4
      tag[5] = 0x10 // a footer follows the tag
      tag.set([0, 0, 2, 300 - 256], 6) // 300, synchsafe: 7 bits a byte
      tag.write('3DI', 310, 'latin1')
      const junk = Buffer.from([0xff, 0xfb, 0x00, 0x12, 0xff, 0x00, 0x41]) // a sync pattern that is no frame
      const facts = await probeMedia(await write('footer.mp2', Buffer.concat([tag, junk, bytes])), 'audio/mpeg')
      expect(facts.durationMs).toBe(900)
    })

    it('gives no length, and never throws, for broken MPEG audio', async () => {
      const none = { width: null, height: null, durationMs: null }
      const vbr = await readFile(fixture('tone-vbr.mp3'))
      const tagOnly = vbr.subarray(0, 30) // the ID3 tag and part of a header
      expect(await probeMedia(await write('cut.mp3', tagOnly), 'audio/mpeg')).toEqual(none)
      const lyingTag = Buffer.from(vbr)
      lyingTag.set([0x7f, 0x7f, 0x7f, 0x7f], 6) // an ID3 tag larger than the file
      expect(await probeMedia(await write('lying.mp3', lyingTag), 'audio/mpeg')).toEqual(none)
      const badSize = Buffer.from(vbr)
      badSize[6] = 0x80 // not synchsafe
      expect(await probeMedia(await write('bad-size.mp3', badSize), 'audio/mpeg')).toEqual(none)
      const noFrames = Buffer.concat([vbr.subarray(0, 20), Buffer.alloc(5000, 0x11)])
      expect(await probeMedia(await write('no-frames.mp3', noFrames), 'audio/mpeg')).toEqual(none)
      for (let i = 0; i < 50; i++) {
        const noise = Buffer.from(vbr.subarray(0, 3000))
        for (let j = 24 + (i % 7); j < noise.length; j += 5) noise[j] = (i * 37 + j * 13) & 0xff
        const facts = await probeMedia(await write(`noise-${i}.mp3`, noise), 'audio/mpeg')
        expect(facts.durationMs === null || facts.durationMs >= 0).toBe(true)
      }
    })
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
