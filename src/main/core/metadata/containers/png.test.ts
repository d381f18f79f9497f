import { crc32, deflateSync } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { be32, bytesOf, fixture, fromRaw, handChunk, handPng, noise, pixels } from '../fixtures/fixtures'
import { readImageMetadata, stripImageMetadata, writeImageMetadata } from './image'

/** Every chunk's type, and whether its CRC is right. */
function chunkList(b: Uint8Array): { type: string; crcOk: boolean; data: Buffer }[] {
  const out = []
  const buf = Buffer.from(b)
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at)
    const type = buf.toString('latin1', at + 4, at + 8)
    const crcOk = buf.readUInt32BE(at + 8 + length) === crc32(buf.subarray(at + 4, at + 8 + length))
    out.push({ type, crcOk, data: buf.subarray(at + 8, at + 8 + length) })
    at += 12 + length
  }
  return out
}

const write = (b: Uint8Array, text: Record<string, string>) => writeImageMetadata(b, { text, userComment: null, xmp: {} })

describe('PNG: reading', () => {
  it('reads the prompt and workflow tEXt chunks of a real ComfyUI SaveImage output', () => {
    const raw = readImageMetadata(fixture('comfyui-saveimage.png'))
    expect(Object.keys(raw?.text ?? {})).toEqual(['prompt', 'workflow'])
    const prompt = JSON.parse(raw?.text.prompt ?? '')
    expect(prompt['3'].class_type).toBe('KSampler')
    expect(prompt['3'].inputs.seed).toBe(123456789)
    expect(prompt['6'].inputs.text).toContain('lighthouse')
    expect(JSON.parse(raw?.text.workflow ?? '').nodes.length).toBeGreaterThan(3)
    expect(raw?.exif).toEqual({})
    expect(raw?.xmp).toBeNull()
  })

  it('reads the comf chunks of a real ComfyUI SaveAnimatedPNG output (after the frames)', () => {
    const b = fixture('comfyui-animated.png')
    expect(chunkList(b).map((c) => c.type)).toEqual(['IHDR', 'acTL', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'comf', 'comf', 'IEND'])
    const raw = readImageMetadata(b)
    expect(JSON.parse(raw?.text.prompt ?? '')['3'].inputs.sampler_name).toBe('euler')
    expect(JSON.parse(raw?.text.workflow ?? '').version).toBe(0.4)
  })

  it('reads an A1111 parameters chunk as Latin-1', () => {
    expect(readImageMetadata(fixture('a1111-parameters.png'))?.text.parameters).toMatch(/^a photo of a cat in a café, masterpiece\nNegative prompt: blurry, lowres\nSteps: 20,/)
  })

  it('reads hand-built zTXt, iTXt (plain and compressed) and eXIf chunks; the first of a key wins', () => {
    const b = handPng(
      handChunk('zTXt', [...bytesOf('z'), 0, 0, ...deflateSync(Buffer.from('zipped café', 'latin1'))]),
      handChunk('iTXt', [...bytesOf('i'), 0, 0, 0, ...bytesOf('en'), 0, ...bytesOf('Eye', 'utf8'), 0, ...bytesOf('plain 猫', 'utf8')]),
      handChunk('iTXt', [...bytesOf('ic'), 0, 1, 0, 0, 0, ...deflateSync(Buffer.from('compressed ü', 'utf8'))]),
      handChunk('tEXt', [...bytesOf('z'), 0, ...bytesOf('second')]),
      handChunk('eXIf', [...bytesOf('MM'), 0, 42, ...be32(8), 0, 1, 0x01, 0x0f, 0, 2, ...be32(4), ...bytesOf('ABC'), 0, 0, 0, 0, 0]),
    )
    expect(readImageMetadata(b)).toEqual({ text: { z: 'zipped café', i: 'plain 猫', ic: 'compressed ü' }, exif: { '0x010f': 'ABC' }, xmp: null })
  })
  it('keeps keywords that are also names of Object’s prototype as plain keys', () => {
    const b = handPng(...['constructor', '__proto__', 'toString'].map((key) => handChunk('tEXt', [...bytesOf(key), 0, ...bytesOf(`v-${key}`)])))
    const raw = readImageMetadata(b)
    expect(Object.entries(raw?.text ?? {})).toEqual([['constructor', 'v-constructor'], ['__proto__', 'v-__proto__'], ['toString', 'v-toString']])
    expect(Object.getPrototypeOf(raw?.text)).toBe(Object.prototype)
    expect(Object.keys(readImageMetadata(write(b, { 'comfy-courier': 'x' }))?.text ?? {}).sort()).toEqual(['__proto__', 'comfy-courier', 'constructor', 'toString'])
  })
})

