import type { OutputKind } from '@shared/output'
import type { OutputRef } from '../types'
import type { RunOutputModel } from './schemas'

/** ComfyUI `ui` keys onto output kinds; anything else that carries a URL is kept as a file. */
const KEY_KIND: Record<string, OutputKind> = {
  images: 'image',
  gifs: 'video',
  videos: 'video',
  video: 'video',
  audio: 'audio',
  files: 'file',
  mesh: 'file',
  model_file: 'file',
  text_file: 'text',
}

const isMediaItem = (item: unknown): item is { url: string; filename?: string | null } =>
  typeof item === 'object' && item !== null && typeof (item as { url?: unknown }).url === 'string'

/** Every downloadable item of a run's outputs, in a stable order (output, then key, then item). */
export function toOutputRefs(outputs: readonly RunOutputModel[] | null | undefined): OutputRef[] {
  const refs: OutputRef[] = []
  const seen = new Set<string>()
  for (const output of outputs ?? []) {
    for (const [key, items] of Object.entries(output.data ?? {})) {
      for (const item of items) {
        if (!isMediaItem(item) || seen.has(item.url)) continue
        seen.add(item.url)
        const kind = Object.hasOwn(KEY_KIND, key) ? (KEY_KIND[key] ?? 'file') : 'file'
        refs.push({ url: item.url, kind, filename: item.filename ?? null })
      }
    }
  }
  return refs
}
