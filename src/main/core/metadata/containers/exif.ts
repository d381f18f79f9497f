import { asciiAt, latin1, putFirst, trimNuls, u16be, u16le, u32be, u32le, utf16, utf8 } from './bytes'

/**
 * EXIF as TIFF stores it: a byte-order mark, then IFDs (tables of 12-byte entries whose values sit inline
 * when they fit in four bytes, else at an offset). We parse IFD0 and the sub-IFDs it points to (Exif, GPS,
 * and the Exif IFD's Interop), keeping each value's raw bytes, so a rebuild can keep every entry as it was.
 */

export interface IfdEntry {
  tag: number
  type: number
  count: number
  /** The value's bytes, in the TIFF's own byte order. */
  value: Uint8Array
  /** For a pointer tag: the IFD it points to (its `value` is then rewritten on build). */
  sub?: IfdEntry[]
}

export interface Tiff {
  littleEndian: boolean
  ifd0: IfdEntry[]
}

export const USER_COMMENT = 0x9286
const EXIF_IFD = 0x8769
const GPS_IFD = 0x8825
const INTEROP_IFD = 0xa005
const SUB_IFDS = new Set([EXIF_IFD, GPS_IFD, INTEROP_IFD])

/**
 * Entries a rebuild drops because their values are offsets we would have to relocate: MakerNote (vendor
 * data full of offsets relative to wherever the vendor chose), strip/tile/thumbnail offsets, DNG SubIFDs.
 * IFD1 (the thumbnail) is dropped as a whole for the same reason. None of these carry generation data.
 */
const DROPPED_ON_BUILD = new Set([0x927c, 0x0111, 0x0144, 0x0201, 0x0202, 0x014a])

/** Bytes per value of each TIFF type; a type not here has no known size and its entry is skipped. */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 }
const TYPE_ASCII = 2
const TYPE_LONG = 4
const TYPE_UNDEFINED = 7

/** More entries than any real IFD has; a hostile count is cut here. */
const MAX_ENTRIES = 1024

/** The APP1 / WebP prefix some writers put before the TIFF header. */
export const EXIF_PREFIX = 'Exif\0\0'

/** TIFF bytes without an `Exif\0\0` prefix, if one is there. */
export const withoutExifPrefix = (b: Uint8Array) => (asciiAt(b, 0, EXIF_PREFIX) ? b.subarray(6) : b)

/** IFD0 and its sub-IFDs, or null when the bytes are not TIFF. Never throws; damaged entries are skipped. */
export function parseTiff(b: Uint8Array): Tiff | null {
  if (b.length < 8) return null
  const littleEndian = asciiAt(b, 0, 'II')
  if (!littleEndian && !asciiAt(b, 0, 'MM')) return null
  const u16 = littleEndian ? u16le : u16be
  const u32 = littleEndian ? u32le : u32be
  if (u16(b, 2) !== 42) return null
  const visited = new Set<number>()

  const parseIfd = (offset: number, depth: number): IfdEntry[] => {
    if (visited.has(offset) || offset < 8 || offset + 2 > b.length) return []
    visited.add(offset)
    const entries: IfdEntry[] = []
    const count = Math.min(u16(b, offset), MAX_ENTRIES)
    for (let i = 0; i < count; i++) {
      const at = offset + 2 + i * 12
      if (at + 12 > b.length) break
      const tag = u16(b, at)
      const type = u16(b, at + 2)
      const n = u32(b, at + 4)
      const size = (TYPE_SIZE[type] ?? 0) * n
      if (!TYPE_SIZE[type]) continue
      let value: Uint8Array
      if (size <= 4) value = b.subarray(at + 8, at + 8 + size)
      else {
        const valueAt = u32(b, at + 8)
        if (valueAt + size > b.length) continue // runs past the end: damaged, skip it
        value = b.subarray(valueAt, valueAt + size)
      }
      const entry: IfdEntry = { tag, type, count: n, value }
      if (SUB_IFDS.has(tag) && depth < 2 && size === 4) entry.sub = parseIfd(u32(value, 0), depth + 1)
      entries.push(entry)
    }
    return entries
  }

  return { littleEndian, ifd0: parseIfd(u32(b, 4), 0) }
}

const hexTag = (tag: number) => `0x${tag.toString(16).padStart(4, '0')}`

/**
 * The text of IFD0 and the Exif IFD, keyed by tag as four lowercase hex digits: every ASCII entry, the
 * description/make/model tags whatever type they were written as (ComfyUI's WebP puts its JSON there), and
 * UserComment decoded by its charset prefix. A tag written twice keeps its first value.
 */
export function exifText(tiff: Tiff): Record<string, string> {
  const out: Record<string, string> = {}
  const add = (entries: IfdEntry[]) => {
    for (const e of entries) {
      const key = hexTag(e.tag)
      if (Object.hasOwn(out, key)) continue
      if (e.tag === USER_COMMENT) putFirst(out, key, decodeUserComment(e.value, tiff.littleEndian))
      else if (e.type === TYPE_ASCII || ((e.type === TYPE_UNDEFINED || e.type === 1) && e.tag >= 0x010d && e.tag <= 0x0110)) {
        putFirst(out, key, trimNuls(utf8(e.value)))
      }
    }
  }
  add(tiff.ifd0)
  const exifIfd = tiff.ifd0.find((e) => e.tag === EXIF_IFD)?.sub
  if (exifIfd) add(exifIfd)
  return out
}

