import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

/** Content types we serve saved files as; anything else goes out as a download, never rendered. */
const SERVABLE = new Set([
  'image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4', 'video/webm',
  'audio/mpeg', 'audio/wav', 'audio/flac', 'text/plain', 'application/json',
])

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } })

/** True when `child` is `root` or inside it; compared by path segments, so a sibling `root-x` is outside. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
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
 * Serves one saved file as a web `Response` (used by the Electron protocol and the web host alike):
 * real paths only inside the output's library root, types from an allow-list, 206 for byte ranges.
 */
export async function serveFile(location: { root: string; path: string; mime: string }, rangeHeader: string | null): Promise<Response> {
  let root: string
  let file: string
  try {
    root = await realpath(location.root)
    file = await realpath(join(root, ...location.path.split('/')))
  } catch {
    return plain(404, 'file not found on disk')
  }
  if (!isInside(root, file)) return plain(403, 'outside the library folder')
  const info = await stat(file)
  if (!info.isFile()) return plain(404, 'not a file')
  const type = SERVABLE.has(location.mime) ? location.mime : 'application/octet-stream'
  const headers: Record<string, string> = {
    'content-type': type,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  }
  if (type === 'application/octet-stream') headers['content-disposition'] = 'attachment'
  const range = parseRange(rangeHeader, info.size)
  if (range === 'invalid') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${info.size}` } })
  const { start, end } = range ?? { start: 0, end: info.size - 1 }
  const body = info.size === 0 ? null : (Readable.toWeb(createReadStream(file, { start, end })) as WebReadableStream<Uint8Array> as ReadableStream<Uint8Array>)
  headers['content-length'] = String(info.size === 0 ? 0 : end - start + 1)
  if (range) headers['content-range'] = `bytes ${start}-${end}/${info.size}`
  return new Response(body, { status: range ? 206 : 200, headers })
}
