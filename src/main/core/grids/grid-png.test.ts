import { crc32, inflateSync } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { pngChunk } from '../metadata/containers/png'
import { readImageMetadata } from '../metadata/containers/image'
import { deflateRows, newScanlines, placeRgb, pngPieces, type DeflatedBand, type Scanlines } from './grid-png'

const joinPng = (width: number, height: number, bands: DeflatedBand[]) => Buffer.concat(pngPieces(width, height, bands))

/** A picture encoded in three bands (or fewer, for a short one), deflated at once, as a grid's rows are. */
async function encodePicture(image: Scanlines): Promise<Buffer> {
  const rows = Math.ceil(image.height / Math.min(3, image.height))
  const starts = Array.from({ length: Math.ceil(image.height / rows) }, (_, i) => i * rows)
  const bands = await Promise.all(starts.map((from) => deflateRows(image, from, Math.min(image.height, from + rows))))
  return joinPng(image.width, image.height, bands)
}

/** RGB pixels drawn into a white picture and encoded. */
function encodeRgbPng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  const image = newScanlines(width, height)
  placeRgb(image, pixels, width, height, 0, 0)
  return encodePicture(image)
}

/** Pixels no filter can flatten: a PRNG's bytes, with a few repeated rows so "Up" finds zeros too. */
function noise(width: number, height: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 3)
  let state = seed
  for (let i = 0; i < pixels.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    pixels[i] = state >>> 24
  }
  if (height > 2) pixels.copyWithin(width * 3, 0, width * 3)
  return pixels
}

/** The file's chunks, each checked against its CRC. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    expect(png.readUInt32BE(at + 8 + length), `${type} CRC`).toBe(crc32(png.subarray(at + 4, at + 8 + length)))
    out.push({ type, data: png.subarray(at + 8, at + 8 + length) })
    at += 12 + length
  }
  return out
}

/** The zlib stream the file's IDAT chunks hold between them, in order. */
const idatStream = (png: Buffer) => Buffer.concat(chunks(png).filter((c) => c.type === 'IDAT').map((c) => c.data))

describe('grid PNG writer', () => {
  it.each([
    // Rows of 3, 6, 9, 12, 21 bytes and more: the filter's four-byte steps and every remainder.
    [1, 1],
    [2, 4],
    [3, 2],
    [4, 3],
    [7, 3],
    [64, 5],
    [301, 257],
  ])('writes a %i × %i picture that decodes to the same pixels, with valid CRCs and checksum', async (width, height) => {
    const pixels = noise(width, height, width * 31 + height)
    const png = await encodeRgbPng(pixels, width, height)
    // As `encodePicture` cuts it: bands of ceil(height ÷ 3) rows.
    const bands = Math.ceil(height / Math.ceil(height / Math.min(3, height)))
    // The zlib header's chunk, one per band, the checksum's.
    expect(chunks(png).map((c) => c.type)).toEqual(['IHDR', ...Array<string>(bands + 2).fill('IDAT'), 'IEND'])
    // inflateSync checks the zlib stream's Adler-32: bands joined into one stream with the right checksum.
    const rows = inflateSync(idatStream(png))
    expect(rows.length).toBe(height * (width * 3 + 1))
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([width, height, 3])
    expect(Buffer.compare(data, Buffer.from(pixels))).toBe(0)
  })

  it('draws a picture placed inside a white one, and refuses sizes and places that do not fit', async () => {
    const image = newScanlines(9, 6)
    const tile = noise(4, 3, 7)
    placeRgb(image, tile, 4, 3, 5, 3)
    const { data, info } = await sharp(await encodePicture(image)).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([9, 6])
    const pixel = (x: number, y: number) => [...data.subarray((y * 9 + x) * 3, (y * 9 + x) * 3 + 3)]
    expect(pixel(0, 0)).toEqual([255, 255, 255])
    expect(pixel(4, 3)).toEqual([255, 255, 255])
    expect(pixel(5, 3)).toEqual([...tile.subarray(0, 3)])
    expect(pixel(8, 5)).toEqual([...tile.subarray(33, 36)])
    expect(() => placeRgb(image, tile, 4, 3, 6, 3)).toThrow(/outside the 9 × 6 picture/)
    expect(() => placeRgb(image, tile, 4, 3, 0, -1)).toThrow(/outside/)
    expect(() => newScanlines(0, 1)).toThrow(/bad PNG size/)
    expect(() => newScanlines(2.5, 1)).toThrow(/bad PNG size/)
    await expect(deflateRows({ width: 2, height: 2, data: Buffer.alloc(10) }, 0, 2)).rejects.toThrow(/do not make 2 scanlines/)
  })

  it('joins bands deflated in any order, each its first row unfiltered, into one PNG of the picture', async () => {
    const [width, height] = [37, 50]
    const pixels = noise(width, height, 99)
    const image = newScanlines(width, height)
    placeRgb(image, pixels, width, height, 0, 0)
    const rows: [number, number][] = [[0, 7], [7, 20], [20, 50]]
    // The last band first, as a grid's rows can end in any order.
    const [last, first, middle] = await Promise.all([deflateRows(image, 20, 50), deflateRows(image, 0, 7), deflateRows(image, 7, 20)])
    const png = joinPng(width, height, [first, middle, last])
    const filtered = inflateSync(idatStream(png))
    expect(rows.map(([from]) => filtered[from * (width * 3 + 1)])).toEqual([0, 0, 0])
    expect(filtered[1 * (width * 3 + 1)]).toBe(2)
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect(Buffer.compare(data, Buffer.from(pixels))).toBe(0)
    expect(() => joinPng(width, height, [first, last])).toThrow(/band 1 starts at row 20, not where the one before ends/)
    expect(() => joinPng(width, height, [first, middle])).toThrow(/end at row 20, not 50/)
    await expect(deflateRows(image, 10, 10)).rejects.toThrow(/not in a picture 50 rows high/)
  })

  it('puts text chunks after the header and before the image data, and writes the file without copying a band', async () => {
    const [width, height] = [20, 12]
    const image = newScanlines(width, height)
    placeRgb(image, noise(width, height, 5), width, height, 0, 0)
    const bands = await Promise.all([deflateRows(image, 0, 6), deflateRows(image, 6, 12)])
    const text = [pngChunk('tEXt', Buffer.from('parameters\0a lighthouse', 'latin1'))]
    const pieces = pngPieces(width, height, bands, text)
    // Each band's body is a piece of the file itself.
    expect(bands.every((band) => pieces.includes(band.body))).toBe(true)
    const png = Buffer.concat(pieces)
    expect(chunks(png).map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IDAT', 'IDAT', 'IDAT', 'IEND'])
    expect(readImageMetadata(png)?.text.parameters).toBe('a lighthouse')
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect(data.length).toBe(width * height * 3)
  })
})
