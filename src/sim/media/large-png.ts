import { crc32 } from 'node:zlib'
import type { LazyMediaFile } from './media-store'
import { PNG_SIGNATURE } from './png'
import { renderPicture } from './procedural-image'

/**
 * A valid PNG of an exact byte size, written as a stream in constant memory: for download benchmarks
 * ("Poster 8K"). The pixels are a procedural tile repeated over a wide canvas; the zlib stream uses stored
 * (uncompressed) deflate blocks, so every length is known before a byte is written and the CRCs and the
 * Adler-32 are computed on the way. A `tEXt` chunk pads the file to the exact size asked for.
 */

const TILE = 256
const MAX_WIDTH = 7680
/** Zlib bytes per IDAT chunk; each chunk is held once in memory while it is written. */
const IDAT_DATA = 1024 * 1024
const STORED_BLOCK = 65_535
const PAD_KEYWORD = 'Comment\0'
const PAD_TEXT = 'Comfy Courier simulator: large output for download benchmarks.'
/** Chunk length + type + CRC. */
const CHUNK_OVERHEAD = 12
const MIN_PAD = CHUNK_OVERHEAD + PAD_KEYWORD.length

export interface LargePngLayout {
  width: number
  height: number
  /** Bytes of the zlib stream (header, stored blocks, Adler-32). */
  zlibBytes: number
  /** Data bytes of the padding `tEXt` chunk. */
  padData: number
  size: number
}

function zlibBytes(width: number, height: number): number {
  const raw = height * (1 + width * 3)
  return 2 + raw + 5 * Math.ceil(raw / STORED_BLOCK) + 4
}

function fileBytes(width: number, height: number): number {
  const z = zlibBytes(width, height)
  return PNG_SIGNATURE.length + (CHUNK_OVERHEAD + 13) + z + CHUNK_OVERHEAD * Math.ceil(z / IDAT_DATA) + CHUNK_OVERHEAD
}

/** Picks a 16:9-ish canvas that fills `targetBytes` and the padding that makes it exact. */
export function largePngLayout(targetBytes: number): LargePngLayout {
  const width = Math.min(MAX_WIDTH, Math.max(16, Math.floor(Math.sqrt(((targetBytes / 3) * 16) / 9))))
  let height = Math.max(1, Math.floor(targetBytes / (width * 3 + 1)))
  while (height > 1 && fileBytes(width, height) + MIN_PAD > targetBytes) height--
  const size = Math.max(targetBytes, fileBytes(width, height) + MIN_PAD)
  const padData = size - fileBytes(width, height) - CHUNK_OVERHEAD
  return { width, height, zlibBytes: zlibBytes(width, height), padData, size }
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(CHUNK_OVERHEAD + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

const ADLER_BASE = 65_521

/** A byte string's Adler-32 ingredients: S = Σ x_i and T = Σ (n − i + 1)·x_i, both mod 65521. */
function adlerParts(bytes: Uint8Array): { s: number; t: number } {
  let s = 0
  let t = 0
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(bytes.length, start + 5552)
    for (let i = start; i < end; i++) {
      s += bytes[i]!
      t += s
    }
    s %= ADLER_BASE
    t %= ADLER_BASE
  }
  return { s, t }
}

/**
 * Adler-32 (RFC 1950 §9) fed whole strings whose parts are known: appending n bytes with parts (S, T) to
 * the state (a, b) gives a + S and b + n·a + T. Rows repeat every tile height, so each distinct row is
 * summed once and the 64 MiB stream costs one multiplication per row instead of a loop over every byte.
 */
class Adler32 {
  private a = 1
  private b = 0
  append(length: number, parts: { s: number; t: number }): void {
    this.b = (this.b + (length % ADLER_BASE) * this.a + parts.t) % ADLER_BASE
    this.a = (this.a + parts.s) % ADLER_BASE
  }
  digest(): number {
    return ((this.b << 16) | this.a) >>> 0
  }
}

/**
 * IDAT chunks built in place: the zlib bytes go straight into the chunk's data area and the length, type
 * and CRC are written around them, so each byte is copied once. The chunk buffers are reused in turn (a
 * consumer is done with a piece when it asks for the next, see `LazyMediaFile`): a fresh megabyte per
 * chunk made the simulator spend a core on page faults at 500 MB/s, which a benchmark's client then lacked.
 */
class IdatWriter {
  // Three: the one the consumer holds, one finished and waiting to be yielded, the one being filled.
  private readonly ring = [0, 1, 2].map(() => Buffer.allocUnsafe(CHUNK_OVERHEAD + IDAT_DATA))
  private turn = 0
  private chunk = this.ring[0]!
  private fill = 0
  /** Finished chunks, ready to be sent. */
  readonly done: Buffer[] = []

  write(bytes: Uint8Array): void {
    let at = 0
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, IDAT_DATA - this.fill)
      this.chunk.set(n === bytes.length ? bytes : bytes.subarray(at, at + n), 8 + this.fill)
      this.fill += n
      at += n
      if (this.fill === IDAT_DATA) this.finish()
    }
  }

  /** Closes the chunk being filled, if it holds anything. */
  finish(): void {
    if (this.fill === 0) return
    const out = this.chunk.subarray(0, CHUNK_OVERHEAD + this.fill)
    out.writeUInt32BE(this.fill, 0)
    out.write('IDAT', 4, 'latin1')
    out.writeUInt32BE(crc32(out.subarray(4, 8 + this.fill)), 8 + this.fill)
    this.done.push(out)
    this.turn = (this.turn + 1) % this.ring.length
    this.chunk = this.ring[this.turn]!
    this.fill = 0
  }
}

