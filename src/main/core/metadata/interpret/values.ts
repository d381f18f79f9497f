import { emptyInspection, type Inspection } from '@shared/provenance'

/** The generation facts every format is read into: an inspection's fields that say how the picture was made. */
export type GenerationFields = Pick<
  Inspection,
  'prompt' | 'negativePrompt' | 'seed' | 'steps' | 'cfg' | 'sampler' | 'width' | 'height' | 'model'
>

export const emptyFields = (): GenerationFields => {
  const { source: _source, workflow: _workflow, apiGraph: _apiGraph, restore: _restore, ...fields } = emptyInspection()
  return fields
}

/** Each field of `first` that is known, else the one of `second`: how a second source fills the gaps of the first. */
export function fillGaps(first: GenerationFields, second: GenerationFields): GenerationFields {
  const out = { ...first }
  for (const key of Object.keys(out) as (keyof GenerationFields)[]) {
    if (out[key] === null) (out as Record<string, unknown>)[key] = second[key]
  }
  return out
}

export type JsonObject = Record<string, unknown>

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** An own property only: keys read from a file must never reach `Object.prototype` (`constructor`, `__proto__`). */
export const own = (object: JsonObject, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined)

/** A finite number, or a string that is exactly one (tools disagree on whether `"20"` is a number). */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) {
    const number = Number(value)
    return Number.isFinite(number) ? number : null
  }
  return null
}

/** A positive whole number of pixels, or null: an inspection's sizes are integers. */
export function toPixels(value: unknown): number | null {
  const number = toNumber(value)
  return number !== null && Number.isInteger(number) && number > 0 ? number : null
}

/** A string worth showing: an empty or blank one says nothing, so it is null. */
export const toText = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null

/** A name-like value (a sampler, a model): text, or a number written as text. */
export function toName(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return toText(value)?.trim() ?? null
}