describe('PNG: writing', () => {
  const record = JSON.stringify({ format: 'comfy-courier/1', prompt: 'a “quoted” 猫 prompt' })

  it('adds text chunks before the image data, keeps ComfyUI’s chunks byte for byte, and every CRC is right', () => {
    const before = fixture('comfyui-saveimage.png')
    const after = write(before, { 'comfy-courier': record, short: 'plain' })
    const list = chunkList(after)
    expect(list.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'tEXt', 'iTXt', 'tEXt', 'IDAT', 'IEND'])
    expect(list.every((c) => c.crcOk)).toBe(true)
    const original = chunkList(before)
    for (const [i, j] of [[0, 0], [1, 1], [2, 2], [5, 3]] as const) expect(list[i]?.data.equals(original[j]?.data ?? Buffer.alloc(0))).toBe(true)
    const raw = readImageMetadata(after)
    expect(raw?.text['comfy-courier']).toBe(record)
    expect(raw?.text.short).toBe('plain')
    expect(raw?.text.prompt).toBe(readImageMetadata(before)?.text.prompt)
  })

  it('replaces a text chunk with the same keyword and keeps the comf chunks of an animated PNG', () => {
    const once = write(fixture('comfyui-animated.png'), { 'comfy-courier': 'first' })
    const twice = write(once, { 'comfy-courier': record })
    expect(chunkList(twice).map((c) => c.type)).toEqual(['IHDR', 'acTL', 'iTXt', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'comf', 'comf', 'IEND'])
    expect(readImageMetadata(twice)?.text).toEqual({ ...readImageMetadata(fixture('comfyui-animated.png'))?.text, 'comfy-courier': record })
  })

  it('writes Latin-1 short values as tEXt and long or wider ones as iTXt', () => {
    const long = 'x'.repeat(5000)
    const list = chunkList(write(handPng(), { a: 'café', b: 'ça → va', c: long }))
    expect(list.filter((c) => c.type === 'tEXt').map((c) => c.data.toString('latin1'))).toEqual(['a\0café'])
    expect(list.filter((c) => c.type === 'iTXt').length).toBe(2)
    expect(readImageMetadata(write(handPng(), { c: long }))?.text.c).toBe(long)
  })

  it('is lossless: the file still decodes, to the same pixels, still and animated', async () => {
    const still = await fromRaw(noise(40, 30)).png().toBuffer()
    for (const before of [new Uint8Array(still), fixture('comfyui-animated.png'), fixture('comfyui-saveimage.png')]) {
      const after = write(before, { 'comfy-courier': record })
      const meta = await sharp(after, { animated: true }).metadata()
      expect(meta.format).toBe('png')
      expect(meta.pages ?? 1).toBe((await sharp(before, { animated: true }).metadata()).pages ?? 1)
      expect((await pixels(after)).equals(await pixels(before))).toBe(true)
    }
  })

  it('refuses a bad keyword and a file it cannot parse', () => {
    expect(() => write(handPng(), { '': 'x' })).toThrow(/keyword/)
    expect(() => write(handPng(), { ['k'.repeat(80)]: 'x' })).toThrow(/keyword/)
    const b = fixture('comfyui-saveimage.png')
    expect(() => write(b.subarray(0, b.length - 20), { a: 'b' })).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
  })
})

describe('PNG: stripping', () => {
  it('removes tEXt, zTXt, iTXt, comf and eXIf chunks and nothing else', async () => {
    for (const name of ['comfyui-saveimage.png', 'comfyui-animated.png', 'a1111-parameters.png']) {
      const before = write(fixture(name), { 'comfy-courier': 'x'.repeat(3000), short: 'y' })
      const after = stripImageMetadata(before)
      expect(readImageMetadata(after)).toEqual({ text: {}, exif: {}, xmp: null })
      expect(chunkList(after).some((c) => ['tEXt', 'zTXt', 'iTXt', 'comf', 'eXIf'].includes(c.type))).toBe(false)
      expect((await pixels(after)).equals(await pixels(before))).toBe(true)
    }
    const hand = handPng(handChunk('zTXt', [...bytesOf('z'), 0, 0, ...deflateSync(Buffer.from('x'))]), handChunk('eXIf', [...bytesOf('MM'), 0, 42, ...be32(8), 0, 0]))
    expect(chunkList(stripImageMetadata(hand)).map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND'])
  })
})
