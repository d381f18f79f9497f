import { describe, expect, it } from 'vitest'
import { be16, be32, bytesOf } from '../fixtures/fixtures'
import { buildTiff, decodeUserComment, encodeUserComment, exifText, parseTiff, withUserComment, type Tiff } from './exif'

/**
 * A big-endian TIFF written out byte by byte (not by our writer): IFD0 holds only the Exif IFD pointer, the
 * Exif IFD holds UserComment = "UNICODE\0" + UTF-16BE "Hi é", exactly as piexif lays it out for A1111.
 */
const HAND_BUILT_MM = Uint8Array.from([
  0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // "MM", 42, IFD0 at 8
  0x00, 0x01, // IFD0: one entry
  0x87, 0x69, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a, // ExifIFD, LONG, 1, at 26
  0x00, 0x00, 0x00, 0x00, // no IFD1
  0x00, 0x01, // Exif IFD: one entry
  0x92, 0x86, 0x00, 0x07, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x2c, // UserComment, UNDEFINED, 16, at 44
  0x00, 0x00, 0x00, 0x00,
  0x55, 0x4e, 0x49, 0x43, 0x4f, 0x44, 0x45, 0x00, // "UNICODE\0"
  0x00, 0x48, 0x00, 0x69, 0x00, 0x20, 0x00, 0xe9, // "Hi é", UTF-16BE
])

/** A TIFF (either order) with ASCII entries in IFD0 and one UserComment value in the Exif IFD, laid out by hand. */
function handTiff(order: 'II' | 'MM', ascii: [number, string][], comment: number[]): Uint8Array {
  const le = order === 'II'
  const u16 = (n: number) => (le ? be16(n).reverse() : be16(n))
  const u32 = (n: number) => (le ? be32(n).reverse() : be32(n))
  const n0 = ascii.length + 1
  const ifd0Size = 2 + n0 * 12 + 4
  const exifAt = 8 + ifd0Size
  const dataAt = exifAt + 2 + 12 + 4
  const data: number[] = []
  const entries: number[] = []
  for (const [tag, text] of ascii) {
    const value = [...bytesOf(text, 'utf8'), 0]
    entries.push(...u16(tag), ...u16(2), ...u32(value.length))
    if (value.length <= 4) entries.push(...value, ...new Array(4 - value.length).fill(0))
    else {
      entries.push(...u32(dataAt + data.length))
      data.push(...value)
      if (data.length % 2) data.push(0)
    }
  }
  entries.push(...u16(0x8769), ...u16(4), ...u32(1), ...u32(exifAt))
  const commentAt = dataAt
  const exifIfd = [...u16(1), ...u16(0x9286), ...u16(7), ...u32(comment.length), ...u32(commentAt + data.length), 0, 0, 0, 0]
  return Uint8Array.from([...bytesOf(order), ...u16(42), ...u32(8), ...u16(n0), ...entries, 0, 0, 0, 0, ...exifIfd, ...data, ...comment])
}

const utf16be = (text: string) => [...Buffer.from(text, 'utf16le').swap16()]
const utf16le = (text: string) => [...Buffer.from(text, 'utf16le')]
const UNICODE = bytesOf('UNICODE\0')

