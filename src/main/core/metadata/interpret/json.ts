import { isObject, type JsonObject } from './values'

/** Text longer than this is not parsed: generation data is kilobytes, a 64 MiB tag is junk or an attack. */
const MAX_JSON_CHARS = 32 * 1024 * 1024

/** JSON text as it was read, and the object it holds. */
export interface ParsedJson {
  object: JsonObject
  /** The text to keep: the original when it is valid JSON, else the object re-serialised compactly. */
  text: string
}

/**
 * A JSON object from a file's text, or null; never throws. Python's `json.dumps` (ComfyUI, its custom
 * nodes) writes `NaN` and `Infinity` for such floats, which `JSON.parse` refuses: those are read as null, so a
 * whole workflow is not lost to one odd widget value.
 */
export function parseJsonObject(text: string | undefined | null): ParsedJson | null {
  if (typeof text !== 'string' || text.length > MAX_JSON_CHARS) return null
  const trimmed = text.trim()
  if (!trimmed.startsWith('{')) return null
  const direct = tryParse(trimmed)
  if (direct !== undefined) return isObject(direct) ? { object: direct, text: trimmed } : null
  const repaired = tryParse(nullPythonFloats(trimmed))
  return isObject(repaired) ? { object: repaired, text: JSON.stringify(repaired) } : null
}

/** A value that may be an object already or JSON text of one (VideoHelperSuite writes both). */
export function objectOrJson(value: unknown): ParsedJson | null {
  if (isObject(value)) {
    try {
      return { object: value, text: JSON.stringify(value) }
    } catch {
      return null
    }
  }
  return typeof value === 'string' ? parseJsonObject(value) : null
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** `NaN`, `Infinity`, `-Infinity` outside strings become `null`; text inside strings is left alone. */
function nullPythonFloats(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (inString) {
      out += ch
      if (ch === '\\') out += text[++i] ?? ''
      else if (ch === '"') inString = false
      continue
    }
    if (ch === '"') inString = true
    const word = ch === 'N' || ch === 'I' || ch === '-' ? /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9))?.[0] : undefined
    if (word) {
      out += 'null'
      i += word.length - 1
    } else out += ch
  }
  return out
}
