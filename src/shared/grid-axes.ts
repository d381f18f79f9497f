import type { InputField } from './deployment'
import { GRID_MAX_CELLS, type GridAxis } from './grid'
import type { InputValue, InputValues } from './run'

/**
 * Axis specs of comparison grids (issue 18), parsed into literal input values before `grids.submit`. Pure and
 * shared, so the CLI takes the same specs as Generate's grid editor.
 *
 * - `values`: a comma list (`euler, "a, b", ddim`; double quotes keep commas, `""` is a quote), where each item
 *   of a number field may be a range: `1-10 (+2)` (a step, also `10-1 (-3)` or `1-2 (+0.25)`), `1-10 [5]` (a
 *   count, evenly spaced, rounded for whole-number fields) or `1-5` (step 1, whole numbers only).
 * - `fill`: every option of an enum field (the text is not read).
 * - `random`: `count` random seeds within the field's bounds (the text is not read).
 * - `sr`: prompt search/replace: a comma list whose first item is found in the prompt and replaced by each item in
 *   turn (the first cell keeps the prompt as it is); the values are the full prompts, the labels the words.
 * - `lines`: one value per line (blank lines skipped), for whole prompts.
 */
export const AXIS_MODES = ['values', 'fill', 'random', 'sr', 'lines'] as const
export type AxisMode = (typeof AXIS_MODES)[number]

export interface AxisSpec {
  /** The input's field id. */
  input: string
  mode: AxisMode
  /** What the user typed (ignored by `fill` and `random`). */
  text: string
  /** How many random seeds (`random`). */
  count?: number
}

export type AxisParse = { ok: true; values: InputValue[]; labels: string[] } | { ok: false; error: string }

export interface ParseContext {
  /** The prompt an `sr` axis searches (the field's fixed value). */
  prompt?: string
  /** Uniform in [0, 1), for random seeds. */
  random?: () => number
}

/** The widest a label may be in the contract. */
const LABEL_MAX = 500
const SEED_MAX = 4294967295

const fail = (error: string): AxisParse => ({ ok: false, error })

export const isNumberField = (field: Pick<InputField, 'kind'>): boolean => field.kind === 'number' || field.kind === 'integer' || field.kind === 'seed'
export const isWholeField = (field: Pick<InputField, 'kind'>): boolean => field.kind === 'integer' || field.kind === 'seed'
export const isTextField = (field: Pick<InputField, 'kind'>): boolean => field.kind === 'prompt' || field.kind === 'text'
/** Inputs an axis can vary: files are not (each cell would need its own upload). */
export const canBeAxis = (field: Pick<InputField, 'kind'>): boolean => isNumberField(field) || isTextField(field) || field.kind === 'enum' || field.kind === 'boolean'

/** The modes that make sense for a field, the first being the default. */
export function modesFor(field: Pick<InputField, 'kind'>): AxisMode[] {
  if (field.kind === 'seed') return ['random', 'values']
  if (field.kind === 'enum') return ['fill', 'values']
  if (isTextField(field)) return field.kind === 'prompt' ? ['sr', 'lines', 'values'] : ['values', 'sr', 'lines']
  return ['values']
}

/**
 * Splits a comma list. Items are trimmed; `"…"` keeps commas and spaces (`""` inside is one quote). An empty item
 * (`a,,b`, a trailing comma) or an unclosed quote is an error.
 */