describe('parseTiff and exifText', () => {
  it('reads a hand-built big-endian UserComment in UTF-16BE', () => {
    const tiff = parseTiff(HAND_BUILT_MM)
    expect(tiff?.littleEndian).toBe(false)
    expect(exifText(tiff as Tiff)).toEqual({ '0x9286': 'Hi é' })
  })

  it('reads ASCII tags of IFD0 in both byte orders, trailing NULs trimmed, and ComfyUI’s tags counting down', () => {
    for (const order of ['II', 'MM'] as const) {
      const bytes = handTiff(order, [[0x0110, 'prompt:{"3": {}}'], [0x010f, 'workflow:{"nodes": []}'], [0x010e, 'x'], [0x010d, 'extra:{"a": "ü"}\0\0']], [...UNICODE, ...utf16be('hi')])
      const text = exifText(parseTiff(bytes) as Tiff)
      expect(text).toEqual({ '0x0110': 'prompt:{"3": {}}', '0x010f': 'workflow:{"nodes": []}', '0x010e': 'x', '0x010d': 'extra:{"a": "ü"}', '0x9286': 'hi' })
    }
  })

  it('reads UTF-16 UserComment in the byte order it was written, whatever the TIFF’s order', () => {
    const text = 'Steps: 20, Seed: 42 — é'
    for (const order of ['II', 'MM'] as const) {
      for (const body of [utf16be(text), utf16le(text)]) {
        expect(exifText(parseTiff(handTiff(order, [], [...UNICODE, ...body])) as Tiff)['0x9286']).toBe(text)
      }
    }
  })

  it('falls back to the TIFF byte order for UTF-16 with no zero bytes to tell by, and honours a BOM', () => {
    const cjk = '猫犬'
    expect(decodeUserComment(Uint8Array.from([...UNICODE, ...utf16le(cjk)]), true)).toBe(cjk)
    expect(decodeUserComment(Uint8Array.from([...UNICODE, ...utf16be(cjk)]), false)).toBe(cjk)
    expect(decodeUserComment(Uint8Array.from([...UNICODE, 0xfe, 0xff, ...utf16be(cjk)]), true)).toBe(cjk)
    expect(decodeUserComment(Uint8Array.from([...UNICODE, 0xff, 0xfe, ...utf16le(cjk)]), false)).toBe(cjk)
  })

  it('reads ASCII and undefined prefixes as UTF-8, and a value with no prefix whole', () => {
    expect(decodeUserComment(Uint8Array.from([...bytesOf('ASCII\0\0\0'), ...bytesOf('plain text\0')]), false)).toBe('plain text')
    expect(decodeUserComment(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, ...bytesOf('ünï', 'utf8')]), false)).toBe('ünï')
    expect(decodeUserComment(Uint8Array.from(bytesOf('Steps: 20, no prefix', 'utf8')), false)).toBe('Steps: 20, no prefix')
    expect(decodeUserComment(Uint8Array.from(bytesOf('short')), false)).toBe('short')
  })

  it('skips entries whose value runs past the end, and survives IFD loops and garbage', () => {
    const longCount = new Uint8Array(HAND_BUILT_MM)
    longCount[33] = 0xff // UserComment count: far past the end
    expect(exifText(parseTiff(longCount) as Tiff)).toEqual({})
    const farOffset = new Uint8Array(HAND_BUILT_MM)
    farOffset[37] = 0xff // UserComment offset: far past the end
    expect(exifText(parseTiff(farOffset) as Tiff)).toEqual({})
    const loop = new Uint8Array(HAND_BUILT_MM)
    loop[21] = 0x08 // the Exif IFD pointer points back at IFD0
    expect(() => exifText(parseTiff(loop) as Tiff)).not.toThrow()
    expect(parseTiff(Uint8Array.from([0x4d, 0x4d, 0, 42]))).toBeNull()
    expect(parseTiff(Uint8Array.from(bytesOf('not a tiff at all')))).toBeNull()
    for (let n = 0; n < HAND_BUILT_MM.length; n++) expect(() => parseTiff(HAND_BUILT_MM.subarray(0, n))).not.toThrow()
  })
})

describe('buildTiff', () => {
  it('sets UserComment in a TIFF and keeps every other entry, in both byte orders', () => {
    for (const order of ['II', 'MM'] as const) {
      const source = handTiff(order, [[0x010f, 'Canon'], [0x0110, 'EOS 5D Mark IV, a long model name'], [0x0131, 'GIMP']], [...bytesOf('ASCII\0\0\0'), ...bytesOf('old')])
      const rebuilt = buildTiff(withUserComment(parseTiff(source) as Tiff, 'new 猫 comment'))
      const tiff = parseTiff(rebuilt) as Tiff
      expect(tiff.littleEndian).toBe(order === 'II')
      expect(exifText(tiff)).toEqual({ '0x010f': 'Canon', '0x0110': 'EOS 5D Mark IV, a long model name', '0x0131': 'GIMP', '0x9286': 'new 猫 comment' })
      // UNICODE in the TIFF's own byte order
      const comment = tiff.ifd0.find((e) => e.tag === 0x8769)?.sub?.find((e) => e.tag === 0x9286)
      expect([...(comment?.value ?? [])]).toEqual([...UNICODE, ...(order === 'II' ? utf16le('new 猫 comment') : utf16be('new 猫 comment'))])
    }
  })

  it('keeps non-text values byte for byte and drops the MakerNote', () => {
    const tiff: Tiff = {
      littleEndian: true,
      ifd0: [
        { tag: 0x011a, type: 5, count: 1, value: Uint8Array.from([72, 0, 0, 0, 1, 0, 0, 0]) }, // XResolution 72/1
        { tag: 0x0112, type: 3, count: 1, value: Uint8Array.from([6, 0]) }, // Orientation
        { tag: 0x8769, type: 4, count: 1, value: new Uint8Array(4), sub: [{ tag: 0x927c, type: 7, count: 5, value: Uint8Array.from([1, 2, 3, 4, 5]) }, { tag: 0x9003, type: 2, count: 20, value: Uint8Array.from(bytesOf('2024:01:02 03:04:05\0')) }] },
      ],
    }
    const again = parseTiff(buildTiff(tiff)) as Tiff
    expect(again.ifd0.map((e) => [e.tag, [...e.value]].toString())).toContain([0x011a, [72, 0, 0, 0, 1, 0, 0, 0]].toString())
    expect(again.ifd0.map((e) => [e.tag, [...e.value]].toString())).toContain([0x0112, [6, 0]].toString())
    const sub = again.ifd0.find((e) => e.tag === 0x8769)?.sub ?? []
    expect(sub.map((e) => e.tag)).toEqual([0x9003])
    expect(exifText(again)['0x9003']).toBe('2024:01:02 03:04:05')
  })

  it('writes UNICODE UserComment in the byte order of the TIFF', () => {
    expect([...encodeUserComment('Aé', false)]).toEqual([...UNICODE, 0x00, 0x41, 0x00, 0xe9])
    expect([...encodeUserComment('Aé', true)]).toEqual([...UNICODE, 0x41, 0x00, 0xe9, 0x00])
  })
})
