import type { Deployment, InputField } from '@shared/deployment'
import { GRID_MAX_AXES, GRID_MAX_CELLS, type GridAxisArgs } from '@shared/grid'
import { canBeAxis, cellCount, cellCountError, isNumberField, isTextField, modesFor, parseAxis, valueError, type AxisMode, type AxisParse } from '@shared/grid-axes'
import type { InputValue, InputValues } from '@shared/run'
import { buildInputs, type Draft } from '../../store/form-model'
import type { AxisDraft, ListDraft } from '../../store/types'

export const AXIS_NAMES = ['X', 'Y', 'Z'] as const
export const axisName = (i: number): string => AXIS_NAMES[i] ?? String(i + 1)

export const modeLabels: Record<AxisMode, string> = {
  values: 'Values or ranges',
  fill: 'All options',
  random: 'Random seeds',
  sr: 'Search/replace in the text',
  lines: 'One value per line',
}

/** What each mode wants typed, shown under the box. */
export const modeHints: Record<AxisMode, string> = {
  values: 'Commas between values; "quotes" keep a comma. Numbers take ranges: 1-10 (+2) steps by 2, 1-10 [5] makes 5, 1-5 counts by 1.',
  fill: 'Every option of the list, in its order.',
  random: 'New seeds drawn within the input’s range.',
  sr: 'The first value is found in the text and replaced by each value in turn: dog, cat, red fox.',
  lines: 'Each line is one value (a whole prompt).',
}

export interface PlannedAxis {
  draft: AxisDraft
  field: InputField | undefined
  parse: AxisParse
}

export interface GridPlan {
  axes: PlannedAxis[]
  /** The fixed inputs every cell starts from (axis fields' own errors do not count). */
  inputs: InputValues
  /** Fixed inputs that are wrong, by field id (fields on an axis left out). */
  inputErrors: Record<string, string>
  cells: number
  /** Why the grid cannot be submitted as it is, in words; null when it can. */
  blocker: string | null
  /** The axes as `grids.submit` takes them (when every axis parses). */
  args: GridAxisArgs[] | null
}

/** The fields an axis may vary: every input but files, each used once. */
export const axisFields = (deployment: Deployment): InputField[] => deployment.inputs.filter(canBeAxis)

/** A new axis on the first field not on an axis yet (the seed first, then numbers, then the rest). */
export function newAxis(deployment: Deployment, taken: readonly string[], key: number): AxisDraft | null {
  const free = axisFields(deployment).filter((f) => !taken.includes(f.id))
  const pick = free.find((f) => f.kind === 'seed') ?? free.find(isNumberField) ?? free.find((f) => f.kind === 'enum') ?? free[0]
  if (pick === undefined) return null
  return draftFor(pick, key)
}

/** An axis on a field, in the field's first mode, with an example to start from. */
export function draftFor(field: InputField, key: number): AxisDraft {
  const mode = modesFor(field)[0] ?? 'values'
  return { key, input: field.id, mode, text: exampleText(field), count: 4, rolled: mode === 'random' ? rollSeeds(field, 4) : null }
}

/** Seeds drawn for a random axis (null when the field cannot give that many). */
export function rollSeeds(field: InputField, count: number): number[] | null {
  const res = parseAxis(field, { mode: 'random', text: '', count })
  return res.ok ? res.values.filter((v): v is number => typeof v === 'number') : null
}

function exampleText(field: InputField): string {
  if (field.kind === 'integer') {
    const lo = field.min ?? 1
    const hi = Math.min(field.max ?? lo + 30, lo + 30)
    return `${lo}-${hi} [4]`
  }
  if (field.kind === 'number') {
    const lo = field.min ?? 0
    const hi = field.max ?? lo + 10
    return `${lo}-${hi} [4]`
  }
  if (field.kind === 'boolean') return 'true, false'
  return ''
}

/** Parses every axis against its field (a random axis reads the seeds drawn for it). */
export function planGrid(deployment: Deployment, draft: Draft | undefined, axes: readonly AxisDraft[]): GridPlan {
  const built = buildInputs(deployment.inputs, draft)
  const onAxis = new Set(axes.map((a) => a.input))
  const inputErrors = Object.fromEntries(Object.entries(built.errors).filter(([id]) => !onAxis.has(id)))
  const planned: PlannedAxis[] = axes.map((axis) => {
    const field = deployment.inputs.find((f) => f.id === axis.input)
    if (field === undefined) return { draft: axis, field, parse: { ok: false, error: `${deployment.name} has no input ${axis.input} any more: choose another.` } }
    if (axis.mode === 'random') {
      if (axis.rolled === null || axis.rolled.length !== axis.count) {
        // Drawn only when asked for (never at each render): what is wrong with the count, or the way to draw them.
        let k = 0
        const check = parseAxis(field, axis, { random: () => (++k * 0.6180339887498949) % 1 })
        return { draft: axis, field, parse: check.ok ? { ok: false, error: 'Press “New seeds” to draw them.' } : check }
      }
      return { draft: axis, field, parse: { ok: true, values: axis.rolled, labels: axis.rolled.map(String) } }
    }
    const fixed = built.inputs[field.id]
    return { draft: axis, field, parse: parseAxis(field, axis, { prompt: typeof fixed === 'string' ? fixed : '' }) }
  })
  const cells = planned.every((a) => a.parse.ok) ? cellCount(planned.map((a) => (a.parse.ok ? a.parse : { values: [] }))) : 0
  const badAxis = planned.findIndex((a) => !a.parse.ok)
  const firstInputError = Object.entries(inputErrors)[0]
  const blocker =
    planned.length === 0
      ? 'Add an axis: the input the grid varies.'
      : badAxis >= 0
        ? `Fix the ${axisName(badAxis)} axis.`
        : cellCountError(cells) ??
          (firstInputError !== undefined ? `Fix ${deployment.inputs.find((f) => f.id === firstInputError[0])?.label ?? firstInputError[0]}: ${firstInputError[1]}` : null)
  const args = planned.every((a) => a.parse.ok)
    ? planned.map((a) => (a.parse.ok ? { input: a.draft.input, values: a.parse.values, labels: a.parse.labels } : { input: a.draft.input, values: [] }))
    : null
  return { axes: planned, inputs: built.inputs, inputErrors, cells, blocker, args }
}

