import { crc32, inflateSync } from 'node:zlib'
import type { RawMetadata } from '../raw'
import { concat, indexOfByte, latin1, putAllFirst, putFirst, u32be, utf8 } from './bytes'
import { exifText, parseTiff, withoutExifPrefix } from './exif'
import { MetadataWriteError } from './write-error'

/**
 * PNG: an 8-byte signature, then chunks of length (4, big-endian) + type (4) + data + CRC (4). Text lives
 * in `tEXt` (Latin-1), `zTXt` (Latin-1, deflated) and `iTXt` (UTF-8, optionally deflated); ComfyUI's
 * SaveAnimatedPNG writes its `prompt`/`workflow` as private `comf` chunks after the frames instead, laid out
 * like `tEXt` (keyword, NUL, Latin-1 text; comfy_api/latest/_ui.py, `_create_animated_png_metadata`).
 */

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Chunks walked before a reader stops: far more than a real file has (an APNG has two per frame). */
const MAX_CHUNKS = 100_000
/** Output of one compressed text chunk, and of all of a file's together: a zip bomb stops here. */
const MAX_INFLATED = 16 * 1024 * 1024
const MAX_INFLATED_TOTAL = 64 * 1024 * 1024
/** Longest value written as `tEXt` (Latin-1 only); longer ones, and any wider text, go as UTF-8 `iTXt`. */
const MAX_TEXT_CHUNK = 1024

interface Chunk {
  type: string
  /** The whole chunk: length, type, data and CRC. */
  bytes: Uint8Array
  data: Uint8Array
}

const TEXT_TYPES = new Set(['tEXt', 'zTXt', 'iTXt'])
const STRIPPED_TYPES = new Set(['tEXt', 'zTXt', 'iTXt', 'comf', 'eXIf'])

export const isPng = (b: Uint8Array) => PNG_SIGNATURE.every((byte, i) => b[i] === byte)

/**
 * The chunks in order. `strict` (for writing) throws on anything that is not a whole, well-formed PNG;
 * otherwise the walk stops at the first chunk that runs past the end and returns what came before.
 */
function chunks(b: Uint8Array, strict: boolean): Chunk[] {
  const fail = (why: string) => {
    if (strict) throw new MetadataWriteError(`not a PNG we can write to: ${why}`)
  }
  const out: Chunk[] = []
  if (!isPng(b)) {
    fail('no PNG signature')
    return out
  }
  let at = 8
  while (at < b.length && out.length < MAX_CHUNKS) {
    if (at + 12 > b.length) {
      fail('a truncated chunk header')
      break
    }
    const length = u32be(b, at)
    const end = at + 12 + length
    if (end > b.length) {
      fail('a chunk runs past the end of the file')
      break
    }
    const type = latin1(b.subarray(at + 4, at + 8))
    out.push({ type, bytes: b.subarray(at, end), data: b.subarray(at + 8, at + 8 + length) })
    at = end
    if (type === 'IEND') break
  }
  if (strict && (out[0]?.type !== 'IHDR' || out.at(-1)?.type !== 'IEND')) fail('no IHDR first or no IEND last')
  return out
}

/**
 * Inflates at most `limit` bytes: the bytes, or `too-big` for a bomb past the cap, or null for damaged data
 * (no text rather than no file).
 */
function inflateCapped(data: Uint8Array, limit: number): Uint8Array | 'too-big' | null {
  if (limit <= 0) return 'too-big'
  try {
    return inflateSync(data, { maxOutputLength: limit })
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-big' : null
  }
}

