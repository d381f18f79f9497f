import { MEDIA_SCHEME, type CourierClient } from '@shared/client'
import type { Output } from '@shared/output'

const desktopPrefix = `${MEDIA_SCHEME}://output/`

/**
 * The thumbnail of a saved output, served next to the file: `courier-media://thumb/{id}` in the desktop app,
 * `/media/{id}?thumb=1` in web mode. Built from the transport's own `mediaUrl`, so it follows it.
 */
export function thumbUrl(client: Pick<CourierClient, 'mediaUrl'>, id: Output['id']): string {
  const url = client.mediaUrl(id)
  if (url.startsWith(desktopPrefix)) return `${MEDIA_SCHEME}://thumb/${url.slice(desktopPrefix.length)}`
  return `${url}${url.includes('?') ? '&' : '?'}thumb=1`
}

/**
 * What a tile shows: the thumbnail for images (main makes a missing one on request, so this holds whatever
 * `hasThumbnail` says; a tile falls back to the file if it fails) and for videos that have one; null
 * otherwise (a video then shows its first frame, other kinds an icon).
 */
export function previewUrl(client: Pick<CourierClient, 'mediaUrl'>, output: Output): string | null {
  return output.kind === 'image' || output.hasThumbnail ? thumbUrl(client, output.id) : null
}

/**
 * The output as a named download (`/media/{id}?download=1`: main names it from deployment, seed and index).
 * Null in the desktop app, whose files are opened or shown in their folder instead.
 */
export function downloadUrl(client: Pick<CourierClient, 'mediaUrl'>, id: Output['id']): string | null {
  const url = client.mediaUrl(id)
  if (url.startsWith(`${MEDIA_SCHEME}:`)) return null
  return `${url}${url.includes('?') ? '&' : '?'}download=1`
}

/** At most this many outputs in one ZIP (main's `ARCHIVE_MAX_FILES`). */
export const ARCHIVE_MAX_FILES = 500

/**
 * A ZIP of several outputs, or of a batch (`/archive?ids=…` / `/archive?batch=…` beside `/media/`). Null in the
 * desktop app, and for a selection over `ARCHIVE_MAX_FILES`.
 */
export function archiveUrl(client: Pick<CourierClient, 'mediaUrl'>, of: { ids: readonly string[] } | { batchId: string }): string | null {
  const probe = client.mediaUrl('probe' as Output['id'])
  if (probe.startsWith(`${MEDIA_SCHEME}:`)) return null
  const at = probe.indexOf('/media/')
  if (at < 0) return null
  const base = probe.slice(0, at)
  if ('batchId' in of) return `${base}/archive?batch=${encodeURIComponent(of.batchId)}`
  if (of.ids.length === 0 || of.ids.length > ARCHIVE_MAX_FILES) return null
  return `${base}/archive?ids=${of.ids.map(encodeURIComponent).join(',')}`
}
