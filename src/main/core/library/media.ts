import { createReadStream } from 'node:fs'
import { open, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

/** Content types we serve saved files as; anything else goes out as a download, never rendered. */
const SERVABLE = new Set([
  'image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4', 'video/webm',
  'image/avif', 'video/quicktime', 'audio/mpeg', 'audio/wav', 'audio/flac', 'audio/ogg', 'audio/mp4',
  'text/plain', 'application/json',
])

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } })

/** True when `child` is `root` or inside it; compared by path segments, so a sibling `root-x` is outside. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Ids are database keys, never paths: anything that could be read as a path step is refused. */
export function isPathLikeId(id: string): boolean {
  return id === '' || id === '.' || id === '..' || [...id].some((ch) => ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20 || ch === '\u007f')
}

/** The output id in one percent-encoded URL path step (`/media/{id}`), or null for anything else. */
export function outputIdFromStep(step: string): string | null {
  let id: string
  try {
    id = decodeURIComponent(step)
  } catch {
    return null // malformed percent-encoding
  }
  return id.length <= 64 && !isPathLikeId(id) ? id : null
}

/**
 * True for a library path as we write them: relative, `/`-separated, no empty, `.` or `..` step, no
 * backslash, drive letter or control character. Checked before a path is joined to anything.
 */
export function isLibraryPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path)) return false
  if ([...path].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20 || ch === '\u007f')) return false
  return path.split('/').every((step) => step !== '' && step !== '.' && step !== '..')
}

/**
 * Where a library path really is: its real path (symlinks followed) when that is a file inside the real
 * `root`, else why not (404: gone or not a file; 403: a bad path, or a link pointing out of the root).
 */
export async function resolveInside(root: string, path: string): Promise<{ file: string; size: number } | { status: 403 | 404; reason: string }> {
  if (!isLibraryPath(path)) return { status: 403, reason: 'not a library path' }
  let realRoot: string
  let file: string
  try {
    realRoot = await realpath(root)
    file = await realpath(join(realRoot, ...path.split('/')))
  } catch {
    return { status: 404, reason: 'file not found on disk' }
  }
  if (!isInside(realRoot, file)) return { status: 403, reason: 'outside the library folder' }
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return { status: 404, reason: 'not a file' }
  return { file, size: info.size }
}

function parseRange(header: string | null, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid'
  let start: number
  let end: number
  if (match[1] === '') {
    const suffix = Number(match[2])
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  return start > end || start >= size ? 'invalid' : { start, end }
}

/**
 * Bodies up to this size are read whole and sent as one buffer: a file stream turned into a web stream
 * (and back, in the web host) more than doubled what a thumbnail costs, and a gallery screen asks for 45.
 */
export const SMALL_BODY_BYTES = 512 * 1024

/** Exactly `length` bytes of `file` from `start`; fails if the file got shorter meanwhile. */
async function readSpan(file: string, start: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const handle = await open(file, 'r')
  try {
    const bytes = new Uint8Array(length)
    let at = 0
    while (at < length) {
      const { bytesRead } = await handle.read(bytes, at, length - at, start + at)
      if (bytesRead === 0) throw new Error('the file got shorter while it was read')
      at += bytesRead
    }
    return bytes
  } finally {
    await handle.close()
  }
}

/** A file already confined by `resolveInside`, as a web `Response`: 200, or 206/416 for a byte range. */
export async function fileResponse(file: string, size: number, mime: string, rangeHeader: string | null): Promise<Response> {
  const type = SERVABLE.has(mime) ? mime : 'application/octet-stream'
  const headers: Record<string, string> = {
    'content-type': type,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  }
  if (type === 'application/octet-stream') headers['content-disposition'] = 'attachment'
  const range = parseRange(rangeHeader, size)
  if (range === 'invalid') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } })
  const { start, end } = range ?? { start: 0, end: size - 1 }
  const length = size === 0 ? 0 : end - start + 1
  headers['content-length'] = String(length)
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`
  const status = range ? 206 : 200
  if (length === 0) return new Response(null, { status, headers })
  if (length <= SMALL_BODY_BYTES) {
    const bytes = await readSpan(file, start, length).catch(() => null)
    return bytes ? new Response(bytes, { status, headers }) : plain(404, 'file not readable')
  }
  const body = Readable.toWeb(createReadStream(file, { start, end })) as WebReadableStream<Uint8Array> as ReadableStream<Uint8Array>
  return new Response(body, { status, headers })
}

/**
 * Serves one saved file as a web `Response` (used by the Electron protocol and the web host alike):
 * real paths only inside the output's library root, types from an allow-list, 206 for byte ranges.
 */
export async function serveFile(location: { root: string; path: string; mime: string }, rangeHeader: string | null): Promise<Response> {
  const found = await resolveInside(location.root, location.path)
  if ('status' in found) return plain(found.status, found.reason)
  return fileResponse(found.file, found.size, location.mime, rangeHeader)
}

export { plain as plainResponse }
