import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { demoDeployment, loraDeployment, mediaDeployment } from '../../test/fake-courier'
import { canCustomize, fieldOf, guessKind, humanize, importItems, initialItems, moveItem, parseDefault, publishesNoInputs } from './form-editor'

const f = (id: string, extra: Partial<InputField> = {}): InputField => ({
  id,
  label: id,
  kind: 'text',
  description: '',
  defaultValue: null,
  required: false,
  ...extra,
})

describe('form editor model', () => {
  it('offers customizing for RunComfy, custom forms and input-less deployments, never the demo', () => {
    const provider = { id: 'runcomfy', label: 'RunComfy', configured: true, demo: false } as const
    expect(canCustomize(mediaDeployment, provider)).toBe(true)
    expect(canCustomize(demoDeployment, { id: 'demo', label: 'Demo', configured: true, demo: true })).toBe(false)
    const cd = { ...demoDeployment, provider: 'comfydeploy' as const }
    expect(canCustomize(cd, undefined)).toBe(false)
    expect(canCustomize({ ...cd, customForm: true }, undefined)).toBe(true)
    expect(canCustomize({ ...cd, inputs: [] }, undefined)).toBe(true)
    expect(publishesNoInputs(loraDeployment)).toBe(true)
    expect(publishesNoInputs({ ...loraDeployment, customForm: true })).toBe(false)
  })

  it('starts from the current form, then the other candidates; an import keeps shown inputs and fields added by name', () => {
    const items = initialItems([f('6.text', { label: 'Scene' }), f('prompt')], [f('6.text'), f('7.text'), f('6.text')])
    expect(items.map((i) => [i.field.id, i.checked, i.byName, i.field.label])).toEqual([
      ['6.text', true, false, 'Scene'],
      ['prompt', true, true, 'prompt'],
      ['7.text', false, false, '7.text'],
    ])
    const next = importItems(items, [f('3.seed'), f('6.text', { label: 'Imported' }), f('7.text')])
    expect(next.map((i) => [i.field.id, i.checked, i.field.label])).toEqual([
      ['3.seed', false, '3.seed'],
      ['6.text', true, 'Scene'],
      ['7.text', false, '7.text'],
      ['prompt', true, 'prompt'],
    ])
    expect(moveItem(next, 3, -1).map((i) => i.field.id)).toEqual(['3.seed', '6.text', 'prompt', '7.text'])
    expect(moveItem(next, 0, -1).map((i) => i.field.id)).toEqual(next.map((i) => i.field.id))
  })

  it('parses defaults by kind', () => {
    expect(parseDefault('integer', ' 12 ')).toEqual({ ok: true, value: 12 })
    expect(parseDefault('seed', '1.5').ok).toBe(false)
    expect(parseDefault('number', 'abc').ok).toBe(false)
    expect(parseDefault('boolean', 'true')).toEqual({ ok: true, value: true })
    expect(parseDefault('text', '')).toEqual({ ok: true, value: null })
    expect(parseDefault('prompt', ' keep spaces ')).toEqual({ ok: true, value: ' keep spaces ' })
    expect(fieldOf({ field: f('x', { label: '  ' }), checked: true, byName: true, defaultText: '3' })).toMatchObject({ label: 'x', defaultValue: '3' })
  })

  it('guesses a kind and a label from a body key', () => {
    expect(['prompt', 'negative_prompt', 'seed', 'ctrl_img_1', 'image_url', 'ref_images', 'width', 'steps', 'lora_scale', 'style'].map(guessKind)).toEqual([
      'prompt',
      'prompt',
      'seed',
      'image',
      'image',
      'images',
      'integer',
      'integer',
      'number',
      'text',
    ])
    expect(humanize('ctrl_img_1')).toBe('Ctrl img 1')
    expect(humanize('negativePrompt')).toBe('Negative prompt')
  })
})