/** Reads a PNG's text chunks and `eXIf` into `raw`. Never throws; a damaged chunk is skipped. */
export function readPng(b: Uint8Array, raw: RawMetadata): void {
  let inflateBudget = MAX_INFLATED_TOTAL
  // A bomb costs the whole cap it hit, so a file of many bombs stops being inflated after a few.
  const inflate = (data: Uint8Array) => {
    const limit = Math.min(MAX_INFLATED, inflateBudget)
    const out = inflateCapped(data, limit)
    if (out === 'too-big') inflateBudget -= limit
    else if (out) inflateBudget -= out.length
    return out instanceof Uint8Array ? out : null
  }
  const put = (key: string, value: string) => {
    putFirst(raw.text, key, value)
  }
  for (const { type, data } of chunks(b, false)) {
    if (type === 'eXIf') {
      const tiff = parseTiff(withoutExifPrefix(data))
      if (tiff) putAllFirst(raw.exif, exifText(tiff))
      continue
    }
    if (!TEXT_TYPES.has(type) && type !== 'comf') continue
    const nul = indexOfByte(data, 0, 0)
    if (nul <= 0) continue
    const key = latin1(data.subarray(0, nul))
    if (type === 'tEXt' || type === 'comf') put(key, latin1(data.subarray(nul + 1)))
    else if (type === 'zTXt') {
      const text = data[nul + 1] === 0 ? inflate(data.subarray(nul + 2)) : null
      if (text) put(key, latin1(text))
    } else {
      // iTXt: keyword NUL, compression flag, method, language tag NUL, translated keyword NUL, text.
      const compressed = data[nul + 1] === 1
      const langEnd = indexOfByte(data, 0, nul + 3)
      const translatedEnd = langEnd < 0 ? -1 : indexOfByte(data, 0, langEnd + 1)
      if (translatedEnd < 0) continue
      const body = data.subarray(translatedEnd + 1)
      const text = compressed ? (data[nul + 2] === 0 ? inflate(body) : null) : body
      if (text) put(key, utf8(text))
    }
  }
}

/** One chunk: length, type, data and the CRC over type and data (PNG spec §5.3). */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return new Uint8Array(out)
}

/** A text chunk for `key`: `tEXt` when the value is short and Latin-1, else uncompressed UTF-8 `iTXt`. */
function textChunk(key: string, value: string): Uint8Array {
  if (key.length < 1 || key.length > 79 || /[^\x20-\x7e\xa1-\xff]/.test(key) || key.startsWith(' ') || key.endsWith(' ')) {
    throw new MetadataWriteError(`not a PNG text keyword: ${JSON.stringify(key)}`)
  }
  const keyword = Buffer.from(key, 'latin1')
  if (value.length <= MAX_TEXT_CHUNK && /^[^\0\u0100-\uffff]*$/.test(value)) {
    return pngChunk('tEXt', concat([keyword, Uint8Array.of(0), Buffer.from(value, 'latin1')]))
  }
  // keyword NUL, not compressed, method 0, empty language tag NUL, empty translated keyword NUL, text.
  return pngChunk('iTXt', concat([keyword, Uint8Array.of(0, 0, 0, 0, 0), Buffer.from(value, 'utf8')]))
}

/** The text chunks that hold `text` (each `tEXt` or `iTXt`), as `writePng` writes them. */
export function pngTextChunks(text: Record<string, string>): Uint8Array[] {
  return Object.entries(text).map(([key, value]) => textChunk(key, value))
}

/** The keyword of a text chunk, or null for any other chunk. */
function textKeyword(c: Chunk): string | null {
  if (!TEXT_TYPES.has(c.type)) return null
  const nul = indexOfByte(c.data, 0, 0)
  return nul > 0 ? latin1(c.data.subarray(0, nul)) : null
}

/**
 * The PNG with `text` set: a text chunk with the same keyword is replaced, new chunks go just before the
 * first IDAT (where A1111 and Pillow put theirs: readers such as sharp's and Pillow's stop at the image data),
 * and every other chunk (ComfyUI's `prompt`/`workflow` among them) is kept byte for byte.
 */
export function writePng(b: Uint8Array, text: Record<string, string>): Uint8Array {
  const all = chunks(b, true)
  const added = pngTextChunks(text)
  const kept = all.filter((c) => {
    const keyword = textKeyword(c)
    return keyword === null || !Object.hasOwn(text, keyword)
  })
  // Before an animated PNG's first frame control too (it precedes its IDAT); a PNG without IDAT is not an
  // image: the chunks then go before IEND, the last one.
  const at = kept.findIndex((c) => c.type === 'IDAT' || c.type === 'fcTL')
  const before = at < 0 ? kept.length - 1 : at
  return concat([Uint8Array.from(PNG_SIGNATURE), ...kept.slice(0, before).map((c) => c.bytes), ...added, ...kept.slice(before).map((c) => c.bytes)])
}

/** The PNG without text, `comf` and `eXIf` chunks; everything else byte for byte. */
export function stripPng(b: Uint8Array): Uint8Array {
  const kept = chunks(b, true).filter((c) => !STRIPPED_TYPES.has(c.type))
  return concat([Uint8Array.from(PNG_SIGNATURE), ...kept.map((c) => c.bytes)])
}
