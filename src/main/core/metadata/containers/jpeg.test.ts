import sharp, { type Sharp } from 'sharp'
import { describe, expect, it } from 'vitest'
import { bytesOf, fixture, fromRaw, handSegment, jpegSegments, noise, pixels } from '../fixtures/fixtures'
import { parseTiff } from './exif'
import { readImageMetadata, stripImageMetadata, writeImageMetadata } from './image'
import { COURIER_NS } from './xmp'

const A1111_PROMPT = /^a photo of a cat, 猫, «ünïcödé» in a café, masterpiece\nNegative prompt: blurry, lowres\nSteps: 20, Sampler: DPM\+\+ 2M Karras, CFG scale: 7, Seed: 1234567890,/
const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0'
const APP1 = 0xe1
const describes = (data: Buffer, header: string) => data.subarray(0, header.length).toString('latin1') === header

const noisyJpeg = async (build?: (s: Sharp) => Sharp) => new Uint8Array(await (build ?? ((s) => s))(fromRaw(noise(40, 24))).jpeg({ quality: 80 }).toBuffer())

describe('JPEG: reading', () => {
  it('reads A1111’s UserComment in UTF-16BE (big-endian TIFF) and UTF-16LE (little-endian TIFF)', () => {
    for (const name of ['a1111-utf16be.jpg', 'a1111-utf16le.jpg']) {
      const raw = readImageMetadata(fixture(name))
      expect(raw?.exif['0x9286']).toMatch(A1111_PROMPT)
      expect(raw?.text).toEqual({})
    }
  })

  it('reads hand-built EXIF and XMP segments, our property in attribute form, and ignores a COM segment', () => {
    const tiff = [
      ...bytesOf('II'), 42, 0, 8, 0, 0, 0, // little-endian TIFF, IFD0 at 8
      1, 0, 0x0e, 0x01, 2, 0, 6, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0, // ImageDescription, ASCII, 6, at 26
      ...bytesOf('hello\0'),
    ]
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:c="${COURIER_NS}" c:comfy-courier="{&quot;a&quot;:&#x31;, &lt;b&gt; &amp; é}"/></rdf:RDF></x:xmpmeta>`
    const b = Uint8Array.from([
      0xff, 0xd8,
      ...handSegment(0xe0, [...bytesOf('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
      ...handSegment(0xfe, bytesOf('a comment that is not read')),
      ...handSegment(APP1, [...bytesOf('Exif\0\0'), ...tiff]),
      ...handSegment(APP1, [...bytesOf(XMP_HEADER), ...bytesOf(xmp, 'utf8')]),
      0xff, 0xd9,
    ])
    expect(readImageMetadata(b)).toEqual({ text: { 'comfy-courier': '{"a":1, <b> & é}' }, exif: { '0x010e': 'hello' }, xmp })
  })
})

describe('JPEG: writing', () => {
  const record = JSON.stringify({ format: 'comfy-courier/1', prompt: 'a <b>“quoted”</b> 猫 & co' })
  const add = { text: { ignored: 'on JPEG' }, userComment: 'Steps: 20, 猫, Seed: 1', xmp: { 'comfy-courier': record } }

  it('adds EXIF and XMP right after SOI, or after the JFIF segment, of a file with none', async () => {
    const jfif = stripImageMetadata(fixture('a1111-utf16be.jpg'))
    expect(jpegSegments(jfif)[0]?.marker).toBe(0xe0)
    const afterJfif = jpegSegments(writeImageMetadata(jfif, add))
    expect(afterJfif.slice(0, 3).map((s) => [s.marker, describes(s.data, 'Exif\0\0'), describes(s.data, XMP_HEADER)])).toEqual([[0xe0, false, false], [APP1, true, false], [APP1, false, true]])

    const before = await noisyJpeg()
    expect(jpegSegments(before)[0]?.marker).toBe(0xdb) // sharp writes no JFIF segment
    const after = writeImageMetadata(before, add)
    const segments = jpegSegments(after)
    expect(describes(segments[0]?.data ?? Buffer.alloc(0), 'Exif\0\0')).toBe(true)
    expect(describes(segments[1]?.data ?? Buffer.alloc(0), XMP_HEADER)).toBe(true)
    const raw = readImageMetadata(after)
    expect(raw?.exif['0x9286']).toBe(add.userComment)
    expect(raw?.text).toEqual({ 'comfy-courier': record })
    // UNICODE + UTF-16 in the TIFF's byte order (big-endian for a new one), the bytes spelt out
    const tiff = parseTiff((segments[0]?.data ?? Buffer.alloc(0)).subarray(6))
    expect(tiff?.littleEndian).toBe(false)
    const comment = tiff?.ifd0.find((e) => e.tag === 0x8769)?.sub?.find((e) => e.tag === 0x9286)
    expect(Buffer.from(comment?.value ?? []).subarray(0, 12)).toEqual(Buffer.from([...bytesOf('UNICODE\0'), 0x00, 0x53, 0x00, 0x74]))
  })

  it('merges into EXIF and XMP already there, keeping their entries and properties', async () => {
    const theirXmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Someone</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    const before = await noisyJpeg((s) => s.withExif({ IFD0: { Make: 'Canon', Model: 'EOS R5', Software: 'GIMP' } }).withXmp(theirXmp))
    expect(readImageMetadata(before)?.exif['0x010f']).toBe('Canon')
    const once = writeImageMetadata(before, { ...add, userComment: 'first', xmp: { 'comfy-courier': 'first' } })
    const twice = writeImageMetadata(once, add)
    const raw = readImageMetadata(twice)
    expect(raw?.exif).toMatchObject({ '0x010f': 'Canon', '0x0110': 'EOS R5', '0x0131': 'GIMP', '0x9286': add.userComment })
    expect(raw?.xmp).toContain('<dc:creator>Someone</dc:creator>')
    expect(raw?.xmp?.split(COURIER_NS).length).toBe(2) // ours once: the first write's description was replaced
    expect(raw?.text).toEqual({ 'comfy-courier': record })
    expect(jpegSegments(twice).filter((s) => s.marker === APP1).length).toBe(2)
    const meta = await sharp(twice).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.exif).toBeDefined()
  })

  it('replaces A1111’s UserComment keeping its byte order', () => {
    for (const [name, littleEndian] of [['a1111-utf16be.jpg', false], ['a1111-utf16le.jpg', true]] as const) {
      const after = writeImageMetadata(fixture(name), { ...add, xmp: {} })
      expect(readImageMetadata(after)?.exif['0x9286']).toBe(add.userComment)
      const exif = jpegSegments(after).find((s) => describes(s.data, 'Exif\0\0'))
      expect(parseTiff(exif?.data.subarray(6) ?? new Uint8Array(0))?.littleEndian).toBe(littleEndian)
    }
  })

  it('is lossless: same pixels, and the scan data is byte for byte the same', async () => {
    for (const before of [await noisyJpeg(), fixture('a1111-utf16be.jpg'), await noisyJpeg((s) => s.withIccProfile('p3'))]) {
      const after = writeImageMetadata(before, add)
      expect((await sharp(after).metadata()).format).toBe('jpeg')
      expect((await pixels(after)).equals(await pixels(before))).toBe(true)
      const sos = (b: Uint8Array) => Buffer.from(b).subarray(Buffer.from(b).indexOf(Buffer.from([0xff, 0xda])))
      expect(sos(after).equals(sos(before))).toBe(true)
    }
  })

  it('writes EXIF and XMP that libvips parses: re-encoded by sharp with keepMetadata, both are still read', async () => {
    const written = writeImageMetadata(await noisyJpeg(), add)
    const reencoded = new Uint8Array(await sharp(written).keepMetadata().jpeg().toBuffer())
    const raw = readImageMetadata(reencoded)
    expect(raw?.exif['0x9286']).toBe(add.userComment)
    expect(raw?.text['comfy-courier']).toBe(record)
  })

  it('writes an XMP packet too big for one segment as extended XMP (extended-xmp.test.ts), and refuses a file it cannot parse', async () => {
    const before = await noisyJpeg()
    const big = 'x'.repeat(70_000)
    expect(readImageMetadata(writeImageMetadata(before, { ...add, xmp: { 'comfy-courier': big } }))?.text['comfy-courier']).toBe(big)
    expect(() => writeImageMetadata(before.subarray(0, 30), add)).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
    expect(() => writeImageMetadata(Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 1, 2]), add)).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
  })
})

describe('JPEG: stripping', () => {
  it('removes EXIF, XMP and COM, keeps the ICC profile and the pixels', async () => {
    const before = await noisyJpeg((s) => s.withIccProfile('p3').withExif({ IFD0: { Make: 'Canon' } }))
    const written = Uint8Array.from([...writeImageMetadata(before, { text: {}, userComment: 'c', xmp: { a: 'b' } })])
    const withCom = Uint8Array.from([0xff, 0xd8, ...handSegment(0xfe, bytesOf('comment')), ...written.subarray(2)])
    expect(jpegSegments(withCom).some((s) => s.marker === 0xfe)).toBe(true)
    const after = stripImageMetadata(withCom)
    expect(readImageMetadata(after)).toEqual({ text: {}, exif: {}, xmp: null })
    expect(jpegSegments(after).some((s) => s.marker === 0xfe || s.marker === APP1)).toBe(false)
    expect(jpegSegments(after).some((s) => s.marker === 0xe2 && describes(s.data, 'ICC_PROFILE\0'))).toBe(true)
    expect((await sharp(after).metadata()).icc).toBeDefined()
    expect((await pixels(after)).equals(await pixels(before))).toBe(true)
  })
})