export const canAddAxis = (deployment: Deployment, axes: readonly AxisDraft[]): boolean =>
  axes.length < GRID_MAX_AXES && axisFields(deployment).some((f) => !axes.some((a) => a.input === f.id))

// ---- prompt lists ----

export interface ListRow {
  values: InputValues
  /** Why this row cannot run, or null. */
  error: string | null
}

export interface ListPlan {
  rows: ListRow[]
  /** The inputs the rows set, in column order (for the preview's header). */
  columns: InputField[]
  inputs: InputValues
  blocker: string | null
}

/** The text field a prompt list fills by default: the prompt (not a negative one). */
export function promptFieldOf(deployment: Deployment): InputField | undefined {
  const texts = deployment.inputs.filter(isTextField)
  return texts.find((f) => f.kind === 'prompt' && !/neg/i.test(`${f.id} ${f.label}`)) ?? texts[0]
}

/** A CSV column's input, by its header: the field's id or label, however it is spelled. */
export function fieldForHeader(deployment: Deployment, header: string): string | null {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')
  const h = squash(header)
  if (h === '') return null
  const field = deployment.inputs.find((f) => squash(f.id) === h || squash(f.label) === h) ?? deployment.inputs.find((f) => f.kind !== 'image' && squash(f.id).endsWith(h))
  return field !== undefined && canBeAxis(field) ? field.id : null
}

function typed(field: InputField, text: string): { ok: true; value: InputValue } | { ok: false; error: string } {
  const parsed = parseAxis(field, { mode: 'values', text: field.kind === 'prompt' || field.kind === 'text' ? `"${text.replace(/"/g, '""')}"` : text })
  if (!parsed.ok) return parsed
  const [value] = parsed.values
  if (parsed.values.length !== 1 || value === undefined) return { ok: false, error: `“${text}” is more than one value.` }
  return { ok: true, value }
}

export function planList(deployment: Deployment, draft: Draft | undefined, list: ListDraft): ListPlan {
  const built = buildInputs(deployment.inputs, draft)
  let columns: InputField[] = []
  let rows: ListRow[] = []
  if (list.csv !== null) {
    const csv = list.csv
    const mapped = csv.mapping.map((id, col) => ({ col, field: id === null ? undefined : deployment.inputs.find((f) => f.id === id) })).filter((m): m is { col: number; field: InputField } => m.field !== undefined)
    columns = mapped.map((m) => m.field)
    rows = csv.rows.map((cells) => {
      const values: InputValues = {}
      for (const { col, field } of mapped) {
        const text = (cells[col] ?? '').trim()
        if (text === '') continue
        const one = typed(field, text)
        if (!one.ok) return { values, error: `${field.label || field.id}: ${one.error}` }
        values[field.id] = one.value
      }
      return { values, error: null }
    })
  } else {
    const field = deployment.inputs.find((f) => f.id === list.field) ?? promptFieldOf(deployment)
    if (field !== undefined) {
      columns = [field]
      rows = list.text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .map((line) => ({ values: { [field.id]: line }, error: valueError(field, line) }))
    }
  }
  const covered = new Set(columns.map((f) => f.id))
  const inputErrors = Object.entries(built.errors).filter(([id]) => !covered.has(id))
  const badRow = rows.findIndex((r) => r.error !== null)
  const mappedNone = list.csv !== null && columns.length === 0
  const blocker = mappedNone
    ? 'Choose the input of at least one column.'
    : rows.length === 0
      ? list.csv !== null
        ? 'The CSV has no rows under its header.'
        : 'Type or paste the prompts, one per line, or load a file.'
      : rows.length > GRID_MAX_CELLS
        ? `${rows.length} rows is more than one list may have (${GRID_MAX_CELLS}): split it.`
        : badRow >= 0
          ? `Row ${badRow + 1}: ${rows[badRow]?.error ?? ''}`
          : inputErrors[0] !== undefined
            ? `Fix ${deployment.inputs.find((f) => f.id === inputErrors[0]?.[0])?.label ?? inputErrors[0][0]}: ${inputErrors[0][1]}`
            : null
  return { rows, columns, inputs: built.inputs, blocker }
}
