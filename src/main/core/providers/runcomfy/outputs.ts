import type { OutputKind } from '@shared/output'
import { kindFromName } from '../file-kinds'
import type { OutputRef } from '../types'

export { kindFromName }

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const looksLikeUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim())


function kindFromMime(mime: unknown): OutputKind | null {
  if (typeof mime !== 'string') return null
  const top = mime.split('/')[0]?.toLowerCase()
  return top === 'image' || top === 'video' || top === 'audio' || top === 'text' ? top : null
}

/** The last path segment of a URL, decoded; null when there is none. */
export function fileNameOfUrl(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').pop()
    return last ? decodeURIComponent(last) : null
  } catch {
    return null
  }
}

/** ComfyUI `ui` channels onto kinds; the file's extension wins when it says more (SaveWEBM reports `images`). */
const CHANNEL_KIND: Record<string, OutputKind> = {
  images: 'image',
  gifs: 'video',
  videos: 'video',
  video: 'video',
  audio: 'audio',
}
const channelKind = (channel: string): OutputKind | null => (Object.hasOwn(CHANNEL_KIND, channel) ? (CHANNEL_KIND[channel] ?? null) : null)

const naturalOrder = new Intl.Collator('en', { numeric: true }).compare

class Collector {
  readonly refs: OutputRef[] = []
  private readonly seen = new Set<string>()

  add(url: string, kind: OutputKind, filename: string | null): void {
    const trimmed = url.trim()
    if (this.seen.has(trimmed)) return
    this.seen.add(trimmed)
    this.refs.push({ url: trimmed, kind, filename })
  }
}

/**
 * ComfyUI deployments' node-keyed `outputs`: node id (possibly compound, "38:42") → channel → items
 * `{url, filename, subfolder, type}`. Raw values (`text: [["…"]]`) and anything without a URL are skipped.
 */
function collectNodeOutputs(outputs: unknown, into: Collector): void {
  if (!isObj(outputs)) return
  for (const nodeId of Object.keys(outputs).sort(naturalOrder)) {
    const node = outputs[nodeId]
    if (!isObj(node)) continue
    for (const [channel, value] of Object.entries(node)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        const url = isObj(item) ? item.url : item
        if (!looksLikeUrl(url)) continue
        const filename = isObj(item) && typeof item.filename === 'string' && item.filename ? item.filename : null
        const kind = kindFromName(filename ?? fileNameOfUrl(url)) ?? channelKind(channel) ?? 'file'
        into.add(url, kind, filename)
      }
    }
  }
}

/** The keys RunComfy's MCP server reads URLs from in a LoRA/Model `output`, with the kind each implies. */
const URL_KEYS: Record<string, OutputKind | null> = {
  url: null,
  path: null,
  image: 'image',
  images: 'image',
  video: 'video',
  videos: 'video',
  audio: 'audio',
}

/**
 * LoRA deployments' `output` (per the deployment's output schema): walks it like the MCP server does,
 * taking URL strings under `url, path, image, images, video, videos, audio` (alone or in arrays), and
 * also objects inside those arrays (`images: [{url}]`).
 */
function collectSchemaOutput(value: unknown, impliedKind: OutputKind | null, into: Collector): void {
  if (Array.isArray(value)) {
    for (const item of value) collectSchemaOutput(item, impliedKind, into)
    return
  }
  if (!isObj(value)) return
  const mimeKind = kindFromMime(value.content_type ?? value.mime_type ?? value.mime)
  for (const [key, nested] of Object.entries(value)) {
    const isUrlKey = Object.hasOwn(URL_KEYS, key)
    const keyKind = isUrlKey ? (URL_KEYS[key] ?? null) : null
    const kindHere = keyKind ?? impliedKind
    const strings = isUrlKey ? (Array.isArray(nested) ? nested : [nested]).filter(looksLikeUrl) : []
    for (const url of strings) {
      const filename = fileNameOfUrl(url)
      into.add(url, kindFromName(filename) ?? (keyKind === null ? mimeKind : null) ?? kindHere ?? 'file', filename)
    }
    if (typeof nested === 'object' && nested !== null) collectSchemaOutput(nested, kindHere, into)
  }
}

/**
 * Every downloadable file of a RunComfy result or webhook, de-duplicated, in a stable order: node-keyed
 * `outputs` first (nodes in natural id order, then channel, then item), then a LoRA `output`.
 */
export function toOutputRefs(result: { outputs?: unknown; output?: unknown }): OutputRef[] {
  const collector = new Collector()
  collectNodeOutputs(result.outputs, collector)
  collectSchemaOutput(result.output, null, collector)
  return collector.refs
}
