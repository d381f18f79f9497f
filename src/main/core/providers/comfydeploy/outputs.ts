import type { OutputKind } from '@shared/output'
import { kindFromName } from '../file-kinds'
import type { OutputRef } from '../types'
import type { RunOutputModel } from './schemas'

/**
 * ComfyUI `ui` keys that say what their files are (comfydeploy.md §8). `gifs` is VideoHelperSuite's key for
 * videos, whatever the container. Keys not listed here (`files`, `result`, anything new) are generic: the
 * file's extension decides, and a file with no telling extension is a plain file.
 */
const KEY_KIND: Record<string, OutputKind> = {
  images: 'image',
  gifs: 'video',
  videos: 'video',
  video: 'video',
  audio: 'audio',
  text_file: 'text',
  mesh: 'file',
  model_file: 'file',
}

/** Keys whose items are never files: `text` carries the strings a node showed. */
const NOT_FILES = new Set(['text'])


/** Still pictures that VideoHelperSuite may also list under `gifs`: shown as images, not played as video. */
const STILL_IN_GIFS = new Set(['gif', 'webp', 'png', 'apng'])

function extensionOf(item: { url: string; filename?: string | null }): string | null {
  const name = item.filename || (() => {
    try {
      return new URL(item.url).pathname
    } catch {
      return item.url
    }
  })()
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(name)
  return match ? (match[1] ?? '').toLowerCase() : null
}

/** An output item's kind: from its key when the key is specific, else from its extension. */
export function outputKind(key: string, item: { url: string; filename?: string | null }): OutputKind {
  const ext = extensionOf(item)
  if (key === 'gifs' && ext !== null && STILL_IN_GIFS.has(ext)) return 'image'
  if (Object.hasOwn(KEY_KIND, key)) return KEY_KIND[key] ?? 'file'
  return ext !== null ? (kindFromName(`x.${ext}`) ?? 'file') : 'file'
}

/** A `MediaItem` (`{url, filename, type, …}`), with a usable `filename` or none. */
function asMediaItem(item: unknown): { url: string; filename: string | null } | null {
  if (typeof item !== 'object' || item === null) return null
  const { url, filename } = item as { url?: unknown; filename?: unknown }
  if (typeof url !== 'string' || url === '') return null
  return { url, filename: typeof filename === 'string' && filename !== '' ? filename : null }
}

/** Every downloadable item of a run's outputs, in a stable order (output, then key, then item). */
export function toOutputRefs(outputs: readonly RunOutputModel[] | null | undefined): OutputRef[] {
  const refs: OutputRef[] = []
  const seen = new Set<string>()
  for (const output of outputs ?? []) {
    for (const [key, items] of Object.entries(output.data ?? {})) {
      if (NOT_FILES.has(key) || !Array.isArray(items)) continue
      for (const raw of items) {
        const item = asMediaItem(raw)
        if (item === null || seen.has(item.url)) continue
        seen.add(item.url)
        refs.push({ url: item.url, kind: outputKind(key, item), filename: item.filename })
      }
    }
  }
  return refs
}
