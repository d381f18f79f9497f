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
