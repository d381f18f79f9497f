import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PNG_SIGNATURE, encodePng } from './png'
import { renderPicture, renderPng } from './procedural-image'

// An independent CRC-32 (table method) so the test does not trust the encoder's own checksum source.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

interface Chunk {
  type: string
  data: Buffer
}

function readChunks(png: Buffer): Chunk[] {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
  const chunks: Chunk[] = []
  let at = 8
  while (at < png.length) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const data = png.subarray(at + 8, at + 8 + length)
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(crc(png.subarray(at + 4, at + 8 + length)))
    chunks.push({ type, data })
    at += 12 + length
  }
  return chunks
}

/** Undoes the filters (only None and Sub are expected) to get the pixels back. */
function unfilter(raw: Buffer, width: number, height: number): Uint8Array {
  const stride = width * 3
  const out = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    expect([0, 1]).toContain(filter)
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0
      const left = filter === 1 && x >= 3 ? (out[y * stride + x - 3] ?? 0) : 0
      out[y * stride + x] = (value + left) & 0xff
    }
  }
  return out
}

describe('encodePng', () => {
  it('writes a valid PNG whose pixels decode back exactly', () => {
    const picture = renderPicture({ key: 'a lighthouse at dusk|42|25' })
    const png = encodePng(picture)
    const chunks = readChunks(png)
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND'])

    const ihdr = chunks[0]!.data
    expect(ihdr.readUInt32BE(0)).toBe(512)
    expect(ihdr.readUInt32BE(4)).toBe(512)
    expect([...ihdr.subarray(8)]).toEqual([8, 2, 0, 0, 0])

    const raw = inflateSync(chunks[1]!.data)
    expect(raw.length).toBe((512 * 3 + 1) * 512)
    expect(Buffer.from(unfilter(raw, 512, 512)).equals(Buffer.from(picture.pixels))).toBe(true)
  })

  it('honours other sizes', () => {
    const png = renderPng({ key: 'small', width: 64, height: 32 })
    const [ihdr, idat] = readChunks(png)
    expect(ihdr!.data.readUInt32BE(0)).toBe(64)
    expect(ihdr!.data.readUInt32BE(4)).toBe(32)
    expect(inflateSync(idat!.data).length).toBe((64 * 3 + 1) * 32)
  })

  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(5) })).toThrow(RangeError)
  })
})

describe('renderPng', () => {
  it('is deterministic for a key and differs between seeds', () => {
    const a = renderPng({ key: 'a fox|1|25' })
    const again = renderPng({ key: 'a fox|1|25' })
    const b = renderPng({ key: 'a fox|2|25' })
    expect(a.equals(again)).toBe(true)
    expect(a.equals(b)).toBe(false)
  })

  it('makes visibly different pictures, not just different bytes', () => {
    const a = renderPicture({ key: 'a fox|1|25', width: 64, height: 64 }).pixels
    const b = renderPicture({ key: 'a fox|2|25', width: 64, height: 64 }).pixels
    let diff = 0
    for (let i = 0; i < a.length; i++) diff += Math.abs((a[i] ?? 0) - (b[i] ?? 0))
    // Mean absolute difference per channel; 10 grey levels is clearly visible.
    expect(diff / a.length).toBeGreaterThan(10)
  })
})
