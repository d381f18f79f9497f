import sharp from 'sharp'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { largePng, largePngLayout } from './large-png'

async function collect(file: ReturnType<typeof largePng>): Promise<{ bytes: Buffer; pieces: number; largest: number }> {
  const parts: Buffer[] = []
  for await (const piece of file.open(new AbortController().signal)) parts.push(Buffer.from(piece))
  return { bytes: Buffer.concat(parts), pieces: parts.length, largest: Math.max(...parts.map((p) => p.length)) }
}

describe('largePng', () => {
  it.each([1024, 4_321, 100_000, 3_000_001])('is exactly %i bytes and a valid PNG', async (target) => {
    const file = largePng(target, 'poster|7')
    expect(file.size).toBe(target)
    const { bytes } = await collect(file)
    expect(bytes.length).toBe(target)
    // pngjs checks every CRC and zlib's Adler-32; sharp (libvips) decodes it independently.
    const png = PNG.sync.read(bytes)
    expect([png.width, png.height]).toEqual([file.width, file.height])
    const meta = await sharp(bytes).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', file.width, file.height])
  })

  it('streams in bounded pieces and draws a picture, not a blank', async () => {
    const file = largePng(6 * 1024 * 1024, 'poster|1')
    const { bytes, pieces, largest } = await collect(file)
    expect(bytes.length).toBe(6 * 1024 * 1024)
    expect(pieces).toBeGreaterThan(4)
    expect(largest).toBeLessThanOrEqual(1024 * 1024 + 12)
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true })
    expect(new Set(data.subarray(0, 30_000)).size).toBeGreaterThan(50)
  })

  it('picks a wide canvas for large sizes, capped at 7680 px', () => {
    const layout = largePngLayout(64 * 1024 ** 2)
    expect(layout.size).toBe(64 * 1024 ** 2)
    expect(layout.width).toBeGreaterThan(layout.height)
    expect(largePngLayout(2 * 1024 ** 3).width).toBe(7680)
  })

  it('stops when its signal is aborted', async () => {
    const stop = new AbortController()
    let pieces = 0
    for await (const _ of largePng(8 * 1024 * 1024, 'x').open(stop.signal)) {
      if (++pieces === 2) stop.abort()
    }
    expect(pieces).toBeLessThan(5)
  })
})
