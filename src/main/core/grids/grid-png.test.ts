import { crc32, inflateSync } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { encodeRgbPng } from './grid-png'

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

describe('encodeRgbPng', () => {
  it.each([
    [1, 1],
    [7, 3],
    [64, 5],
    [301, 257],
  ])('writes a %i × %i picture that decodes to the same pixels, with valid CRCs and checksum', async (width, height) => {
    const pixels = noise(width, height, width * 31 + height)
    const png = await encodeRgbPng(pixels, width, height)
    const found = chunks(png)
    expect(found.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND'])
    // inflateSync checks the zlib stream's Adler-32: bands joined into one stream with the right checksum.
    const rows = inflateSync(found[1]!.data)
    expect(rows.length).toBe(height * (width * 3 + 1))
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([width, height, 3])
    expect(Buffer.compare(data, Buffer.from(pixels))).toBe(0)
  })

  it('refuses pixels that do not match the size', async () => {
    await expect(encodeRgbPng(new Uint8Array(10), 2, 2)).rejects.toThrow(/do not make 2 × 2 RGB/)
    await expect(encodeRgbPng(new Uint8Array(0), 0, 1)).rejects.toThrow(/bad PNG size/)
  })
})
