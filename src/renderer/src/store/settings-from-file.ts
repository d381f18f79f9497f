import { seedField, type InputField } from '@shared/deployment'
import type { Inspection } from '@shared/provenance'
import type { DraftValue } from './form-model'

/** What a file's generation data put into a form it was not made with, and what had nowhere to go. */
export interface SettingsFill {
  /** Field id → value, for the fields that match. */
  values: Record<string, DraftValue>
  /** The labels of the fields filled, in form order. */
  filled: string[]
  /** What the file holds that no field takes, in words ("CFG scale 7", "Model sdxl.safetensors"). */
  notInForm: string[]
}

const named = (field: InputField, pattern: RegExp): boolean => pattern.test(field.id) || pattern.test(field.label)
const isText = (field: InputField): boolean => field.kind === 'prompt' || field.kind === 'text'
const isNumber = (field: InputField): boolean => field.kind === 'number' || field.kind === 'integer'
const NEGATIVE = /negative|\bneg\b|neg_/i

/** An option of an enum field the value names, however it is spelled ("Euler a" and "euler_a" are one). */
function optionFor(field: InputField, value: string): string | null {
  if (field.kind !== 'enum') return null
  const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '')
  return field.options?.find((option) => squash(option) === squash(value)) ?? null
}

interface Fact {
  /** The fact as the user reads it when it had nowhere to go. */
  words: string
  value: string | number
  /** The field that takes it, among those not yet filled. */
  find(fields: readonly InputField[]): InputField | undefined
  /** The value as the field takes it (an enum's own spelling), or null when this field cannot take it. */
  as?(field: InputField): DraftValue | null
}

/**
 * Maps a file's generation data onto the fields of the form on screen, by what the fields are (the prompt,
 * the seed) and what they are called (steps, cfg, width…): for files made elsewhere, whose inputs have no
 * ids of ours. Never by position. Each field takes at most one value.
 */
export function settingsFromFile(fields: readonly InputField[], data: Inspection): SettingsFill {
  const facts: Fact[] = []
  const add = (value: string | number | null, words: (v: string | number) => string, find: Fact['find'], as?: Fact['as']) => {
    if (value !== null && value !== '') facts.push({ words: words(value), value, find, ...(as ? { as } : {}) })
  }
  add(data.prompt, () => 'Prompt', (fs) => fs.find((f) => isText(f) && !named(f, NEGATIVE) && (f.kind === 'prompt' || named(f, /prompt/i))))
  add(data.negativePrompt, () => 'Negative prompt', (fs) => fs.find((f) => isText(f) && named(f, NEGATIVE)))
  add(data.seed, (v) => `Seed ${v}`, (fs) => seedField(fs))
  add(data.steps, (v) => `Steps ${v}`, (fs) => fs.find((f) => isNumber(f) && named(f, /steps?\b/i)))
  add(data.cfg, (v) => `CFG scale ${v}`, (fs) => fs.find((f) => isNumber(f) && named(f, /cfg|guidance/i)))
  add(data.width, (v) => `Width ${v}`, (fs) => fs.find((f) => isNumber(f) && named(f, /width/i)))
  add(data.height, (v) => `Height ${v}`, (fs) => fs.find((f) => isNumber(f) && named(f, /height/i)))
  add(
    data.sampler,
    (v) => `Sampler ${v}`,
    (fs) => fs.find((f) => f.kind === 'enum' && named(f, /sampler/i)),
    (f) => optionFor(f, String(data.sampler)),
  )
  add(
    data.model,
    (v) => `Model ${v}`,
    (fs) => fs.find((f) => (f.kind === 'enum' || f.kind === 'text') && named(f, /ckpt|checkpoint|model/i)),
    (f) => (f.kind === 'enum' ? optionFor(f, String(data.model)) : String(data.model)),
  )

  const values: Record<string, DraftValue> = {}
  const notInForm: string[] = []
  for (const fact of facts) {
    const open = fields.filter((f) => !(f.id in values))
    const field = fact.find(open)
    const value = field === undefined ? null : fact.as ? fact.as(field) : String(fact.value)
    if (field === undefined || value === null) notInForm.push(fact.words)
    else values[field.id] = value
  }
  const filled = fields.filter((f) => f.id in values).map((f) => f.label || f.id)
  return { values, filled, notInForm }
}
