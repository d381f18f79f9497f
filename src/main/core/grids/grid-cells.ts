import type { InputField } from '@shared/deployment'
import { GRID_MAX_CELLS, type GridAxis, type GridAxisArgs } from '@shared/grid'
import { err, ok, type Result } from '@shared/result'
import type { InputValue, InputValues } from '@shared/run'
import { validateInputs } from '../runs/validate-inputs'

/** One place of a grid and the inputs its run is sent: the fixed inputs with each axis's value laid over. */
export interface PlannedCell {
  x: number
  y: number
  z: number
  inputs: InputValues
}

export const AXIS_NAMES = ['X', 'Y', 'Z'] as const

/** A value as a label: numbers and text as written, on/off for a switch. */
export function labelOf(value: InputValue): string {
  return typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)
}

/** The axes as a grid keeps them: a label for every value (given, or the value itself). */
export function withLabels(axes: readonly GridAxisArgs[]): GridAxis[] {
  return axes.map((axis) => ({ input: axis.input, values: [...axis.values], labels: axis.labels ? [...axis.labels] : axis.values.map(labelOf) }))
}

/**
 * Checks a grid's axes against the deployment and expands its cells, in cell order (x fastest, then y,
 * then z). Everything is refused before anything is paid for: an axis over an input the deployment does
 * not have, two axes over one input, more than `GRID_MAX_CELLS` cells, or any cell whose inputs the
 * deployment would refuse (named by its place, so the user knows which value to change).
 */
export function planGrid(fields: readonly InputField[], fixed: InputValues, axes: readonly GridAxisArgs[]): Result<{ axes: GridAxis[]; cells: PlannedCell[] }> {
  const known = new Map(fields.map((field) => [field.id, field]))
  const seen = new Set<string>()
  for (const [i, axis] of axes.entries()) {
    const field = known.get(axis.input)
    if (!field) {
      const names = fields.map((f) => f.id).join(', ') || 'none'
      return err('BAD_INPUT', `The ${AXIS_NAMES[i]} axis is over "${axis.input}", which is not an input of this deployment (its inputs: ${names})`, axis.input)
    }
    if (seen.has(axis.input)) return err('BAD_INPUT', `Two axes are over ${field.label}: each input can be one axis only`, axis.input)
    seen.add(axis.input)
    if (axis.labels !== undefined && axis.labels.length !== axis.values.length) {
      return err('BAD_INPUT', `The ${AXIS_NAMES[i]} axis has ${axis.values.length} values but ${axis.labels.length} labels`, axis.input)
    }
  }
  const sizes = axes.map((axis) => axis.values.length)
  const count = sizes.reduce((product, size) => product * size, 1)
  if (count > GRID_MAX_CELLS) {
    return err(
      'BAD_INPUT',
      `This grid would have ${count} cells (${sizes.join(' × ')}); a grid holds at most ${GRID_MAX_CELLS}, so its cost and the picture stay manageable. Use fewer values.`,
    )
  }
  const [xs = 1, ys = 1, zs = 1] = sizes
  const cells: PlannedCell[] = []
  for (let z = 0; z < zs; z++) {
    for (let y = 0; y < ys; y++) {
      for (let x = 0; x < xs; x++) {
        const place = [x, y, z]
        const inputs: InputValues = { ...fixed }
        axes.forEach((axis, i) => {
          inputs[axis.input] = axis.values[place[i]!]!
        })
        const problem = validateInputs(fields, inputs)
        if (problem) {
          const where = axes.map((axis, i) => `${AXIS_NAMES[i]} = ${labelOf(axis.values[place[i]!]!)}`).join(', ')
          return err('BAD_INPUT', `The cell at ${where}: ${problem.message}`, problem.field)
        }
        cells.push({ x, y, z, inputs })
      }
    }
  }
  return ok({ axes: withLabels(axes), cells })
}

/**
 * A prompt list's runs: each row's values laid over the shared inputs, each checked as a submit would be
 * (the row named, counted from 1 as the user sees the lines).
 */
export function planList(fields: readonly InputField[], shared: InputValues, rows: readonly InputValues[]): Result<InputValues[]> {
  if (rows.length > GRID_MAX_CELLS) return err('BAD_INPUT', `A list holds at most ${GRID_MAX_CELLS} rows; this one has ${rows.length}. Split it.`)
  const planned: InputValues[] = []
  for (const [i, row] of rows.entries()) {
    const inputs = { ...shared, ...row }
    const problem = validateInputs(fields, inputs)
    if (problem) return err('BAD_INPUT', `Row ${i + 1}: ${problem.message}`, problem.field)
    planned.push(inputs)
  }
  return ok(planned)
}