/** The canvas's distinct rows (it repeats every tile height), each with its filter byte and Adler-32 parts. */
function tileRows(tile: Uint8Array, width: number): { bytes: Buffer; parts: { s: number; t: number } }[] {
  const rows = []
  for (let y = 0; y < TILE; y++) {
    const row = Buffer.alloc(1 + width * 3) // byte 0: filter None
    const src = y * TILE * 3
    for (let x = 0; x < width; x += TILE) {
      const n = Math.min(TILE, width - x) * 3
      row.set(tile.subarray(src, src + n), 1 + x * 3)
    }
    rows.push({ bytes: row, parts: adlerParts(row) })
  }
  return rows
}

function storedBlockHeader(length: number, last: boolean): Buffer {
  const header = Buffer.alloc(5)
  header[0] = last ? 1 : 0
  header.writeUInt16LE(length, 1)
  header.writeUInt16LE(~length & 0xffff, 3)
  return header
}

/** Yields the file in pieces of about `IDAT_DATA` bytes. */
async function* generate(layout: LargePngLayout, key: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const { width, height } = layout
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit truecolour, deflate, filter 0, no interlace
  const pad = Buffer.alloc(layout.padData, 0x20)
  pad.write(PAD_KEYWORD, 0, 'latin1')
  pad.write(PAD_TEXT.slice(0, Math.max(0, layout.padData - PAD_KEYWORD.length)), PAD_KEYWORD.length, 'latin1')
  yield Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('tEXt', pad)])

  const rows = tileRows(renderPicture({ key, width: TILE, height: TILE, detail: 30 }).pixels, width)
  const rowBytes = 1 + width * 3
  const idat = new IdatWriter()
  const adler = new Adler32()
  let rawLeft = height * rowBytes
  let blockLeft = 0
  idat.write(Buffer.from([0x78, 0x01]))
  for (let y = 0; y < height; y++) {
    const row = rows[y % TILE]!
    adler.append(rowBytes, row.parts)
    let at = 0
    while (at < rowBytes) {
      if (blockLeft === 0) {
        blockLeft = Math.min(STORED_BLOCK, rawLeft)
        idat.write(storedBlockHeader(blockLeft, blockLeft === rawLeft))
      }
      const n = Math.min(blockLeft, rowBytes - at)
      idat.write(at === 0 && n === rowBytes ? row.bytes : row.bytes.subarray(at, at + n))
      at += n
      blockLeft -= n
      rawLeft -= n
    }
    if (idat.done.length > 0) {
      if (signal.aborted) return
      yield* idat.done.splice(0)
    }
  }
  const tail = Buffer.alloc(4)
  tail.writeUInt32BE(adler.digest(), 0)
  idat.write(tail)
  idat.finish()
  yield* idat.done.splice(0)
  yield chunk('IEND', new Uint8Array(0))
}

/** A lazily generated PNG of exactly `targetBytes` (at least a few hundred bytes), drawn from `key`. */
export function largePng(targetBytes: number, key: string): LazyMediaFile & { width: number; height: number } {
  const layout = largePngLayout(targetBytes)
  return {
    contentType: 'image/png',
    size: layout.size,
    width: layout.width,
    height: layout.height,
    open: (signal) => generate(layout, key, signal),
  }
}
