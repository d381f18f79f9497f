import type { MetadataToWrite, RawMetadata } from '../raw'
import { asciiAt, concat, putAllFirst, u16be, utf8 } from './bytes'
import { EXIF_PREFIX, buildTiff, emptyTiff, exifText, parseTiff, withUserComment } from './exif'
import { EXTENDED_XMP_HEADER, extendedChunks, hasExtendedXmp, joinExtendedXmp } from './extended-xmp'
import { mainPacketNaming, mergeExtendedPacket, mergeXmpPacket } from './xmp'
import { MetadataWriteError } from './write-error'

/**
 * JPEG: SOI, then marker segments (0xFF, marker, 2-byte big-endian length counting itself, payload) up to
 * the first start-of-scan; from there on it is entropy-coded image data, which we never walk into: every
 * tool writes metadata before the first scan, and everything from SOS on is kept byte for byte.
 */

const SOI = 0xd8
const EOI = 0xd9
const SOS = 0xda
const APP0 = 0xe0
const APP1 = 0xe1
const COM = 0xfe

export const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0'
/** A segment's payload: its 2-byte length field counts itself, and cannot exceed 65535. */
const MAX_PAYLOAD = 65533
/** Segments walked before a reader stops; real files have a handful. */
const MAX_SEGMENTS = 10_000

interface Segment {
  marker: number
  /** The whole segment, fill bytes and marker included. */
  bytes: Uint8Array
  /** The payload after the length field (empty for a marker without one). */
  data: Uint8Array
}

export const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === SOI && b[2] === 0xff

/** SOF0–SOF15, which are C0–CF less DHT (C4), JPG (C8) and DAC (CC). */
const isFrameHeader = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
const isExif = (s: Segment) => s.marker === APP1 && asciiAt(s.data, 0, EXIF_PREFIX)
const isXmp = (s: Segment) => s.marker === APP1 && asciiAt(s.data, 0, XMP_HEADER)
const isExtendedXmp = (s: Segment) => s.marker === APP1 && asciiAt(s.data, 0, EXTENDED_XMP_HEADER)

/**
 * The segments between SOI and the first SOS, and the bytes from SOS (or EOI) to the end. `strict` (for
 * writing) throws where the file is not a JPEG we can rebuild; otherwise the walk stops at the damage.
 */
function segments(b: Uint8Array, strict: boolean): { head: Segment[]; rest: Uint8Array } {
  const fail = (why: string) => {
    if (strict) throw new MetadataWriteError(`not a JPEG we can write to: ${why}`)
  }
  const head: Segment[] = []
  if (b[0] !== 0xff || b[1] !== SOI) {
    fail('no SOI marker')
    return { head, rest: new Uint8Array(0) }
  }
  let at = 2
  while (head.length < MAX_SEGMENTS) {
    const start = at
    if (b[at] !== 0xff) {
      fail(at >= b.length ? 'no image data' : 'a segment does not start with a marker')
      break
    }
    while (b[at + 1] === 0xff) at++ // fill bytes
    const marker = b[at + 1]
    if (marker === undefined) {
      fail('truncated')
      break
    }
    if (marker === SOS || marker === EOI) {
      if (strict && (marker === EOI || !head.some((s) => isFrameHeader(s.marker)))) fail('no frame header before the image data')
      return { head, rest: b.subarray(start) }
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      head.push({ marker, bytes: b.subarray(start, at + 2), data: new Uint8Array(0) })
      at += 2
      continue
    }
    const length = u16be(b, at + 2)
    const end = at + 2 + length
    if (length < 2 || end > b.length) {
      fail('a segment runs past the end of the file')
      break
    }
    head.push({ marker, bytes: b.subarray(start, end), data: b.subarray(at + 4, end) })
    at = end
  }
  if (strict) fail('too many segments')
  return { head, rest: new Uint8Array(0) }
}

/**
 * Reads a JPEG's EXIF and first XMP packet into `raw`, and the extended XMP packet that packet names (a
 * record too large for one segment); a COM segment is not generation data we read.
 */
export function readJpeg(b: Uint8Array, raw: RawMetadata): void {
  const extension: Uint8Array[] = []
  for (const s of segments(b, false).head) {
    if (isExif(s)) {
      const tiff = parseTiff(s.data.subarray(EXIF_PREFIX.length))
      if (tiff) putAllFirst(raw.exif, exifText(tiff))
    } else if (isXmp(s) && raw.xmp === null) raw.xmp = utf8(s.data.subarray(XMP_HEADER.length))
    else if (isExtendedXmp(s)) extension.push(s.data)
  }
  const guid = raw.xmp !== null && extension.length > 0 ? hasExtendedXmp(raw.xmp) : null
  const extended = guid !== null ? joinExtendedXmp(extension, guid) : null
  if (extended !== null) raw.xmpExtended = extended
}

