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

  // One tile, repeated across each row: the row buffer is the only per-row allocation.
  const tile = renderPicture({ key, width: TILE, height: TILE, detail: 30 }).pixels
  const rowBytes = 1 + width * 3
  const row = Buffer.alloc(rowBytes)

  const out = Buffer.allocUnsafe(IDAT_DATA)
  let fill = 0
  const flush = (): Buffer => {
    const piece = chunk('IDAT', out.subarray(0, fill))
    fill = 0
    return piece
  }
  // Copies `bytes` into the IDAT buffer; returns the finished chunks to yield.
  const push = (bytes: Uint8Array): Buffer[] => {
    const done: Buffer[] = []
    let at = 0
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, IDAT_DATA - fill)
      out.set(bytes.subarray(at, at + n), fill)
      fill += n
      at += n
      if (fill === IDAT_DATA) done.push(flush())
    }
    return done
  }

  const adler = new Adler32()
  const rowParts = new Map<number, { s: number; t: number }>()
  const raw = height * rowBytes
  let rawLeft = raw
  let blockLeft = 0
  const pending: Buffer[] = push(Buffer.from([0x78, 0x01]))
  for (let y = 0; y < height; y++) {
    const src = (y % TILE) * TILE * 3
    row[0] = 0 // filter None
    for (let x = 0; x < width; x += TILE) {
      const n = Math.min(TILE, width - x) * 3
      row.set(tile.subarray(src, src + n), 1 + x * 3)
    }
    let parts = rowParts.get(y % TILE)
    if (!parts) rowParts.set(y % TILE, (parts = adlerParts(row)))
    adler.append(rowBytes, parts)
    let at = 0
    while (at < rowBytes) {
      if (blockLeft === 0) {
        blockLeft = Math.min(STORED_BLOCK, rawLeft)
        const last = blockLeft === rawLeft ? 1 : 0
        const header = Buffer.alloc(5)
        header[0] = last
        header.writeUInt16LE(blockLeft, 1)
        header.writeUInt16LE(~blockLeft & 0xffff, 3)
        pending.push(...push(header))
      }
      const n = Math.min(blockLeft, rowBytes - at)
      pending.push(...push(row.subarray(at, at + n)))
      at += n
      blockLeft -= n
      rawLeft -= n
    }
    if (pending.length > 0) {
      if (signal.aborted) return
      yield* pending.splice(0)
    }
  }
  const tail = Buffer.alloc(4)
  tail.writeUInt32BE(adler.digest(), 0)
  pending.push(...push(tail))
  if (fill > 0) pending.push(flush())
  pending.push(chunk('IEND', new Uint8Array(0)))
  yield* pending
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
