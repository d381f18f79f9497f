import type { MetadataToWrite, RawMetadata } from '../raw'
import { asciiAt, concat, latin1, putAllFirst, u16le, u32le, utf8 } from './bytes'
import { buildTiff, emptyTiff, exifText, parseTiff, withUserComment, withoutExifPrefix } from './exif'
import { mergeXmpPacket } from './xmp'
import { MetadataWriteError } from './write-error'

/**
 * WebP: a RIFF file (`RIFF`, size, `WEBP`) of chunks: FourCC, 4-byte little-endian size, data, a pad byte
 * to an even length. A simple file is one `VP8 ` (lossy) or `VP8L` (lossless) chunk; metadata needs the
 * extended format, where a `VP8X` chunk comes first with flags saying which optional chunks follow
 * (https://developers.google.com/speed/webp/docs/riff_container). Spec order: VP8X, ICCP, ANIM, the image
 * data, EXIF, XMP, then unknown chunks.
 */

const FLAG_ICC = 0x20
const FLAG_ALPHA = 0x10
const FLAG_EXIF = 0x08
const FLAG_XMP = 0x04
const IMAGE_DATA = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANMF'])
const MAX_CHUNKS = 100_000

interface Chunk {
  type: string
  data: Uint8Array
}

export const isWebp = (b: Uint8Array) => asciiAt(b, 0, 'RIFF') && asciiAt(b, 8, 'WEBP')

/**
 * The chunks in order. `strict` (for writing) throws on anything but a whole, well-formed file; otherwise
 * the walk stops at the first chunk running past the end. Bytes after the RIFF's declared size are not
 * part of the file and are not kept.
 */
function chunks(b: Uint8Array, strict: boolean): Chunk[] {
  const fail = (why: string) => {
    if (strict) throw new MetadataWriteError(`not a WebP we can write to: ${why}`)
  }
  const out: Chunk[] = []
  if (!isWebp(b)) {
    fail('no RIFF/WEBP header')
    return out
  }
  const declaredEnd = 8 + u32le(b, 4)
  if (declaredEnd > b.length) fail('truncated')
  const end = Math.min(declaredEnd, b.length)
  let at = 12
  while (at + 8 <= end && out.length < MAX_CHUNKS) {
    const size = u32le(b, at + 4)
    if (at + 8 + size > end) {
      fail('a chunk runs past the end of the file')
      break
    }
    out.push({ type: latin1(b.subarray(at, at + 4)), data: b.subarray(at + 8, at + 8 + size) })
    at += 8 + size + (size % 2)
  }
  if (strict && !['VP8 ', 'VP8L', 'VP8X'].includes(out[0]?.type ?? '')) fail('no VP8, VP8L or VP8X chunk first')
  return out
}

/** Reads a WebP's EXIF (with or without an `Exif\0\0` prefix) and XMP into `raw`. Never throws. */
export function readWebp(b: Uint8Array, raw: RawMetadata): void {
  for (const { type, data } of chunks(b, false)) {
    if (type === 'EXIF') {
      const tiff = parseTiff(withoutExifPrefix(data))
      if (tiff) putAllFirst(raw.exif, exifText(tiff))
    } else if (type === 'XMP ' && raw.xmp === null) raw.xmp = utf8(data)
  }
}

function serialize(all: Chunk[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const { type, data } of all) {
    const header = Buffer.alloc(8)
    header.write(type, 0, 'latin1')
    header.writeUInt32LE(data.length, 4)
    parts.push(header, data)
    if (data.length % 2) parts.push(Uint8Array.of(0))
  }
  const body = concat(parts)
  const head = Buffer.alloc(12)
  head.write('RIFF', 0, 'latin1')
  head.writeUInt32LE(4 + body.length, 4)
  head.write('WEBP', 8, 'latin1')
  return concat([head, body])
}

