/**
 * Small byte helpers shared by the container codecs. Readers index untrusted bytes, so every helper here is
 * bounds-checked by its caller or returns something harmless past the end (never throws on a short buffer).
 */

export const u16be = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0)
export const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8)
export const u32be = (b: Uint8Array, at: number) => (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0
export const u32le = (b: Uint8Array, at: number) => ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0

/** True when `b` holds the ASCII `text` at `at`. */
export function asciiAt(b: Uint8Array, at: number, text: string): boolean {
  if (at < 0 || b.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false
  return true
}

export const ascii = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0))

const utf8Decoder = new TextDecoder('utf-8')
/** UTF-8, with malformed bytes as U+FFFD rather than an error: these are other programs' files. */
export const utf8 = (b: Uint8Array) => utf8Decoder.decode(b)
export const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')

/** UTF-16 in either byte order, without relying on a `utf-16be` TextDecoder. */
export function utf16(b: Uint8Array, bigEndian: boolean): string {
  const even = b.subarray(0, b.length - (b.length % 2))
  if (!bigEndian) return Buffer.from(even.buffer, even.byteOffset, even.byteLength).toString('utf16le')
  const swapped = Buffer.from(even)
  swapped.swap16()
  return swapped.toString('utf16le')
}

/** Text without the NUL padding C writers leave at its end. */
export const trimNuls = (text: string) => text.replace(/\0+$/, '')

export const indexOfByte = (b: Uint8Array, byte: number, from: number, to = b.length) => {
  const i = b.subarray(from, to).indexOf(byte)
  return i < 0 ? -1 : from + i
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

/**
 * Sets `key` in `record` unless it is already there: the first value of a key wins. Keys come from the
 * file, so `in` (which sees `constructor`, `toString`…) and plain assignment (which turns `__proto__` into a
 * prototype change) are not used.
 */
export function putFirst(record: Record<string, string>, key: string, value: string): void {
  if (!Object.hasOwn(record, key)) Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Puts every entry of `from` into `into`, first value winning. */
export const putAllFirst = (into: Record<string, string>, from: Record<string, string>) => {
  for (const [key, value] of Object.entries(from)) putFirst(into, key, value)
}
