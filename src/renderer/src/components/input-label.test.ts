import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { humaniseKey, inputLabel } from './input-label'

const field = (id: string, label: string): InputField => ({ id, label, kind: 'text', description: '', defaultValue: null, required: false })

describe('inputLabel', () => {
  it('is the form’s label while the deployment has the input', () => {
    const fields = [field('positive_prompt', 'Prompt'), field('cfg', 'Guidance')]
    expect(inputLabel('positive_prompt', fields)).toBe('Prompt')
    expect(inputLabel('cfg', fields)).toBe('Guidance')
  })

  it('falls back to the key in words when the deployment is gone, lacks the input, or has an empty label', () => {
    expect(inputLabel('positive_prompt', undefined)).toBe('Positive prompt')
    expect(inputLabel('steps', [field('cfg', 'Guidance')])).toBe('Steps')
    expect(inputLabel('cfg', [field('cfg', '  ')])).toBe('CFG')
  })
})

describe('humaniseKey', () => {
  it.each([
    ['positive_prompt', 'Positive prompt'],
    ['cfg', 'CFG'],
    ['6.text', 'Text'],
    ['38:42.seed', 'Seed'],
    ['denoiseStrength', 'Denoise strength'],
    ['lora-name', 'LoRA name'],
    ['___', '___'],
  ])('%s → %s', (key, words) => expect(humaniseKey(key)).toBe(words))
})
