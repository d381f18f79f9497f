import type { InputField } from '@shared/deployment'
import type { GridAxisArgs } from '@shared/grid'
import { parseAxis as parseFieldAxis, type AxisSpec } from '@shared/grid-axes'
import { usage } from './exit-codes'

/**
 * A grid axis from the command line: `input=values`, read by the same parser as the app's grid editor
 * (`@shared/grid-axes`), so an axis means the same typed in either:
 * - a comma list or ranges: `seed=1,2,3`, `steps=10-30 (+10)`, `cfg=4-8 [5]`, `"prompt=a cat, sitting","a dog"`;
 * - `sampler=fill`: every option of an enum input;
 * - `seed=random:5`: five random seeds within the input's bounds;
 * - `prompt=sr:dog,cat,fox`: search/replace in the prompt given with the fixed inputs (the first word is found
 *   and replaced by each of the others).
 */
export function splitAxis(spec: string, flag = '--x'): Omit<AxisSpec, 'input'> & { input: string } {
  const eq = spec.indexOf('=')
  if (eq <= 0) throw usage(`${flag} "${spec}": write input=values, e.g. seed=1,2,3 or steps=10-30 (+10)`)
  const input = spec.slice(0, eq).trim()
  const text = spec.slice(eq + 1)
  if (text.trim() === 'fill') return { input, mode: 'fill', text: '' }
  const random = /^\s*random\s*:\s*(\d+)\s*$/.exec(text)
  if (random) return { input, mode: 'random', text: '', count: Number(random[1]) }
  if (/^\s*sr\s*:/.test(text)) return { input, mode: 'sr', text: text.replace(/^\s*sr\s*:/, '') }
  return { input, mode: 'values', text }
}

/** The axis as `grids.submit` takes it, checked against the deployment's input (bounds, whole numbers, options). */
export function axisFor(spec: ReturnType<typeof splitAxis>, field: InputField, fixed: Record<string, unknown>, flag: string): GridAxisArgs {
  const prompt = fixed[field.id] ?? field.defaultValue
  const parsed = parseFieldAxis(field, spec, typeof prompt === 'string' ? { prompt } : {})
  if (!parsed.ok) throw usage(`${flag} ${spec.input}: ${parsed.error}`)
  return { input: spec.input, values: parsed.values, labels: parsed.labels }
}
