import type { InputField } from '@shared/deployment'
import type { InputValues } from '@shared/run'

/** What a control holds: text for text-like and number inputs (so "1." or "" survive typing), a flag for checkboxes. */
export type DraftValue = string | boolean

export interface Draft {
  values: Record<string, DraftValue>
  /** Seed fields whose value is re-rolled on every submit. */
  randomEachRun: Record<string, boolean>
}

export const emptyDraft = (): Draft => ({ values: {}, randomEachRun: {} })

export const draftKey = (provider: string, deploymentId: string): string => `${provider}/${deploymentId}`

const numericKinds = new Set<InputField['kind']>(['number', 'integer', 'seed'])
export const isNumeric = (field: InputField): boolean => numericKinds.has(field.kind)
const isWhole = (field: InputField): boolean => field.kind === 'integer' || field.kind === 'seed'

/** The control value a field starts with. */
export function defaultDraftValue(field: InputField): DraftValue {
  const d = field.defaultValue
  if (field.kind === 'boolean') return d === true || d === 'true'
  if (d === null || d === undefined) return ''
  return String(d)
}

/** The value the control shows: the draft's if the user touched it, else the field's default. */
export function valueOf(field: InputField, draft: Draft | undefined): DraftValue {
  const v = draft?.values[field.id]
  if (field.kind === 'boolean') return typeof v === 'boolean' ? v : defaultDraftValue(field)
  return typeof v === 'string' ? v : defaultDraftValue(field)
}

/** Kinds whose value is one file: a URL, or what `uploads.create` returned for a picked file. */
const fileKinds = new Set<InputField['kind']>(['image', 'video', 'audio', 'file'])
export const isFileKind = (kind: InputField['kind']): boolean => fileKinds.has(kind)
/** Kinds the Generate form offers a file picker for. */
export const takesFiles = (kind: InputField['kind']): boolean => fileKinds.has(kind) || kind === 'images'

/**
 * The entries of an `images` value: a JSON array of strings as the form keeps it, or (from a workflow
 * default or an older draft) one bare URL. Anything else reads as one entry, so validation can name it.
 */
export function imageList(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      if (Array.isArray(parsed)) return parsed.map((x) => (typeof x === 'string' ? x.trim() : String(x))).filter((x) => x !== '')
    } catch {
      // Not JSON after all: fall through and treat it as one (probably invalid) entry.
    }
  }
  return [trimmed]
}

/** The control text for a list of images: '' when empty, else a JSON array. */
export const imagesText = (list: readonly string[]): string => (list.length === 0 ? '' : JSON.stringify(list))

const kindNoun: Record<string, string> = { image: 'an image URL', video: 'a video URL', audio: 'an audio URL', file: 'a file URL' }

/** A URL the service can fetch (http/https), or a data URI (of an image, for image inputs). */
function validateFileValue(kind: InputField['kind'], text: string): string | null {
  const message = `Enter ${kindNoun[kind] ?? 'a URL'} starting with https://, or choose a file.`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return message
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') return null
  if (url.protocol === 'data:' && (kind !== 'image' || /^data:image\//i.test(text))) return null
  return message
}

const formatLimit = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 6 })

/** The one message a field shows, or null when its value can be sent. */
export function validateField(field: InputField, value: DraftValue): string | null {
  if (field.kind === 'boolean') return null
  const text = typeof value === 'string' ? value.trim() : ''
  if (text === '') return field.required ? `${field.label || field.id} is required.` : null
  if (isNumeric(field)) {
    const n = Number(text)
    if (!Number.isFinite(n)) return 'Enter a number.'
    if (isWhole(field) && !Number.isInteger(n)) return 'Enter a whole number.'
    if (field.min !== undefined && n < field.min) return `Must be at least ${formatLimit(field.min)}.`
    if (field.max !== undefined && n > field.max) return `Must be at most ${formatLimit(field.max)}.`
    return null
  }
  if (field.kind === 'enum' && field.options !== undefined && field.options.length > 0 && !field.options.includes(text)) {
    return 'Pick one of the listed options.'
  }
  if (isFileKind(field.kind)) return validateFileValue(field.kind, text)
  if (field.kind === 'images') {
    const list = imageList(text)
    for (const [i, item] of list.entries()) {
      const problem = validateFileValue('image', item)
      if (problem !== null) return list.length === 1 ? problem : `Image ${i + 1}: ${problem}`
    }
    if (list.length === 0) return field.required ? `${field.label || field.id} is required.` : null
  }
  return null
}

/** Turns a draft into the inputs `runs.submit` takes, or says which fields are wrong. Empty optional fields are left out so the workflow's own default applies. */
export function buildInputs(fields: readonly InputField[], draft: Draft | undefined): { inputs: InputValues; errors: Record<string, string> } {
  const inputs: InputValues = {}
  const errors: Record<string, string> = {}
  for (const field of fields) {
    const value = valueOf(field, draft)
    const problem = validateField(field, value)
    if (problem !== null) {
      errors[field.id] = problem
      continue
    }
    if (typeof value === 'boolean') {
      inputs[field.id] = value
      continue
    }
    const text = value.trim()
    if (text === '') continue
    if (field.kind === 'images') {
      const list = imageList(text)
      if (list.length > 0) inputs[field.id] = JSON.stringify(list)
      continue
    }
    inputs[field.id] = isNumeric(field) ? Number(text) : field.kind === 'enum' || isFileKind(field.kind) ? text : value
  }
  return { inputs, errors }
}

const DEFAULT_SEED_MAX = 2 ** 32 - 1

/** A whole number inside the seed field's bounds (0 to 2³²−1 unless the field says otherwise). */
export function randomSeed(field: InputField, random: () => number): number {
  const lo = Math.ceil(Math.max(field.min ?? 0, Number.MIN_SAFE_INTEGER))
  const hi = Math.floor(Math.min(field.max ?? DEFAULT_SEED_MAX, Number.MAX_SAFE_INTEGER))
  if (hi <= lo) return lo
  return lo + Math.floor(random() * (hi - lo + 1))
}

/** Uniform in [0, 1) from the platform's CSPRNG, 53 bits. */
export function cryptoRandom(): number {
  const words = crypto.getRandomValues(new Uint32Array(2))
  const hi = (words[0] ?? 0) >>> 5
  const lo = (words[1] ?? 0) >>> 6
  return (hi * 67108864 + lo) / 9007199254740992
}

/** A draft holding a past run's inputs, as the controls hold them (numbers as text, flags as flags). */
export function draftFromInputs(inputs: InputValues): Draft {
  const draft = emptyDraft()
  for (const [id, v] of Object.entries(inputs)) draft.values[id] = typeof v === 'boolean' ? v : String(v)
  return draft
}
