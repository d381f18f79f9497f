import { EXIF_TAG, type RawMetadata } from '../raw'
import { objectOrJson, parseJsonObject, type ParsedJson } from './json'
import { isObject, own } from './values'

/** ComfyUI's two graphs as a file carries them, each as JSON text, null when absent. */
export interface ComfyGraphs {
  /** The API-format graph that ran (`prompt`). */
  apiGraph: ParsedJson | null
  /** The editor's UI-format graph (`workflow`), what dropping the file on ComfyUI loads. */
  workflow: ParsedJson | null
}

/** An API graph is an object of nodes, at least one with a `class_type`: not some other tool's `prompt` JSON. */
const isApiGraph = (parsed: ParsedJson | null): parsed is ParsedJson =>
  parsed !== null && Object.values(parsed.object).some((node) => isObject(node) && typeof own(node, 'class_type') === 'string')

/** A UI graph has a `nodes` list. */
const isWorkflow = (parsed: ParsedJson | null): parsed is ParsedJson => parsed !== null && Array.isArray(own(parsed.object, 'nodes'))

/** A text entry by key, exactly first, then in any case (Matroska tags are conventionally upper case). */
function textEntry(raw: RawMetadata, key: string): string | undefined {
  if (Object.hasOwn(raw.text, key)) return raw.text[key]
  const found = Object.keys(raw.text).find((name) => name.toLowerCase() === key)
  return found === undefined ? undefined : raw.text[found]
}

/**
 * ComfyUI's animated WebP (SaveAnimatedWEBP) writes each graph into EXIF as `key:{json}`: `prompt` in 0x0110
 * (Model), `workflow` in 0x010f (Make), any further extra data in the tags below that. The usual tags are
 * looked in first; any other EXIF text of that shape is taken too (custom savers count the same way).
 */
function fromExif(raw: RawMetadata, key: 'prompt' | 'workflow'): ParsedJson | null {
  const usual = key === 'prompt' ? EXIF_TAG.model : EXIF_TAG.make
  const tags = [usual, ...Object.keys(raw.exif).filter((tag) => tag !== usual)]
  for (const tag of tags) {
    const text = raw.exif[tag]
    if (typeof text === 'string' && text.startsWith(`${key}:`)) {
      const parsed = parseJsonObject(text.slice(key.length + 1))
      if (parsed) return parsed
    }
  }
  return null
}

/**
 * VideoHelperSuite's Video Combine writes one `comment` tag holding JSON `{ "prompt": …, "workflow": … }`,
 * each graph an object (or, in some versions and forks, JSON text of one).
 */
function fromVideoComment(raw: RawMetadata, key: 'prompt' | 'workflow'): ParsedJson | null {
  const comment = parseJsonObject(textEntry(raw, 'comment') ?? textEntry(raw, '©cmt'))
  return comment ? objectOrJson(own(comment.object, key)) : null
}

/** Both graphs, from wherever ComfyUI or VideoHelperSuite put them: PNG text and video tags, EXIF, a VHS comment. */
export function findComfyGraphs(raw: RawMetadata): ComfyGraphs {
  const find = (key: 'prompt' | 'workflow', valid: (parsed: ParsedJson | null) => parsed is ParsedJson): ParsedJson | null => {
    const candidates = [() => parseJsonObject(textEntry(raw, key)), () => fromExif(raw, key), () => fromVideoComment(raw, key)]
    for (const candidate of candidates) {
      const parsed = candidate()
      if (valid(parsed)) return parsed
    }
    return null
  }
  return { apiGraph: find('prompt', isApiGraph), workflow: find('workflow', isWorkflow) }
}
