import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { validateInputs } from './validate-inputs'

const fields: InputField[] = [
  { id: 'prompt', label: 'Prompt', kind: 'prompt', description: '', defaultValue: 'a cat', required: true },
  { id: 'steps', label: 'Steps', kind: 'integer', description: '', defaultValue: 25, min: 1, max: 60, step: 1, required: false },
  { id: 'seed', label: 'Seed', kind: 'seed', description: '', defaultValue: null, min: 0, required: false },
  { id: 'sampler', label: 'Sampler', kind: 'enum', description: '', defaultValue: 'euler', options: ['euler', 'dpm'], required: false },
]

describe('validateInputs', () => {
  it('accepts good inputs and optional ones left out', () => {
    expect(validateInputs(fields, { prompt: 'a fox', steps: 30 })).toBeNull()
  })

  it('names the field of each problem', () => {
    expect(validateInputs(fields, { prompt: '' })).toEqual({ field: 'prompt', message: 'Prompt is required' })
    expect(validateInputs(fields, { prompt: 'x', steps: 61 })).toEqual({ field: 'steps', message: 'Steps must be at most 60' })
    expect(validateInputs(fields, { prompt: 'x', steps: 2.5 })?.field).toBe('steps')
    expect(validateInputs(fields, { prompt: 'x', seed: -1 })?.field).toBe('seed')
    expect(validateInputs(fields, { prompt: 'x', sampler: 'ddim' })?.field).toBe('sampler')
    expect(validateInputs(fields, { prompt: 'x', stpes: 3 })).toEqual({ field: 'stpes', message: '"stpes" is not an input of this deployment' })
  })
})