/** The canvas size (and whether it has alpha) from a simple file's VP8 or VP8L bitstream header. */
function canvasOf(image: Chunk): { width: number; height: number; alpha: boolean } {
  const d = image.data
  if (image.type === 'VP8 ') {
    // A 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height (2 bits of scale each).
    if (d.length < 10 || d[3] !== 0x9d || d[4] !== 0x01 || d[5] !== 0x2a) throw new MetadataWriteError('a VP8 chunk without a key frame header')
    return { width: u16le(d, 6) & 0x3fff, height: u16le(d, 8) & 0x3fff, alpha: false }
  }
  // VP8L: signature 0x2f, then width-1 and height-1 in 14 bits each, then the alpha-is-used bit.
  if (d.length < 5 || d[0] !== 0x2f) throw new MetadataWriteError('a VP8L chunk without its signature')
  const bits = u32le(d, 1)
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 }
}

function vp8x(flags: number, width: number, height: number): Chunk {
  const data = new Uint8Array(10)
  data[0] = flags
  data.set([(width - 1) & 0xff, ((width - 1) >> 8) & 0xff, ((width - 1) >> 16) & 0xff], 4)
  data.set([(height - 1) & 0xff, ((height - 1) >> 8) & 0xff, ((height - 1) >> 16) & 0xff], 7)
  return { type: 'VP8X', data }
}

/** The VP8X flags made to say which of ICC, EXIF and XMP chunks are really there. */
function withFlags(all: Chunk[]): Chunk[] {
  return all.map((c) => {
    if (c.type !== 'VP8X' || c.data.length < 1) return c
    const data = new Uint8Array(c.data)
    const has = (type: string) => all.some((other) => other.type === type)
    data[0] = ((data[0] ?? 0) & ~(FLAG_EXIF | FLAG_XMP)) | (has('EXIF') ? FLAG_EXIF : 0) | (has('XMP ') ? FLAG_XMP : 0)
    if (has('ICCP')) data[0] |= FLAG_ICC
    return { type: c.type, data }
  })
}

/**
 * The WebP with our UserComment merged into its EXIF and our properties into its XMP. A chunk already there
 * is replaced where it stands; a new one goes after the image data. A simple file becomes an extended one
 * (a VP8X chunk with its canvas size); the image data is kept byte for byte.
 */
export function writeWebp(b: Uint8Array, add: Pick<MetadataToWrite, 'userComment' | 'xmp'>): Uint8Array {
  const all = chunks(b, true)
  // Nothing to write: the file as it was, rather than a simple file turned extended for no reason.
  if (add.userComment === null && Object.keys(add.xmp).length === 0) return new Uint8Array(b)
  const set = (type: string, data: Uint8Array) => {
    const i = all.findIndex((c) => c.type === type)
    if (i >= 0) {
      all[i] = { type, data }
      return
    }
    let after = -1
    all.forEach((c, j) => {
      if (IMAGE_DATA.has(c.type) || c.type === 'EXIF') after = j
    })
    all.splice(after + 1, 0, { type, data })
  }

  if (add.userComment !== null) {
    const existing = all.find((c) => c.type === 'EXIF')
    const tiff = existing ? parseTiff(withoutExifPrefix(existing.data)) : emptyTiff()
    if (!tiff) throw new MetadataWriteError('the EXIF chunk already there is not TIFF')
    // Written without the `Exif\0\0` prefix, as the container spec says (readers accept both).
    set('EXIF', buildTiff(withUserComment(tiff, add.userComment)))
  }
  if (Object.keys(add.xmp).length > 0) {
    const existing = all.find((c) => c.type === 'XMP ')
    set('XMP ', Buffer.from(mergeXmpPacket(existing ? utf8(existing.data) : null, add.xmp), 'utf8'))
  }

  const first = all[0] as Chunk
  if (first.type !== 'VP8X') {
    const { width, height, alpha } = canvasOf(first)
    all.unshift(vp8x(alpha ? FLAG_ALPHA : 0, width, height))
  }
  return serialize(withFlags(all))
}

/** The WebP without EXIF and XMP chunks, and its VP8X flags saying so. */
export function stripWebp(b: Uint8Array): Uint8Array {
  return serialize(withFlags(chunks(b, true).filter((c) => c.type !== 'EXIF' && c.type !== 'XMP ')))
}
