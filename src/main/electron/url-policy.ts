import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where the window's pages come from: the built files next to the main bundle, or (in development only)
 * electron-vite's dev server on loopback. Every trust decision in the shell (navigation, IPC sender,
 * permissions) asks `isAppUrl` against this one value, so they cannot disagree.
 */
export type RendererLocation =
  | { kind: 'file'; indexPath: string; rendererDir: string }
  | { kind: 'dev'; url: string; origin: string }

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

export interface LocationInput {
  /** The folder holding the main bundle (`out/main`). */
  mainDir: string
  /** `process.env.ELECTRON_RENDERER_URL`, set by `electron-vite dev`. */
  devServerUrl: string | undefined
  /** `app.isPackaged`: a shipped app never loads pages from a server, whatever its environment says. */
  isPackaged: boolean
}

export function resolveRendererLocation(input: LocationInput): { location: RendererLocation; warning?: string } {
  const indexPath = join(input.mainDir, '..', 'renderer', 'index.html')
  const files: RendererLocation = { kind: 'file', indexPath, rendererDir: dirname(indexPath) }
  if (!input.devServerUrl) return { location: files }
  if (input.isPackaged) {
    return { location: files, warning: 'ELECTRON_RENDERER_URL is ignored in a packaged app' }
  }
  const dev = parseLoopbackHttp(input.devServerUrl)
  if (!dev) {
    return {
      location: files,
      warning: `ELECTRON_RENDERER_URL must be http://127.0.0.1 or http://localhost; ignoring ${JSON.stringify(input.devServerUrl)}`,
    }
  }
  return { location: { kind: 'dev', url: dev.href, origin: dev.origin } }
}

function parseLoopbackHttp(raw: string): URL | null {
  try {
    const url = new URL(raw)
    if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return null
    if (url.username !== '' || url.password !== '') return null
    return url
  } catch {
    return null
  }
}

/** Is `url` one of our own pages: a file inside the renderer folder, or the dev server's origin? */
export function isAppUrl(location: RendererLocation, url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (location.kind === 'dev') return parsed.origin === location.origin

  // A file URL with a host is a network share, never ours.
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false
  let path: string
  try {
    path = fileURLToPath(parsed)
  } catch {
    return false // e.g. an encoded slash, which fileURLToPath refuses
  }
  // Containment by path relation, not string prefix: `out/renderer-evil/x.html` starts with the same
  // characters as `out/renderer` but is not inside it.
  const rel = relative(location.rendererDir, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

/** The only links we hand to the operating system: parsed `https:` URLs, re-serialized. */
export function externalHttpsUrl(url: string): string | null {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null
    return parsed.href
  } catch {
    return null
  }
}

/** What the window loads: the built index file, or (development only) the loopback dev server. */
export type PageToLoad = { kind: 'file'; path: string } | { kind: 'url'; url: string }

export function pageToLoad(location: RendererLocation): PageToLoad {
  return location.kind === 'dev' ? { kind: 'url', url: location.url } : { kind: 'file', path: location.indexPath }
}
