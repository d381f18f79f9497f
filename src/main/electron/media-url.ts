import { MEDIA_SCHEME } from '@shared/client'
import { OutputId } from '@shared/output'
import { outputIdFromStep } from '../core/library/media'

/**
 * The hosts `courier-media://` answers for: `output` serves the saved file, `thumb` its thumbnail.
 * (Chromium lowercases the host, as the scheme is standard; Node's URL does not.)
 */
const HOSTS = { output: false, thumb: true } as const

export interface MediaTarget {
  outputId: string
  thumbnail: boolean
}

/**
 * `courier-media://output/<outputId>` (the file) or `courier-media://thumb/<outputId>` (its thumbnail) →
 * the decoded output id and which of the two; null for every other shape. Ids are database keys, never
 * paths: anything that could be read as a path step is refused here, before core even looks it up (core
 * confines the file to the library folder on its own as well). Kept free of Electron so that the refusals
 * can be tested in plain Node.
 */
export function parseMediaUrl(url: string): MediaTarget | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${MEDIA_SCHEME}:`) return null
  const host = parsed.host.toLowerCase()
  if (!Object.hasOwn(HOSTS, host) || parsed.username !== '' || parsed.password !== '') return null
  // The renderer builds these URLs from `mediaUrl(id)` alone, so a query means someone else built it.
  if (parsed.search !== '') return null

  const match = /^\/([^/]+)$/.exec(parsed.pathname)
  if (!match?.[1]) return null
  const id = outputIdFromStep(match[1])
  if (id === null || !OutputId.safeParse(id).success) return null
  return { outputId: id, thumbnail: HOSTS[host as keyof typeof HOSTS] }
}
