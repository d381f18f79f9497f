import { promisify } from 'node:util'
import { constants, crc32, deflateRaw } from 'node:zlib'
import { PNG_SIGNATURE, pngChunk } from '../metadata/containers/png'

/**
 * The grid image's PNG writer. sharp's filters no rows and deflates on one thread: a 20×20 grid (31 MP)
 * took 1.5 s and 43 MB. Here every row takes the "Up" filter (cells and labels repeat down the rows, so
 * most bytes become zeros), zlib's run-length strategy deflates them, and the rows are deflated in bands
 * at once on libuv's thread pool: the same grid in about a third of the time, at less than half the size.
 * The picture is lossless either way; any PNG reader decodes it.
 */

const deflateBand = promisify(deflateRaw)

/** Bands deflated at once: libuv's pool has four threads, and a band needs a megabyte or so to be worth it. */
const BANDS = 4
/** Up: each byte minus the byte above it (PNG spec §9.2, filter type 2). */
const FILTER_UP = 2

/** Rows `from`..`to` of the RGB image, each led by its filter byte, ready to deflate. */
function filterRows(pixels: Uint8Array, stride: number, from: number, to: number): Buffer {
  const band = Buffer.allocUnsafe((to - from) * (stride + 1))
  // A plain Uint8Array view: its stores wrap modulo 256 by themselves, and V8 runs this loop twice as fast
  // as it does through the Buffer.
  const out = new Uint8Array(band.buffer, band.byteOffset, band.length)
  for (let y = from; y < to; y++) {
    const src = y * stride
    const dst = (y - from) * (stride + 1) + 1
    out[dst - 1] = FILTER_UP
    if (y === 0) {
      out.set(pixels.subarray(src, src + stride), dst)
      continue
    }
    const above = src - stride
    for (let x = 0; x < stride; x++) out[dst + x] = pixels[src + x]! - pixels[above + x]!
  }
  return band
}

/** Adler-32 of `parts` as one stream (RFC 1950 §8.2): the zlib wrapper's checksum of the filtered rows. */
function adler32(parts: Uint8Array[]): number {
  let a = 1
  let b = 0
  for (const part of parts) {
    // 5552 is the most bytes that can be summed before b must be reduced to stay within 32 bits.
    for (let start = 0; start < part.length; start += 5552) {
      const end = Math.min(part.length, start + 5552)
      for (let i = start; i < end; i++) {
        a += part[i]!
        b += a
      }
      a %= 65521
      b %= 65521
    }
  }
  return ((b << 16) | a) >>> 0
}

/** Encodes 8-bit RGB pixels (row-major, no padding) as a PNG. */
export async function encodeRgbPng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`bad PNG size ${width} × ${height}`)
  const stride = width * 3
  if (pixels.length !== stride * height) throw new RangeError(`${pixels.length} bytes of pixels do not make ${width} × ${height} RGB`)

  const bands = Math.min(BANDS, height)
  const rows = Math.ceil(height / bands)
  const filtered: Buffer[] = []
  const deflated: Promise<Buffer>[] = []
  for (let from = 0; from < height; from += rows) {
    const to = Math.min(height, from + rows)
    const band = filterRows(pixels, stride, from, to)
    filtered.push(band)
    // Every band but the last ends on a byte boundary without closing the stream (a sync flush), so the
    // bands joined are one deflate stream; each starts with an empty window, which costs a few bytes.
    const last = to === height
    deflated.push(deflateBand(band, { level: 1, strategy: constants.Z_RLE, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH }))
  }
  const checksum = adler32(filtered)
  const bodies = await Promise.all(deflated)

  // One IDAT written straight into the file's buffer: 20 MB copied once, not through a chunk and a concat
  // each (the largest grid, 100 MP, deflates far below the 2 GB a chunk can hold).
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bits per sample
  header[9] = 2 // truecolour
  const head = Buffer.concat([Buffer.from(PNG_SIGNATURE), pngChunk('IHDR', header)])
  const tail = pngChunk('IEND', new Uint8Array(0))
  const streamLength = 2 + bodies.reduce((sum, body) => sum + body.length, 0) + 4
  const png = Buffer.allocUnsafe(head.length + 12 + streamLength + tail.length)
  png.set(head, 0)
  let at = head.length
  const idatStart = at
  at = png.writeUInt32BE(streamLength, at)
  at += png.write('IDAT', at, 'latin1')
  // 0x78 0x01: deflate with a 32 KB window, no preset dictionary, and the header check bits (RFC 1950 §2.2).
  png[at++] = 0x78
  png[at++] = 0x01
  for (const body of bodies) {
    png.set(body, at)
    at += body.length
  }
  at = png.writeUInt32BE(checksum, at)
  at = png.writeUInt32BE(crc32(png.subarray(idatStart + 4, at)), at)
  png.set(tail, at)
  return png
}