/**
 * UserComment: an 8-byte charset prefix, then the text. `UNICODE\0` is UTF-16, in a byte order writers do
 * not agree on: A1111 (piexif) writes big-endian whatever the TIFF's order, others follow the TIFF. So a BOM
 * decides, else which byte of each pair is zero (the high byte of ASCII-range text), else the TIFF's order.
 */
export function decodeUserComment(value: Uint8Array, tiffLittleEndian: boolean): string {
  if (value.length < 8) return trimNuls(utf8(value))
  const prefix = latin1(value.subarray(0, 8))
  let body = value.subarray(8)
  if (prefix === 'UNICODE\0') {
    let bigEndian: boolean
    if (body[0] === 0xfe && body[1] === 0xff) [bigEndian, body] = [true, body.subarray(2)]
    else if (body[0] === 0xff && body[1] === 0xfe) [bigEndian, body] = [false, body.subarray(2)]
    else {
      let evenZeros = 0
      let oddZeros = 0
      for (let i = 0; i + 1 < body.length; i += 2) {
        if (body[i] === 0 && body[i + 1] !== 0) evenZeros++
        else if (body[i + 1] === 0 && body[i] !== 0) oddZeros++
      }
      bigEndian = evenZeros === oddZeros ? !tiffLittleEndian : evenZeros > oddZeros
    }
    return trimNuls(utf16(body, bigEndian))
  }
  // `ASCII\0\0\0`, an undefined (all-NUL) prefix, JIS: read as UTF-8, which is what writers put there in
  // practice; with no recognised prefix at all, the whole value is the text.
  if (prefix === 'ASCII\0\0\0' || prefix === '\0\0\0\0\0\0\0\0' || prefix === 'JIS\0\0\0\0\0') return trimNuls(utf8(body))
  return trimNuls(utf8(value))
}

/** UserComment bytes as we write them: `UNICODE\0`, then UTF-16 in the TIFF's byte order, no BOM. */
export function encodeUserComment(text: string, littleEndian: boolean): Uint8Array {
  const body = Buffer.from(text, 'utf16le')
  if (!littleEndian) body.swap16()
  return new Uint8Array(Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), body]))
}

/** A copy of `tiff` with UserComment set in its Exif IFD (which is created when missing). */
export function withUserComment(tiff: Tiff, text: string): Tiff {
  const comment: IfdEntry = { tag: USER_COMMENT, type: TYPE_UNDEFINED, count: 0, value: encodeUserComment(text, tiff.littleEndian) }
  comment.count = comment.value.length
  const ifd0 = tiff.ifd0.filter((e) => e.tag !== EXIF_IFD)
  const exifIfd = tiff.ifd0.find((e) => e.tag === EXIF_IFD)?.sub ?? []
  const sub = [...exifIfd.filter((e) => e.tag !== USER_COMMENT), comment]
  ifd0.push({ tag: EXIF_IFD, type: TYPE_LONG, count: 1, value: new Uint8Array(4), sub })
  return { littleEndian: tiff.littleEndian, ifd0 }
}

/** A new, empty TIFF; big-endian, as piexif (and so A1111) writes it. */
export const emptyTiff = (): Tiff => ({ littleEndian: false, ifd0: [] })

const even = (n: number) => n + (n % 2)
const kept = (entries: IfdEntry[]) => entries.filter((e) => !DROPPED_ON_BUILD.has(e.tag)).sort((a, b) => a.tag - b.tag)
const ifdSize = (entries: IfdEntry[]): number =>
  2 + entries.length * 12 + 4 + entries.reduce((sum, e) => sum + (e.sub ? ifdSize(kept(e.sub)) : e.value.length > 4 ? even(e.value.length) : 0), 0)

/** TIFF bytes (no `Exif\0\0` prefix) for IFD0 and its sub-IFDs; no IFD1. Entries are written in tag order. */
export function buildTiff(tiff: Tiff): Uint8Array {
  const le = tiff.littleEndian
  const ifd0 = kept(tiff.ifd0)
  const out = Buffer.alloc(8 + ifdSize(ifd0))
  const put16 = (v: number, at: number) => (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at))
  const put32 = (v: number, at: number) => (le ? out.writeUInt32LE(v, at) : out.writeUInt32BE(v, at))
  out.write(le ? 'II' : 'MM', 0, 'latin1')
  put16(42, 2)
  put32(8, 4)

  /** Writes an IFD at `at` (even), then its values, then its sub-IFDs; returns where it ends. */
  const writeIfd = (entries: IfdEntry[], at: number): number => {
    put16(entries.length, at)
    let data = at + 2 + entries.length * 12 + 4 // next-IFD offset stays 0: no IFD1
    const subs: { entry: IfdEntry; slot: number }[] = []
    entries.forEach((e, i) => {
      const slot = at + 2 + i * 12
      put16(e.tag, slot)
      if (e.sub) {
        put16(e.type === 13 ? 13 : TYPE_LONG, slot + 2)
        put32(1, slot + 4)
        subs.push({ entry: e, slot })
        return
      }
      put16(e.type, slot + 2)
      put32(e.count, slot + 4)
      if (e.value.length <= 4) out.set(e.value, slot + 8)
      else {
        put32(data, slot + 8)
        out.set(e.value, data)
        data = even(data + e.value.length)
      }
    })
    for (const { entry, slot } of subs) {
      put32(data, slot + 8)
      data = writeIfd(kept(entry.sub ?? []), data)
    }
    return data
  }

  writeIfd(ifd0, 8)
  return new Uint8Array(out)
}
