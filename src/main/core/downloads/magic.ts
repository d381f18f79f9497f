import type { OutputKind } from '@shared/output'

/**
 * What a file's first bytes say it is. A small table rather than a dependency: the formats ComfyUI
 * workflows save are few, and the check has to run on the first bytes of a stream before anything is
 * written (docs/downloads.md, "Magic numbers").
 */
export interface SniffedType {
  mime: string
  ext: string
  kind: Extract<OutputKind, 'image' | 'video' | 'audio'>
}

/** Bytes of the head `sniff` needs: enough for every signature below, and for a page's doctype. */
export const HEAD_BYTES = 64

/** Not media: text a host sends instead of the file (a sign-in or error page, an API error). */
export type TextLike = 'html' | 'json' | 'xml' | 'text'

const ascii = (head: Uint8Array, at: number, text: string) => {
  if (head.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (head[at + i] !== text.charCodeAt(i)) return false
  return true
}
const bytesAt = (head: Uint8Array, at: number, bytes: number[]) => bytes.every((byte, i) => head[at + i] === byte)

/** ISO-BMFF brands that are still pictures, not movies. */
const STILL_BRANDS: Record<string, SniffedType> = {
  avif: { mime: 'image/avif', ext: 'avif', kind: 'image' },
  avis: { mime: 'image/avif', ext: 'avif', kind: 'image' },
  heic: { mime: 'image/heic', ext: 'heic', kind: 'image' },
  heix: { mime: 'image/heic', ext: 'heic', kind: 'image' },
  mif1: { mime: 'image/heif', ext: 'heif', kind: 'image' },
}

/** The media type the head of a file shows, or null when it matches no signature we know. */
export function sniffMedia(head: Uint8Array): SniffedType | null {
  if (bytesAt(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', ext: 'png', kind: 'image' }
  if (bytesAt(head, 0, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', ext: 'jpg', kind: 'image' }
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return { mime: 'image/gif', ext: 'gif', kind: 'image' }
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return { mime: 'image/webp', ext: 'webp', kind: 'image' }
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return { mime: 'audio/wav', ext: 'wav', kind: 'audio' }
  if (ascii(head, 4, 'ftyp')) {
    const brand = String.fromCharCode(...head.subarray(8, 12))
    const still = STILL_BRANDS[brand]
    if (still) return still
    if (brand === 'qt  ') return { mime: 'video/quicktime', ext: 'mov', kind: 'video' }
    if (brand === 'M4A ' || brand === 'M4B ') return { mime: 'audio/mp4', ext: 'm4a', kind: 'audio' }
    return { mime: 'video/mp4', ext: 'mp4', kind: 'video' }
  }
  if (bytesAt(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: the DocType ("webm" or "matroska") follows within the header.
    const header = Buffer.from(head).toString('latin1')
    if (header.includes('matroska')) return { mime: 'video/x-matroska', ext: 'mkv', kind: 'video' }
    return { mime: 'video/webm', ext: 'webm', kind: 'video' }
  }
  if (ascii(head, 0, 'fLaC')) return { mime: 'audio/flac', ext: 'flac', kind: 'audio' }
  if (ascii(head, 0, 'OggS')) return { mime: 'audio/ogg', ext: 'ogg', kind: 'audio' }
  if (ascii(head, 0, 'ID3')) return { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' }
  // An MPEG audio frame: 11 sync bits, then a layer that is not "reserved" (0b00 is AAC's ADTS).
  const [b0 = 0, b1 = 0] = head
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0 && (b1 & 0x18) !== 0x08) return { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' }
  return null
}

/** Whether the head is text a server sends in place of a file, and which kind. */
export function sniffText(head: Uint8Array): TextLike | null {
  let text = Buffer.from(head).toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  text = text.trimStart()
  const lower = text.toLowerCase()
  if (/^<(!doctype html|html|head|body|script|title|meta|!--|div|p[\s>]|h1|form)/.test(lower)) return 'html'
  if (lower.startsWith('<?xml') || /^<[a-z][\w:-]*[\s>]/.test(lower)) return lower.includes('<html') ? 'html' : 'xml'
  if (/^[{[]/.test(text)) return 'json'
  // Mostly printable with no NUL: text of some sort.
  const sample = head.subarray(0, Math.min(head.length, HEAD_BYTES))
  if (sample.length === 0) return null
  let printable = 0
  for (const byte of sample) {
    if (byte === 0) return null
    if (byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f) || byte >= 0x80) printable++
  }
  return printable === sample.length ? 'text' : null
}

/** Media MIME types whose signatures `sniffMedia` knows: a file declared as one of these must show it. */
const CHECKABLE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/heic',
  'image/heif',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'video/x-matroska',
  'audio/mpeg',
  'audio/mp3',
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/flac',
  'audio/x-flac',
  'audio/ogg',
  'audio/mp4',
  'audio/webm',
])

const NOUN: Record<'image' | 'video' | 'audio', string> = { image: 'image', video: 'video', audio: 'audio file' }
const TEXT_NOUN: Record<TextLike, string> = {
  html: 'a web page',
  json: 'JSON data',
  xml: 'an XML document (an error message from the storage service?)',
  text: 'plain text',
}

export type ContentCheck =
  /** The bytes are this media type: save under it, whatever the header said. */
  | { ok: true; sniffed: SniffedType }
  /** Not media, and nothing promised media: save under the declared type. */
  | { ok: true; sniffed: null }
  | { ok: false; message: string }

/**
 * Checks the first bytes against what was promised: the provider's kind for the output, and the
 * `Content-Type` the host sent. When media was promised, the bytes must be media; a page, JSON or other
 * text is refused with words a user understands. Known media bytes win over a wrong header (a PNG served as
 * `image/jpeg` is saved as the PNG it is).
 */
export function checkContent(head: Uint8Array, promised: { kind: OutputKind; contentType: string | null }): ContentCheck {
  const sniffed = sniffMedia(head)
  if (sniffed) return { ok: true, sniffed }
  const declared = promised.contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  const declaredTop = declared.split('/')[0] ?? ''
  const mediaKind =
    promised.kind === 'image' || promised.kind === 'video' || promised.kind === 'audio'
      ? promised.kind
      : declaredTop === 'image' || declaredTop === 'video' || declaredTop === 'audio'
        ? declaredTop
        : null
  if (mediaKind === null) return { ok: true, sniffed: null }
  const noun = NOUN[mediaKind]
  const text = sniffText(head)
  if (text) return { ok: false, message: `the host sent ${TEXT_NOUN[text]} instead of the ${noun}` }
  if (head.length === 0) return { ok: false, message: `the host sent an empty file instead of the ${noun}` }
  if (CHECKABLE.has(declared)) return { ok: false, message: `the host sent data that is not the ${declared} ${noun} it declared (its first bytes do not match)` }
  // A media type we cannot check (say, TIFF): keep it under the declared type rather than lose it.
  return { ok: true, sniffed: null }
}