export function splitList(text: string): { ok: true; items: string[] } | { ok: false; error: string } {
  const items: string[] = []
  let i = 0
  const n = text.length
  while (i <= n) {
    while (i < n && /\s/.test(text[i] ?? '')) i++
    let item = ''
    if (text[i] === '"') {
      i++
      let closed = false
      while (i < n) {
        const c = text[i]
        if (c === '"') {
          if (text[i + 1] === '"') {
            item += '"'
            i += 2
            continue
          }
          closed = true
          i++
          break
        }
        item += c
        i++
      }
      if (!closed) return { ok: false, error: 'A quote is not closed: end the quoted value with ".' }
      while (i < n && /\s/.test(text[i] ?? '')) i++
      if (i < n && text[i] !== ',') return { ok: false, error: `Put a comma after the quoted value "${item}".` }
    } else {
      const end = text.indexOf(',', i)
      item = (end < 0 ? text.slice(i) : text.slice(i, end)).trim()
      i = end < 0 ? n : end
      if (item === '') {
        if (items.length === 0 && end < 0) break
        return { ok: false, error: items.length === 0 ? 'The list starts with an empty value: remove the first comma.' : `Value ${items.length + 1} is empty: remove the extra comma.` }
      }
    }
    items.push(item)
    if (i >= n) break
    i++ // the comma
    if (i >= n) return { ok: false, error: 'The list ends with a comma: remove it or add a value.' }
  }
  return { ok: true, items }
}

const NUM = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?'
const RANGE = new RegExp(`^(${NUM})\\s*-\\s*(${NUM})\\s*(?:\\(\\s*(${NUM})\\s*\\)|\\[\\s*(${NUM})\\s*\\])?$`, 'i')

/** How many decimals a number is written with ("0.25" → 2). */
const decimalsOf = (text: string): number => {
  const m = /\.(\d+)/.exec(text)
  return m?.[1]?.length ?? 0
}
const roundTo = (value: number, decimals: number): number => Number(value.toFixed(Math.min(12, decimals)))

/** Expands `a-b (+s)`, `a-b [n]` or `a-b`; null when the text is not a range. */
export function parseRange(text: string, whole: boolean): { ok: true; values: number[] } | { ok: false; error: string } | null {
  const m = RANGE.exec(text.trim())
  if (m === null) return null
  const [, a = '', b = '', stepText, countText] = m
  const start = Number(a)
  const end = Number(b)
  if (countText !== undefined) {
    const count = Number(countText)
    if (!Number.isInteger(count) || count < 1) return { ok: false, error: `The count in ${text.trim()} must be a whole number of at least 1.` }
    if (count > GRID_MAX_CELLS) return { ok: false, error: `${text.trim()} asks for ${count} values: at most ${GRID_MAX_CELLS}.` }
    if (count === 1) return { ok: true, values: [whole ? Math.round(start) : start] }
    const decimals = Math.max(decimalsOf(a), decimalsOf(b)) + 4
    const values: number[] = []
    for (let k = 0; k < count; k++) {
      const raw = start + ((end - start) * k) / (count - 1)
      const value = whole ? Math.round(raw) : roundTo(raw, decimals)
      if (values[values.length - 1] !== value) values.push(value)
    }
    return { ok: true, values }
  }
  if (stepText === undefined && !whole) {
    return { ok: false, error: `Say how ${text.trim()} steps: add a step such as (+0.5), or a count such as [5].` }
  }
  const step = stepText === undefined ? (end >= start ? 1 : -1) : Number(stepText)
  if (step === 0) return { ok: false, error: `The step in ${text.trim()} is 0: it would never reach ${b}.` }
  if (start !== end && Math.sign(end - start) !== Math.sign(step)) {
    return { ok: false, error: `The step ${stepText ?? step} in ${text.trim()} goes away from ${b}: use ${step > 0 ? '-' : '+'}${Math.abs(step)}.` }
  }
  if (whole && !Number.isInteger(step)) return { ok: false, error: `This input takes whole numbers: the step in ${text.trim()} must be one too.` }
  const span = Math.abs(end - start) / Math.abs(step)
  if (span + 1 > GRID_MAX_CELLS + 1e-9) return { ok: false, error: `${text.trim()} makes ${Math.floor(span + 1)} values: at most ${GRID_MAX_CELLS}.` }
  const decimals = Math.max(decimalsOf(a), decimalsOf(stepText ?? ''), 0)
  const values: number[] = []
  for (let k = 0; k <= Math.floor(span + 1e-9); k++) values.push(roundTo(start + step * k, decimals))
  return { ok: true, values }
}

const BOOLEANS: Record<string, boolean> = { true: true, yes: true, on: true, '1': true, false: false, no: false, off: false, '0': false }

