import { MEDIA_SCHEME } from '@shared/client'
import { OutputId } from '@shared/output'

/** The one host `courier-media://` answers for (Chromium lowercases it, as the scheme is standard; Node's URL does not). */
const OUTPUT_HOST = 'output'

// Ids are database keys, never paths: anything that could be read as a path step is refused here,
// before core even looks it up (core confines the file to the library folder on its own as well).
const isPathLike = (id: string): boolean =>
  id === '.' || id === '..' || [...id].some((ch) => ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20 || ch === '\u007f')

/**
 * `courier-media://output/<outputId>` → the decoded output id, or null for every other shape.
 * Kept free of Electron so that the refusals can be tested in plain Node.
 */
export function parseMediaUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${MEDIA_SCHEME}:`) return null
  if (parsed.host.toLowerCase() !== OUTPUT_HOST || parsed.username !== '' || parsed.password !== '') return null
  // The renderer builds these URLs with `mediaUrl(id)` alone, so a query means someone else built it.
  if (parsed.search !== '') return null

  const match = /^\/([^/]+)$/.exec(parsed.pathname)
  if (!match?.[1]) return null
  let id: string
  try {
    id = decodeURIComponent(match[1])
  } catch {
    return null // malformed percent-encoding
  }
  if (isPathLike(id)) return null
  return OutputId.safeParse(id).success ? id : null
}
