import { describe, expect, it } from 'vitest'
import { InputField } from '@shared/deployment'
import { toInputFields } from './input-map'
import type { InputModel } from './schemas'

const EXT = 'ComfyUIDeployExternal'
const input = (class_type: string, type: string, extra: Partial<InputModel> = {}): InputModel => ({
  class_type,
  type,
  input_id: extra.input_id ?? class_type.replace(EXT, '').toLowerCase(),
  ...extra,
})

describe('toInputFields', () => {
  it('maps every input class of comfydeploy.md §7 onto a form control', () => {
    const cases: Array<[string, string, string, Partial<InputField>?]> = [
      ['Text', 'string', 'prompt'],
      ['TextSingleLine', 'string', 'text'],
      ['TextAny', 'string', 'text'],
      ['Enum', 'string', 'enum'],
      ['Image', 'string', 'image'],
      ['ImageAlpha', 'string', 'image'],
      ['ImageBatch', 'string', 'images'],
      ['Video', 'string', 'video'],
      ['Audio', 'string', 'audio'],
      ['File', 'string', 'file'],
      ['EXR', 'string', 'file'],
      ['Lora', 'string', 'text'],
      ['Checkpoint', 'string', 'text'],
      ['Number', 'float', 'number'],
      ['NumberInt', 'integer', 'integer'],
      ['NumberSlider', 'float', 'number', { slider: true }],
      ['NumberSliderInt', 'integer', 'integer', { slider: true }],
      ['Boolean', 'boolean', 'boolean'],
    ]
    for (const [cls, type, kind, extra] of cases) {
      const [field] = toInputFields([input(`${EXT}${cls}`, type)])
      expect(field, cls).toMatchObject({ kind, ...extra })
      if (!extra?.slider) expect(field!.slider, cls).toBeUndefined()
      // Every field is valid for the shared contract the renderer parses.
      expect(InputField.safeParse(field).success, cls).toBe(true)
    }
  })

  it('hides the realtime websocket input and any other binary input', () => {
    const fields = toInputFields([
      input('ComfyDeployWebscoketImageInput', 'binary', { input_id: 'frame' }),
      input('ComfyDeployWebscoketImageInput', 'string', { input_id: 'frame2' }),
      input('SomethingNew', 'binary', { input_id: 'blob' }),
      input(`${EXT}Text`, 'string', { input_id: 'kept' }),
    ])
    expect(fields.map((f) => f.id)).toEqual(['kept'])
  })

  it('notes that Lora and Checkpoint take a public download URL', () => {
    const [lora, ckpt] = toInputFields([
      input(`${EXT}Lora`, 'string', { description: 'Style.' }),
      input(`${EXT}Checkpoint`, 'string', { description: '' }),
    ])
    expect(lora!.description).toBe('Style. Takes a public download URL of the LoRA file.')
    expect(ckpt!.description).toBe('Takes a public download URL of the checkpoint file.')
  })

  it('says the download URL once when the author already did', () => {
    const [lora] = toInputFields([input(`${EXT}Lora`, 'string', { description: 'Public download URL of a LoRA (.safetensors).' })])
    expect(lora!.description).toBe('Public download URL of a LoRA (.safetensors).')
  })

  it('offers a text input that comes with its choices (an enum-like TextAny) as a list to pick from', () => {
    const [sampler, free] = toInputFields([
      input(`${EXT}TextAny`, 'string', { input_id: 'sampler_name', default_value: 'euler', enum_options: ['euler', 'ddim'] }),
      input(`${EXT}TextAny`, 'string', { input_id: 'free', enum_options: [] }),
    ])
    expect(sampler).toMatchObject({ kind: 'enum', options: ['euler', 'ddim'], defaultValue: 'euler' })
    expect(free!.kind).toBe('text')
  })

  it('falls back on type for an unknown class', () => {
    const fields = toInputFields([
      input('CustomNode', 'integer', { input_id: 'a' }),
      input('CustomNode', 'float', { input_id: 'b' }),
      input('CustomNode', 'boolean', { input_id: 'c' }),
      input('CustomNode', 'string', { input_id: 'd' }),
      { input_id: 'e' },
    ])
    expect(fields.map((f) => f.kind)).toEqual(['integer', 'number', 'boolean', 'text', 'text'])
  })

  it('detects seeds among numbers by id or label, and keeps bounds, step and options', () => {
    const [seed, byLabel, slider, notSeed, choice] = toInputFields([
      input(`${EXT}NumberInt`, 'integer', { input_id: 'seed', min_value: 0, max_value: 4294967295 }),
      input(`${EXT}Number`, 'float', { input_id: 'n', display_name: 'Noise Seed' }),
      input(`${EXT}NumberSliderInt`, 'integer', { input_id: 'seed_value', min_value: 0, max_value: 10 }),
      input(`${EXT}Text`, 'string', { input_id: 'seed_words' }),
      input(`${EXT}Enum`, 'string', { input_id: 'mode', enum_options: ['a', 'b'], default_value: 'b' }),
    ])
    expect(seed).toMatchObject({ kind: 'seed', min: 0, max: 4294967295, step: 1 })
    expect(byLabel).toMatchObject({ kind: 'seed', label: 'Noise Seed' })
    expect(slider).toMatchObject({ kind: 'seed' })
    expect(slider!.slider).toBeUndefined()
    expect(notSeed).toMatchObject({ kind: 'prompt' })
    expect(choice).toMatchObject({ kind: 'enum', options: ['a', 'b'], defaultValue: 'b' })
  })

  it('turns defaults into form values', () => {
    const [bool, image, batch, emptyBatch, number] = toInputFields([
      input(`${EXT}Boolean`, 'boolean'),
      input(`${EXT}Image`, 'string', { default_value: null }),
      input(`${EXT}ImageBatch`, 'string', { default_value: ['https://x/1.png', 'https://x/2.png'] }),
      input(`${EXT}ImageBatch`, 'string', { input_id: 'b2', default_value: [] }),
      input(`${EXT}Number`, 'float', { default_value: 0.5, step: 0.05 }),
    ])
    expect(bool!.defaultValue).toBe(false)
    expect(image!.defaultValue).toBeNull()
    expect(batch!.defaultValue).toBe('["https://x/1.png","https://x/2.png"]')
    expect(emptyBatch!.defaultValue).toBeNull()
    expect(number).toMatchObject({ defaultValue: 0.5, step: 0.05 })
  })
})
