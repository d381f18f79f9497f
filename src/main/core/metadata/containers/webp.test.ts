import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { bytesOf, fixture, fromRaw, handRiffChunk, handWebp, noise, pixels, webpChunks } from '../fixtures/fixtures'
import { readImageMetadata, stripImageMetadata, writeImageMetadata } from './image'
import { COURIER_NS } from './xmp'

const FLAG_ALPHA = 0x10
const FLAG_EXIF = 0x08
const FLAG_XMP = 0x04
const FLAG_ANIM = 0x02

const types = (b: Uint8Array) => webpChunks(b).map((c) => c.type)
const vp8x = (b: Uint8Array) => {
  const data = webpChunks(b).find((c) => c.type === 'VP8X')?.data ?? Buffer.alloc(10)
  return { flags: data[0] ?? 0, width: data.readUIntLE(4, 3) + 1, height: data.readUIntLE(7, 3) + 1 }
}
const riffSizeOk = (b: Uint8Array) => Buffer.from(b).readUInt32LE(4) === b.length - 8

describe('WebP: reading', () => {
  it('reads ComfyUI’s prompt and workflow EXIF tags from real SaveAnimatedWEBP outputs, with and without the Exif prefix', () => {
    const prefixed = webpChunks(fixture('comfyui-animated.webp')).find((c) => c.type === 'EXIF')?.data
    const bare = webpChunks(fixture('comfyui-single-lossless.webp')).find((c) => c.type === 'EXIF')?.data
    expect(prefixed?.subarray(0, 6).toString('latin1')).toBe('Exif\0\0')
    expect(bare?.subarray(0, 2).toString('latin1')).toBe('MM')
    for (const name of ['comfyui-animated.webp', 'comfyui-single-lossless.webp', 'comfyui-single-lossy.webp']) {
      const exif = readImageMetadata(fixture(name))?.exif ?? {}
      expect(exif['0x0110']).toMatch(/^prompt:\{"3": \{"class_type": "KSampler"/)
      expect(JSON.parse((exif['0x0110'] ?? '').slice('prompt:'.length))['3'].inputs.cfg).toBe(7.5)
      expect(JSON.parse((exif['0x010f'] ?? '').slice('workflow:'.length)).nodes.length).toBeGreaterThan(3)
    }
  })

  it('reads A1111’s UserComment in UTF-16BE', () => {
    expect(readImageMetadata(fixture('a1111-utf16be.webp'))?.exif['0x9286']).toMatch(/^a photo of a cat, 猫, «ünïcödé» in a café, masterpiece\nNegative prompt: blurry/)
  })

  it('reads hand-built EXIF (prefixed) and XMP chunks, our property in element form', () => {
    const tiff = [...bytesOf('MM'), 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x0f, 0, 2, 0, 0, 0, 3, ...bytesOf('ok'), 0, 0, 0, 0, 0, 0]
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:courier='${COURIER_NS}'><courier:comfy-courier>{"q":"&lt;&amp;&gt; &#233;"}</courier:comfy-courier></rdf:Description></rdf:RDF></x:xmpmeta>`
    const b = handWebp(handRiffChunk('VP8X', [FLAG_EXIF | FLAG_XMP, 0, 0, 0, 0, 0, 0, 0, 0, 0]), handRiffChunk('EXIF', [...bytesOf('Exif\0\0'), ...tiff]), handRiffChunk('XMP ', bytesOf(xmp, 'utf8')))
    expect(readImageMetadata(b)).toEqual({ text: { 'comfy-courier': '{"q":"<&> é"}' }, exif: { '0x010f': 'ok' }, xmp })
  })
})

describe('WebP: writing', () => {
  const record = JSON.stringify({ format: 'comfy-courier/1', prompt: 'a <b>“quoted”</b> 猫 & co' })
  const add = { text: { ignored: 'on WebP' }, userComment: 'Steps: 20, 猫', xmp: { 'comfy-courier': record } }

  it('turns a simple lossy (VP8) file into an extended one with its canvas size, EXIF and XMP after the image', async () => {
    const before = new Uint8Array(await fromRaw(noise(37, 21)).webp({ quality: 70 }).toBuffer())
    expect(types(before)).toEqual(['VP8 '])
    const after = writeImageMetadata(before, add)
    expect(types(after)).toEqual(['VP8X', 'VP8 ', 'EXIF', 'XMP '])
    expect(vp8x(after)).toEqual({ flags: FLAG_EXIF | FLAG_XMP, width: 37, height: 21 })
    expect(riffSizeOk(after)).toBe(true)
    expect(webpChunks(after)[1]?.data.equals(webpChunks(before)[0]?.data ?? Buffer.alloc(0))).toBe(true)
    expect(readImageMetadata(after)).toMatchObject({ text: { 'comfy-courier': record }, exif: { '0x9286': add.userComment } })
    const meta = await sharp(after).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 37, 21])
    expect((await pixels(after)).equals(await pixels(before))).toBe(true)
  })

  it('turns a simple lossless (VP8L) file with alpha into an extended one with the alpha flag', async () => {
    for (const channels of [3, 4] as const) {
      const before = new Uint8Array(await fromRaw(noise(33, 18, channels)).webp({ lossless: true }).toBuffer())
      expect(types(before)).toEqual(['VP8L'])
      const after = writeImageMetadata(before, { ...add, xmp: {} })
      expect(types(after)).toEqual(['VP8X', 'VP8L', 'EXIF'])
      expect(vp8x(after)).toEqual({ flags: FLAG_EXIF | (channels === 4 ? FLAG_ALPHA : 0), width: 33, height: 18 })
      const meta = await sharp(after).metadata()
      expect([meta.width, meta.height, meta.hasAlpha]).toEqual([33, 18, channels === 4])
      expect((await pixels(after)).equals(await pixels(before))).toBe(true)
    }
  })

  it('merges into an animated file’s EXIF in place, keeping ComfyUI’s tags, the frames and the flags', async () => {
    const before = fixture('comfyui-animated.webp')
    expect(types(before)).toEqual(['VP8X', 'ANIM', 'ANMF', 'ANMF', 'EXIF'])
    const after = writeImageMetadata(before, add)
    expect(types(after)).toEqual(['VP8X', 'ANIM', 'ANMF', 'ANMF', 'EXIF', 'XMP '])
    expect(vp8x(after)).toEqual({ ...vp8x(before), flags: vp8x(before).flags | FLAG_XMP })
    expect(vp8x(after).flags & FLAG_ANIM).toBe(FLAG_ANIM)
    const exif = readImageMetadata(after)?.exif
    expect(exif).toEqual({ ...readImageMetadata(before)?.exif, '0x9286': add.userComment })
    expect(riffSizeOk(after)).toBe(true)
    expect((await sharp(after, { animated: true }).metadata()).pages).toBe(2)
    expect((await pixels(after)).equals(await pixels(before))).toBe(true)
  })

  it('keeps XMP already there beside ours, and a second write replaces ours', async () => {
    const theirs = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Someone</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'
    const before = new Uint8Array(await fromRaw(noise(16, 16)).withXmp(theirs).webp({ quality: 70 }).toBuffer())
    const twice = writeImageMetadata(writeImageMetadata(before, { ...add, xmp: { 'comfy-courier': 'first' } }), add)
    const raw = readImageMetadata(twice)
    expect(raw?.xmp).toContain('<dc:creator>Someone</dc:creator>')
    expect(raw?.xmp?.split(COURIER_NS).length).toBe(2)
    expect(raw?.text).toEqual({ 'comfy-courier': record })
    expect(types(twice).filter((t) => t === 'XMP ').length).toBe(1)
    expect((await pixels(twice)).equals(await pixels(before))).toBe(true)
  })

  it('leaves a file as it was when there is nothing for WebP to write', async () => {
    const before = new Uint8Array(await fromRaw(noise(8, 8)).webp().toBuffer())
    expect(Buffer.from(writeImageMetadata(before, { text: { a: 'b' }, userComment: null, xmp: {} })).equals(Buffer.from(before))).toBe(true)
  })

  it('writes EXIF and XMP that libvips parses: re-encoded by sharp with keepMetadata, both are still read', async () => {
    const written = writeImageMetadata(new Uint8Array(await fromRaw(noise(16, 16)).webp({ quality: 70 }).toBuffer()), add)
    const reencoded = new Uint8Array(await sharp(written).keepMetadata().webp().toBuffer())
    const raw = readImageMetadata(reencoded)
    expect(raw?.exif['0x9286']).toBe(add.userComment)
    expect(raw?.text['comfy-courier']).toBe(record)
  })

  it('refuses a file it cannot parse', () => {
    const b = fixture('comfyui-single-lossy.webp')
    for (const bad of [b.subarray(0, b.length - 10), handWebp(handRiffChunk('JUNK', [1, 2])), Uint8Array.from([...b.subarray(0, 16), 0xff, 0xff, 0xff, 0x7f, ...b.subarray(20)])]) {
      expect(() => writeImageMetadata(bad, add)).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
    }
  })
})

describe('WebP: stripping', () => {
  it('removes EXIF and XMP and clears their flags, keeping the frames', async () => {
    for (const name of ['comfyui-animated.webp', 'comfyui-single-lossless.webp', 'a1111-utf16be.webp']) {
      const before = writeImageMetadata(fixture(name), { text: {}, userComment: 'c', xmp: { a: 'b' } })
      const after = stripImageMetadata(before)
      expect(readImageMetadata(after)).toEqual({ text: {}, exif: {}, xmp: null })
      expect(types(after).filter((t) => t === 'EXIF' || t === 'XMP ')).toEqual([])
      expect(vp8x(after).flags & (FLAG_EXIF | FLAG_XMP)).toBe(0)
      expect(riffSizeOk(after)).toBe(true)
      expect((await pixels(after)).equals(await pixels(before))).toBe(true)
    }
  })
})