/** One typed item as the field takes it. */
function valueFor(field: InputField, item: string): { ok: true; value: InputValue } | { ok: false; error: string } {
  if (isNumberField(field)) {
    const value = Number(item)
    if (item.trim() === '' || !Number.isFinite(value)) return { ok: false, error: `“${item}” is not a number.` }
    return { ok: true, value }
  }
  if (field.kind === 'boolean') {
    const value = BOOLEANS[item.toLowerCase()]
    if (value === undefined) return { ok: false, error: `“${item}” is not on or off: use true or false.` }
    return { ok: true, value }
  }
  if (field.kind === 'enum') {
    const option = field.options?.find((o) => o === item) ?? field.options?.find((o) => o.toLowerCase() === item.toLowerCase())
    return option === undefined ? { ok: true, value: item } : { ok: true, value: option }
  }
  return { ok: true, value: item }
}

const labelOf = (value: InputValue): string => {
  const text = String(value).replace(/\s+/g, ' ').trim()
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text
}

/** Why a value does not fit a field (its bounds, whole numbers, its options), or null. */
export function valueError(field: InputField, value: InputValue): string | null {
  const name = field.label || field.id
  if (isNumberField(field)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} takes numbers: “${String(value)}” is not one.`
    if (isWholeField(field) && !Number.isInteger(value)) return `${name} takes whole numbers: ${value} is not one.`
    if (field.min !== undefined && value < field.min) return `${name} is at least ${field.min}: ${value} is below it.`
    if (field.max !== undefined && value > field.max) return `${name} is at most ${field.max}: ${value} is above it.`
    return null
  }
  if (field.kind === 'enum') {
    if (field.options !== undefined && field.options.length > 0 && !field.options.includes(String(value))) {
      return `${name} has no option “${String(value)}”: choose from ${field.options.join(', ')}.`
    }
    return null
  }
  if (field.kind === 'boolean' && typeof value !== 'boolean') return `${name} is on or off: “${String(value)}” is neither.`
  return null
}

/** The first value of an axis that does not fit its field, as an error, or null when all do. */
export function validateValues(field: InputField, values: readonly InputValue[]): string | null {
  for (const value of values) {
    const error = valueError(field, value)
    if (error !== null) return error
  }
  return null
}

/** Parses one axis for a field. The values are checked against the field (bounds, whole numbers, options). */
export function parseAxis(field: InputField, spec: Pick<AxisSpec, 'mode' | 'text' | 'count'>, ctx: ParseContext = {}): AxisParse {
  const name = field.label || field.id
  const text = spec.text
  let values: InputValue[]
  let labels: string[] | null = null
  switch (spec.mode) {
    case 'fill': {
      if (field.kind !== 'enum' || field.options === undefined || field.options.length === 0) return fail(`${name} has no options to fill the axis with.`)
      values = [...field.options]
      break
    }
    case 'random': {
      if (!isNumberField(field)) return fail(`${name} is not a number: random values need a seed or number input.`)
      const count = spec.count ?? 0
      if (!Number.isInteger(count) || count < 1) return fail('Say how many random seeds: a whole number of at least 1.')
      if (count > GRID_MAX_CELLS) return fail(`At most ${GRID_MAX_CELLS} random seeds.`)
      const min = Math.ceil(field.min ?? 0)
      const max = Math.floor(Math.min(field.max ?? SEED_MAX, Number.MAX_SAFE_INTEGER))
      if (max - min + 1 < count) return fail(`${name} has only ${max - min + 1} values between ${min} and ${max}.`)
      const random = ctx.random ?? Math.random
      const seen = new Set<number>()
      while (seen.size < count) seen.add(min + Math.floor(random() * (max - min + 1)))
      values = [...seen]
      break
    }
    case 'sr': {
      if (!isTextField(field)) return fail(`Search/replace works on text: ${name} is not text.`)
      const list = splitList(text)
      if (!list.ok) return fail(list.error)
      if (list.items.length < 2) return fail('Give the words to find, then at least one replacement: “dog, cat, fox”.')
      const [search = '', ...rest] = list.items
      const prompt = ctx.prompt ?? ''
      if (!prompt.includes(search)) return fail(`“${search}” is not in the ${name.toLowerCase()}: the first value is what gets replaced, so it must be in it.`)
      values = [search, ...rest].map((word) => prompt.split(search).join(word))
      labels = [search, ...rest].map(labelOf)
      break
    }
    case 'lines': {
      if (!isTextField(field)) return fail(`One value per line is for text: ${name} is not text.`)
      values = text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '')
      if (values.length === 0) return fail('Type one value per line.')
      break
    }
    case 'values': {
      if (text.trim() === '') return fail('Type the values, separated by commas.')
      const list = splitList(text)
      if (!list.ok) return fail(list.error)
      values = []
      for (const item of list.items) {
        const range = isNumberField(field) ? parseRange(item, isWholeField(field)) : null
        if (range !== null) {
          if (!range.ok) return fail(range.error)
          values.push(...range.values)
          continue
        }
        const one = valueFor(field, item)
        if (!one.ok) return fail(one.error)
        values.push(one.value)
      }
      break
    }
    default:
      return fail('Unknown kind of axis.')
  }
  if (values.length > GRID_MAX_CELLS) return fail(`${values.length} values: an axis takes at most ${GRID_MAX_CELLS}.`)
  const invalid = validateValues(field, values)
  if (invalid !== null) return fail(invalid)
  return { ok: true, values, labels: labels ?? values.map(labelOf) }
}

/** How many cells the axes make: the product of their lengths (0 without axes). */
export function cellCount(axes: ReadonlyArray<{ values: readonly unknown[] }>): number {
  if (axes.length === 0) return 0
  return axes.reduce((n, axis) => n * axis.values.length, 1)
}

/** Why a grid of this many cells is refused, or null. */
export function cellCountError(count: number): string | null {
  return count > GRID_MAX_CELLS ? `${count} cells is more than a grid may have (${GRID_MAX_CELLS}): fewer values on an axis, or split it into grids.` : null
}

/** A value written back as a list item (quoted when it holds a comma or a quote or spaces at its ends). */
export function listItem(value: InputValue): string {
  const text = String(value)
  return /[",]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * An axis of a saved grid as the editor shows it again: search/replace when its labels are the words replaced
 * in the fixed prompt, one per line for text with commas, else a comma list.
 */
export function specOfAxis(axis: GridAxis, field: InputField | undefined, inputs: InputValues): AxisSpec {
  const fixed = inputs[axis.input]
  const [search] = axis.labels
  if (field !== undefined && isTextField(field) && typeof fixed === 'string' && search !== undefined && search !== '' && fixed.includes(search)) {
    const isSr = axis.values.every((value, i) => value === fixed.split(search).join(axis.labels[i] ?? ''))
    if (isSr && axis.values.length >= 2) return { input: axis.input, mode: 'sr', text: axis.labels.map(listItem).join(', ') }
  }
  if (field !== undefined && isTextField(field) && axis.values.some((v) => typeof v === 'string' && v.includes(',')) && !axis.values.some((v) => String(v).includes('\n'))) {
    return { input: axis.input, mode: 'lines', text: axis.values.map(String).join('\n') }
  }
  return { input: axis.input, mode: 'values', text: axis.values.map(listItem).join(', ') }
}

/**
 * A CSV's rows (RFC 4180: commas, double quotes, `""`, CRLF or LF), blank lines skipped. For prompt lists:
 * the first row names the columns.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  const src = text.replace(/^\uFEFF/, '')
  const endRow = () => {
    row.push(cell)
    if (!(row.length === 1 && row[0]?.trim() === '')) rows.push(row)
    row = []
    cell = ''
  }
  while (i < src.length) {
    const c = src[i] ?? ''
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else cell += c
      i++
      continue
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true
      cell = ''
    } else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++
      endRow()
    } else cell += c
    i++
  }
  if (cell !== '' || row.length > 0) endRow()
  return rows.map((r) => r.map((c) => c.trim()))
}
