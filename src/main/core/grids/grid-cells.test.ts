import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { planGrid, planList } from './grid-cells'

const fields: InputField[] = [
  { id: 'prompt', label: 'Prompt', kind: 'text', description: '', defaultValue: null, required: true },
  { id: 'seed', label: 'Seed', kind: 'seed', description: '', defaultValue: 1, min: 0, max: 100, required: false },
  { id: 'steps', label: 'Steps', kind: 'integer', description: '', defaultValue: 20, min: 1, max: 60, required: false },
  { id: 'sampler', label: 'Sampler', kind: 'enum', description: '', defaultValue: 'euler', options: ['euler', 'heun'], required: false },
]

describe('planGrid', () => {
  it('expands cells x fastest, then y, then z, each the fixed inputs with its axes laid over', () => {
    const plan = planGrid(fields, { prompt: 'a fox', steps: 20 }, [
      { input: 'seed', values: [1, 2, 3] },
      { input: 'steps', values: [10, 30] },
      { input: 'sampler', values: ['euler', 'heun'] },
    ])
    expect(plan.ok).toBe(true)
    if (!plan.ok) return
    expect(plan.value.cells).toHaveLength(12)
    expect(plan.value.cells.slice(0, 4)).toEqual([
      { x: 0, y: 0, z: 0, inputs: { prompt: 'a fox', seed: 1, steps: 10, sampler: 'euler' } },
      { x: 1, y: 0, z: 0, inputs: { prompt: 'a fox', seed: 2, steps: 10, sampler: 'euler' } },
      { x: 2, y: 0, z: 0, inputs: { prompt: 'a fox', seed: 3, steps: 10, sampler: 'euler' } },
      { x: 0, y: 1, z: 0, inputs: { prompt: 'a fox', seed: 1, steps: 30, sampler: 'euler' } },
    ])
    expect(plan.value.cells[11]).toEqual({ x: 2, y: 1, z: 1, inputs: { prompt: 'a fox', seed: 3, steps: 30, sampler: 'heun' } })
    // Labels default to the values as written.
    expect(plan.value.axes.map((axis) => axis.labels)).toEqual([['1', '2', '3'], ['10', '30'], ['euler', 'heun']])
  })

  it('keeps given labels (an S/R axis names each prompt by its replacement)', () => {
    const plan = planGrid(fields, {}, [{ input: 'prompt', values: ['a red fox', 'a blue fox'], labels: ['red', 'blue'] }])
    expect(plan.ok && plan.value.axes[0]!.labels).toEqual(['red', 'blue'])
  })

  it('refuses an axis over an input the deployment does not have, naming it and the inputs it has', () => {
    const plan = planGrid(fields, { prompt: 'x' }, [{ input: 'cfg', values: [1, 2] }])
    expect(plan).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'cfg' } })
    expect(!plan.ok && plan.error.message).toContain('"cfg", which is not an input of this deployment (its inputs: prompt, seed, steps, sampler)')
  })

  it('refuses two axes over one input', () => {
    const plan = planGrid(fields, { prompt: 'x' }, [{ input: 'seed', values: [1] }, { input: 'seed', values: [2] }])
    expect(!plan.ok && plan.error.message).toBe('Two axes are over Seed: each input can be one axis only')
  })

  it('refuses more than 400 cells, with the count and why', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => i)
    const plan = planGrid(fields, { prompt: 'x' }, [{ input: 'seed', values: many(21) }, { input: 'steps', values: many(20).map((i) => i + 1) }])
    expect(plan).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(!plan.ok && plan.error.message).toContain('This grid would have 420 cells (21 × 20); a grid holds at most 400')
    expect(planGrid(fields, { prompt: 'x' }, [{ input: 'seed', values: many(20) }, { input: 'steps', values: many(20).map((i) => i + 1) }]).ok).toBe(true)
  })

  it('refuses a cell the deployment would refuse, naming its place and the reason', () => {
    const plan = planGrid(fields, { prompt: 'x' }, [{ input: 'seed', values: [1, 2] }, { input: 'steps', values: [10, 99] }])
    expect(plan).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'steps', message: 'The cell at X = 1, Y = 99: Steps must be at most 60' } })
    expect(planGrid(fields, {}, [{ input: 'seed', values: [1] }])).toMatchObject({ ok: false, error: { message: 'The cell at X = 1: Prompt is required' } })
  })
})

describe('planList', () => {
  it('lays each row over the shared inputs and names a bad row by its line', () => {
    expect(planList(fields, { prompt: 'x', seed: 5 }, [{ prompt: 'a' }, { prompt: 'b', seed: 6 }])).toEqual({
      ok: true,
      value: [{ prompt: 'a', seed: 5 }, { prompt: 'b', seed: 6 }],
    })
    expect(planList(fields, { prompt: 'x' }, [{ seed: 1 }, { sampler: 'dpm' }])).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', field: 'sampler', message: 'Row 2: Sampler must be one of: euler, heun' },
    })
  })
})
