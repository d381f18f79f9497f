import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { emptyInspection, type Inspection } from '@shared/provenance'
import { settingsFromFile } from './settings-from-file'

const field = (id: string, label: string, kind: InputField['kind'], extra: Partial<InputField> = {}): InputField =>
  ({ id, label, kind, description: '', defaultValue: null, required: false, ...extra }) as InputField

const data = (over: Partial<Inspection>): Inspection => ({ ...emptyInspection(), source: 'a1111', ...over })

describe('settings from a file made elsewhere', () => {
  const form = [
    field('6.text', 'Negative', 'prompt'),
    field('positive_prompt', 'Prompt', 'prompt'),
    field('noise_seed', 'Noise seed', 'integer'),
    field('steps', 'Steps', 'integer'),
    field('sampler_name', 'Sampler', 'enum', { options: ['euler', 'euler_ancestral', 'dpmpp_2m'] }),
    field('denoise', 'Denoise', 'number'),
  ]

  it('fills each field by what it is and is called, never by position, and says what had nowhere to go', () => {
    const fill = settingsFromFile(
      form,
      data({ prompt: 'a red kite', negativePrompt: 'blurry', seed: 42, steps: 30, cfg: 7, sampler: 'Euler Ancestral', width: 512, height: 768, model: 'sdxl.safetensors' }),
    )
    expect(fill.values).toEqual({ positive_prompt: 'a red kite', '6.text': 'blurry', noise_seed: '42', steps: '30', sampler_name: 'euler_ancestral' })
    expect(fill.filled).toEqual(['Negative', 'Prompt', 'Noise seed', 'Steps', 'Sampler'])
    expect(fill.notInForm).toEqual(['CFG scale 7', 'Width 512', 'Height 768', 'Model sdxl.safetensors'])
  })

  it('leaves an enum alone when the file names an option it does not have', () => {
    const fill = settingsFromFile(form, data({ sampler: 'DPM++ SDE Karras' }))
    expect(fill.values).toEqual({})
    expect(fill.notInForm).toEqual(['Sampler DPM++ SDE Karras'])
  })

  it('puts the prompt in a form whose only text field is a prompt, and never the negative into it', () => {
    const fill = settingsFromFile([field('text', 'Text', 'prompt')], data({ prompt: 'sea', negativePrompt: 'fog' }))
    expect(fill.values).toEqual({ text: 'sea' })
    expect(fill.notInForm).toEqual(['Negative prompt'])
  })
})
