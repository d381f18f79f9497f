import { createHash } from 'node:crypto'
import { asciiAt, u32be, utf8 } from './bytes'
import { MetadataWriteError } from './write-error'

/**
 * Adobe's Extended XMP (XMP Specification Part 3, §1.1.3.1): how a JPEG carries an XMP packet larger than
 * one APP1 segment can hold (65,533 bytes of payload). The **main** packet stays in the standard XMP APP1
 * segment and names the extension by `xmpNote:HasExtendedXMP`, a GUID that is the MD5 of the extended
 * packet (32 upper-case hex digits). The **extended** packet (a whole `x:xmpmeta` serialization, without an
 * `xpacket` wrapper) is cut into APP1 segments, each:
 *
 *   "http://ns.adobe.com/xmp/extension/\0" (35 bytes) · GUID (32 ASCII) · full length (u32 BE) · offset (u32 BE) · bytes
 *
 * Readers elsewhere (exiftool, Adobe's XMP toolkit) join the chunks by offset and check the MD5. So do we,
 * and a file is never trusted: chunks for another GUID, overlapping or missing pieces, a digest that does
 * not match, or a full length larger than the chunks present (or than `MAX_EXTENDED_BYTES`) mean no
 * extended packet, decided before anything is allocated for it.
 */

export const EXTENDED_XMP_HEADER = 'http://ns.adobe.com/xmp/extension/\0'
const GUID_LENGTH = 32
/** The bytes before a chunk's data in its segment's payload. */
const CHUNK_PREAMBLE = EXTENDED_XMP_HEADER.length + GUID_LENGTH + 4 + 4
/** A segment's payload at most (its 2-byte length counts itself). */
const MAX_PAYLOAD = 65533
/** Data bytes one extension segment carries: 65,458. */
export const MAX_CHUNK_BYTES = MAX_PAYLOAD - CHUNK_PREAMBLE
/**
 * An extended packet larger than this is not read (nor written): a record with a big ComfyUI workflow is a
 * few hundred KB, and 16 MiB of XMP in a picture is not a generation record.
 */
export const MAX_EXTENDED_BYTES = 16 * 1024 * 1024

const GUID = /^[0-9A-F]{32}$/

/** The GUID Adobe's toolkit gives an extended packet: the MD5 of its bytes, as upper-case hex. */
export const extendedGuid = (packet: Uint8Array): string => createHash('md5').update(packet).digest('hex').toUpperCase()

/** The payloads of the APP1 segments that carry `packet` (each without the segment's marker and length). */
export function extendedChunks(packet: Uint8Array): { guid: string; payloads: Uint8Array[] } {
  if (packet.length > MAX_EXTENDED_BYTES) throw new MetadataWriteError(`the extended XMP packet (${packet.length} bytes) is larger than ${MAX_EXTENDED_BYTES} bytes`)
  const guid = extendedGuid(packet)
  const payloads: Uint8Array[] = []
  for (let offset = 0; offset < packet.length; offset += MAX_CHUNK_BYTES) {
    const data = packet.subarray(offset, offset + MAX_CHUNK_BYTES)
    const payload = Buffer.alloc(CHUNK_PREAMBLE + data.length)
    payload.write(EXTENDED_XMP_HEADER, 0, 'latin1')
    payload.write(guid, EXTENDED_XMP_HEADER.length, 'latin1')
    payload.writeUInt32BE(packet.length, EXTENDED_XMP_HEADER.length + GUID_LENGTH)
    payload.writeUInt32BE(offset, EXTENDED_XMP_HEADER.length + GUID_LENGTH + 4)
    payload.set(data, CHUNK_PREAMBLE)
    payloads.push(new Uint8Array(payload))
  }
  return { guid, payloads }
}

/** One extension segment's parts, or null when its payload is too short or its GUID is not 32 hex digits. */
function parseChunk(payload: Uint8Array): { guid: string; fullLength: number; offset: number; data: Uint8Array } | null {
  if (!asciiAt(payload, 0, EXTENDED_XMP_HEADER) || payload.length < CHUNK_PREAMBLE) return null
  const guid = Buffer.from(payload.subarray(EXTENDED_XMP_HEADER.length, EXTENDED_XMP_HEADER.length + GUID_LENGTH)).toString('latin1')
  if (!GUID.test(guid)) return null
  return {
    guid,
    fullLength: u32be(payload, EXTENDED_XMP_HEADER.length + GUID_LENGTH),
    offset: u32be(payload, EXTENDED_XMP_HEADER.length + GUID_LENGTH + 4),
    data: payload.subarray(CHUNK_PREAMBLE),
  }
}

/**
 * The GUID the main packet names in `xmpNote:HasExtendedXMP` (attribute or element form, under the prefix
 * bound to the note namespace, `xmpNote` by convention); null when it names none.
 */
export function hasExtendedXmp(mainPacket: string): string | null {
  const prefixes = new Set(['xmpNote'])
  for (const match of mainPacket.matchAll(/xmlns:([A-Za-z_][\w.-]{0,63})\s*=\s*["']http:\/\/ns\.adobe\.com\/xmp\/note\/["']/g)) prefixes.add(match[1]!)
  for (const prefix of prefixes) {
    const at = mainPacket.indexOf(`${prefix}:HasExtendedXMP`)
    if (at < 0) continue
    // `="GUID"` or `>GUID<` right after the name: a GUID is 32 hex digits, so a bounded look is enough.
    const after = mainPacket.slice(at + prefix.length + 15, at + prefix.length + 15 + 48)
    const found = /^\s*=\s*["']([0-9A-Fa-f]{32})["']|^\s*>\s*([0-9A-Fa-f]{32})\s*</.exec(after)
    const guid = found?.[1] ?? found?.[2]
    if (guid) return guid.toUpperCase()
  }
  return null
}

/**
 * The extended packet named `guid`, joined from the extension segments' payloads, as text; null unless
 * the chunks for that GUID agree on one full length, cover it exactly once (the same chunk twice is
 * tolerated), and their MD5 is the GUID. The length is checked against the chunks actually present before
 * the buffer is allocated, so a bogus 4 GB length costs nothing.
 */
export function joinExtendedXmp(payloads: readonly Uint8Array[], guid: string): string | null {
  const chunks = payloads.flatMap((payload) => {
    const chunk = parseChunk(payload)
    return chunk !== null && chunk.guid === guid ? [chunk] : []
  })
  const fullLength = chunks[0]?.fullLength
  if (fullLength === undefined || fullLength === 0 || fullLength > MAX_EXTENDED_BYTES) return null
  if (chunks.some((chunk) => chunk.fullLength !== fullLength)) return null
  chunks.sort((a, b) => a.offset - b.offset)
  let covered = 0
  const pieces: Uint8Array[] = []
  for (const chunk of chunks) {
    if (chunk.offset + chunk.data.length > fullLength) return null
    if (chunk.offset < covered) {
      const last = pieces[pieces.length - 1]
      // The same chunk written twice is harmless; any other overlap means the pieces do not belong together.
      if (last !== undefined && chunk.offset === covered - last.length && Buffer.from(last).equals(Buffer.from(chunk.data))) continue
      return null
    }
    if (chunk.offset > covered) return null // a gap: a piece is missing
    pieces.push(chunk.data)
    covered += chunk.data.length
  }
  if (covered !== fullLength) return null
  const packet = Buffer.concat(pieces, fullLength)
  return extendedGuid(packet) === guid ? utf8(packet) : null
}
