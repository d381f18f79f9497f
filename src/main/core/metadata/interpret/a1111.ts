import { toNumber, toPixels } from './values'

/**
 * AUTOMATIC1111's `parameters` text, the de-facto exchange format (Forge, SD.Next, Civitai and most
 * galleries read and write it):
 *
 *     a cat in a hat
 *     Negative prompt: blurry,
 *     lowres
 *     Steps: 20, Sampler: Euler a, Schedule type: Karras, CFG scale: 7, Seed: 123, Size: 512x768, Model: sd15
 *
 * Read as A1111's own `parse_generation_parameters` reads it, so we agree with it on every file: lines are
 * trimmed, everything from a `Negative prompt:` line on is the negative, and the last line holds the
 * parameters only when it has at least three `Key: value` pairs (else it is part of the prompt). A value
 * is JSON-quoted when it has a comma, colon or line break (`Lora hashes: "a: 1, b: 2"`).
 */
export interface A1111Parameters {
  prompt: string
  negativePrompt: string | null
  steps: number | null
  sampler: string | null
  cfg: number | null
  seed: number | null
  width: number | null
  height: number | null
  model: string | null
  /** Every other `Key: value` of the parameters line, as text (`Schedule type`, `Model hash`, `Hires upscale`…). */
  extra: Record<string, string>
}

/** What `formatA1111` writes: the parsed shape, with a prompt that may be missing and `extra` optional. */
export type A1111Input = Omit<A1111Parameters, 'prompt' | 'extra'> & { prompt: string | null; extra?: Record<string, string> }

const NEGATIVE = 'Negative prompt:'
/**
 * A1111's `re_param`, Unicode-aware as Python's `\w` is, with keys held to 100 characters: unbounded, a long
 * line with no colon costs time growing with the square of its length (keys are a few words).
 */
const PARAM = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]{1,99}):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu
const KEY = /^[\p{L}\p{N}_][\p{L}\p{N}_ \-/]{1,99}$/u
const SIZE = /^(\d+)x(\d+)$/

/** The keys that have a field of their own; every other key goes to `extra`. */
const FIELD_KEYS = new Set(['Steps', 'Sampler', 'CFG scale', 'Seed', 'Size', 'Model'])

function params(line: string): [string, string][] {
  return [...line.matchAll(PARAM)].map((match) => [match[1]!, unquote(match[2]!)])
}

/** A1111's `unquote`: a value in double quotes is JSON, unless it does not parse. */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value
  try {
    const parsed = JSON.parse(value) as unknown
    return typeof parsed === 'string' ? parsed : value
  } catch {
    return value
  }
}

/** Parses `parameters` text; null only for text with nothing in it. */
export function parseA1111(text: string): A1111Parameters | null {
  if (typeof text !== 'string' || text.trim() === '') return null
  const lines = text.trim().split('\n')
  const last = lines.at(-1)!
  // A1111's rule (three pairs), plus a line that starts as A1111 always starts it, so a sparse one still counts.
  const hasParams = lines.length > 0 && (params(last).length >= 3 || /^Steps: \d/.test(last.trim()))
  const body = hasParams ? lines.slice(0, -1) : lines

  const prompt: string[] = []
  const negative: string[] = []
  let inNegative = false
  for (const raw of body) {
    let line = raw.trim()
    if (line.startsWith(NEGATIVE)) {
      inNegative = true
      line = line.slice(NEGATIVE.length).trim()
    }
    ;(inNegative ? negative : prompt).push(line)
  }

  const out: A1111Parameters = {
    prompt: prompt.join('\n'),
    negativePrompt: inNegative ? negative.join('\n') : null,
    steps: null,
    sampler: null,
    cfg: null,
    seed: null,
    width: null,
    height: null,
    model: null,
    extra: {},
  }
  for (const [key, value] of hasParams ? params(last) : []) {
    if (!readField(out, key, value) && !Object.hasOwn(out.extra, key)) out.extra[key] = value
  }
  return out
}

/** Puts a value in its own field; false when the key has none or the value does not fit it (kept in `extra`). */
function readField(out: A1111Parameters, key: string, value: string): boolean {
  switch (key) {
    case 'Steps':
      return (out.steps = toNumber(value)) !== null
    case 'CFG scale':
      return (out.cfg = toNumber(value)) !== null
    case 'Seed':
      return (out.seed = toNumber(value)) !== null
    case 'Sampler':
      out.sampler = value
      return true
    case 'Model':
      out.model = value
      return true
    case 'Size': {
      const match = SIZE.exec(value)
      out.width = match ? toPixels(match[1]) : null
      out.height = match ? toPixels(match[2]) : null
      return out.width !== null && out.height !== null
    }
    default:
      return false
  }
}

/**
 * A1111's `quote`, a little wider: a value that would not read back as itself unquoted (a comma, colon or
 * line break, a leading quote, space at either end) is written as a JSON string.
 */
function quote(value: string): string {
  return /[,:\n\r"]|^\s|\s$/.test(value) || value === '' ? JSON.stringify(value) : value
}

/**
 * Writes `parameters` text, in A1111's order (`Schedule type` after the sampler, `Model hash` before the
 * model, other extras after). The inverse of `parseA1111` for what A1111 itself can hold: a negative prompt
 * that is empty is not written (it reads back as null), a size needs both sides, and a key A1111 could not
 * read back (one with a colon, a comma, a leading space) is left out.
 */
export function formatA1111(p: A1111Input): string {
  const extra = p.extra ?? {}
  const pairs: [string, string][] = []
  const add = (key: string, value: string | number | null | undefined) => {
    if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return
    pairs.push([key, typeof value === 'number' ? String(value) : value])
  }
  const fromExtra = (key: string) => (Object.hasOwn(extra, key) && !FIELD_KEYS.has(key) ? extra[key] : undefined)
  add('Steps', p.steps)
  add('Sampler', p.sampler)
  add('Schedule type', fromExtra('Schedule type'))
  add('CFG scale', p.cfg)
  add('Seed', p.seed)
  if (p.width !== null && p.height !== null) add('Size', `${p.width}x${p.height}`)
  add('Model hash', fromExtra('Model hash'))
  add('Model', p.model)
  for (const [key, value] of Object.entries(extra)) {
    if (key === 'Schedule type' || key === 'Model hash' || FIELD_KEYS.has(key) || !KEY.test(key) || typeof value !== 'string') continue
    add(key, value)
  }

  const lines = [p.prompt ?? '']
  if (p.negativePrompt) lines.push(`${NEGATIVE} ${p.negativePrompt}`)
  if (pairs.length > 0) lines.push(pairs.map(([key, value]) => `${key}: ${quote(value)}`).join(', '))
  return lines.join('\n').trim()
}