function app1(header: string, body: Uint8Array, what: string): Segment {
  const data = concat([Buffer.from(header, 'latin1'), body])
  if (data.length > MAX_PAYLOAD) throw new MetadataWriteError(`the ${what} (${data.length} bytes) does not fit in one JPEG segment`)
  const bytes = Buffer.alloc(4 + data.length)
  bytes[0] = 0xff
  bytes[1] = APP1
  bytes.writeUInt16BE(2 + data.length, 2)
  bytes.set(data, 4)
  return { marker: APP1, bytes: new Uint8Array(bytes), data }
}

/**
 * The JPEG with our UserComment merged into its EXIF (or a new EXIF segment) and our XMP properties added
 * to its XMP packet (or a new one). Other segments, and the image data, are kept byte for byte.
 */
export function writeJpeg(b: Uint8Array, add: Pick<MetadataToWrite, 'userComment' | 'xmp'>): Uint8Array {
  const { head, rest } = segments(b, true)
  // New segments go after the JFIF APP0 (which must come first), Exif before XMP.
  let insertAt = 0
  while (head[insertAt]?.marker === APP0) insertAt++

  if (add.userComment !== null) {
    const i = head.findIndex(isExif)
    const tiff = i >= 0 ? parseTiff(head[i]?.data.subarray(EXIF_PREFIX.length) ?? new Uint8Array(0)) : emptyTiff()
    if (!tiff) throw new MetadataWriteError('the EXIF segment already there is not TIFF')
    const body = buildTiff(withUserComment(tiff, add.userComment))
    // EXIF lives in one APP1 segment (no reader joins EXIF across segments), so a UserComment that would
    // take it past 64 KB is left out, and the EXIF already there stays as it was: a segment too long would
    // make the whole file unreadable to some decoders. The UserComment is only A1111's `parameters` copy
    // for other tools; the record itself, prompt and all, is then in the XMP alone (extended if need be).
    if (EXIF_PREFIX.length + body.length <= MAX_PAYLOAD) {
      const segment = app1(EXIF_PREFIX, body, 'EXIF')
      if (i >= 0) head[i] = segment
      else head.splice(insertAt, 0, segment)
    }
  }

  if (Object.keys(add.xmp).length > 0) {
    const i = head.findIndex(isXmp)
    const existing = i >= 0 ? utf8(head[i]?.data.subarray(XMP_HEADER.length) ?? new Uint8Array(0)) : null
    const xmp = xmpSegments(existing, head.filter(isExtendedXmp).map((s) => s.data), add.xmp)
    // The old extension segments are replaced when a new extended packet is written, kept otherwise.
    const kept = xmp.extended === null ? head : head.filter((s) => !isExtendedXmp(s))
    const at = kept.findIndex(isXmp)
    const segments = [xmp.main, ...(xmp.extended ?? [])]
    if (at >= 0) kept.splice(at, 1, ...segments)
    else {
      const exif = kept.findIndex(isExif)
      kept.splice(exif >= 0 ? exif + 1 : insertAt, 0, ...segments)
    }
    return concat([Uint8Array.of(0xff, SOI), ...kept.map((s) => s.bytes), rest])
  }
  return concat([Uint8Array.of(0xff, SOI), ...head.map((s) => s.bytes), rest])
}

/**
 * The XMP segments that carry `props`: the main packet alone when it fits in one segment; otherwise
 * Adobe's extended XMP (`extended-xmp.ts`): our properties in an extended packet cut across segments
 * (merged into the file's own extended packet, when it had a sound one), and a main packet without them
 * that names it. `extended` is null when the file's extension segments are left as they were.
 */
function xmpSegments(existing: string | null, extension: Uint8Array[], props: Record<string, string>): { main: Segment; extended: Segment[] | null } {
  const packet = Buffer.from(mergeXmpPacket(existing, props), 'utf8')
  if (XMP_HEADER.length + packet.length <= MAX_PAYLOAD) return { main: app1(XMP_HEADER, packet, 'XMP packet'), extended: null }
  const before = existing !== null ? hasExtendedXmp(existing) : null
  const theirs = before !== null ? joinExtendedXmp(extension, before) : null
  const { guid, payloads } = extendedChunks(Buffer.from(mergeExtendedPacket(theirs, props), 'utf8'))
  const main = app1(XMP_HEADER, Buffer.from(mainPacketNaming(existing, guid, before), 'utf8'), 'main XMP packet')
  return { main, extended: payloads.map((payload) => app1('', payload, 'extended XMP chunk')) }
}

/** The JPEG without EXIF, XMP (extended XMP too) and comments; ICC profiles, Adobe APP14 and the rest kept. */
export function stripJpeg(b: Uint8Array): Uint8Array {
  const { head, rest } = segments(b, true)
  const kept = head.filter((s) => !isExif(s) && !isXmp(s) && !isExtendedXmp(s) && s.marker !== COM)
  return concat([Uint8Array.of(0xff, SOI), ...kept.map((s) => s.bytes), rest])
}
