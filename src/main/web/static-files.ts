import { readFile, realpath } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { isInside } from '../core/library/media'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

/** Reads a built renderer file by URL path, confined to the renderer folder; null when absent. */
export async function readStatic(root: string, urlPath: string): Promise<{ body: Buffer; type: string } | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  try {
    const realRoot = await realpath(root)
    const file = await realpath(join(realRoot, decoded))
    if (!isInside(realRoot, file)) return null
    const type = TYPES[extname(file).toLowerCase()]
    if (!type) return null
    return { body: await readFile(file), type }
  } catch {
    return null
  }
}
