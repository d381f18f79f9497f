import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { buildInputs, draftFromInputs, emptyDraft, imageList, imagesText, randomSeed, validateField, valueOf } from './form-model'

const f = (over: Partial<InputField> & Pick<InputField, 'id' | 'kind'>): InputField => ({
  label: over.id,
  description: '',
  defaultValue: null,
  required: false,
  ...over,
})

describe('form model', () => {
  it('starts controls from defaults, as text for numbers and flags for checkboxes', () => {
    expect(valueOf(f({ id: 'n', kind: 'integer', defaultValue: 20 }), undefined)).toBe('20')
    expect(valueOf(f({ id: 'b', kind: 'boolean', defaultValue: true }), undefined)).toBe(true)
    expect(valueOf(f({ id: 'b', kind: 'boolean', defaultValue: null }), undefined)).toBe(false)
    expect(valueOf(f({ id: 't', kind: 'text' }), undefined)).toBe('')
  })

  it('validates required, numbers, whole numbers, limits, options and image URLs', () => {
    expect(validateField(f({ id: 'p', kind: 'prompt', label: 'Prompt', required: true }), '  ')).toBe('Prompt is required.')
    expect(validateField(f({ id: 'x', kind: 'number' }), 'abc')).toBe('Enter a number.')
    expect(validateField(f({ id: 'x', kind: 'integer' }), '1.5')).toBe('Enter a whole number.')
    expect(validateField(f({ id: 'x', kind: 'number', min: 0.5 }), '0.25')).toBe('Must be at least 0.5.')
    expect(validateField(f({ id: 'x', kind: 'seed', max: 10 }), '11')).toBe('Must be at most 10.')
    expect(validateField(f({ id: 'x', kind: 'enum', options: ['a', 'b'] }), 'c')).toBe('Pick one of the listed options.')
    expect(validateField(f({ id: 'x', kind: 'image' }), 'file:///etc/passwd')).toMatch(/image URL/)
    expect(validateField(f({ id: 'x', kind: 'image' }), 'https://example.com/a.png')).toBeNull()
    expect(validateField(f({ id: 'x', kind: 'image' }), 'data:image/png;base64,iVBOR')).toBeNull()
    expect(validateField(f({ id: 'x', kind: 'enum', options: [] }), 'anything')).toBeNull()
    expect(validateField(f({ id: 'x', kind: 'number' }), '')).toBeNull()
  })

  it('builds typed inputs and leaves empty optional fields out', () => {
    const fields = [
      f({ id: 'prompt', kind: 'prompt', defaultValue: 'hi' }),
      f({ id: 'steps', kind: 'integer', defaultValue: 20 }),
      f({ id: 'cfg', kind: 'number' }),
      f({ id: 'hires', kind: 'boolean', defaultValue: false }),
      f({ id: 'sampler', kind: 'enum', options: ['euler'], defaultValue: 'euler' }),
    ]
    const draft = emptyDraft()
    draft.values.steps = ' 25 '
    expect(buildInputs(fields, draft)).toEqual({ inputs: { prompt: 'hi', steps: 25, hires: false, sampler: 'euler' }, errors: {} })
  })

  it('rolls seeds inside the field bounds', () => {
    const seed = f({ id: 's', kind: 'seed' })
    expect(randomSeed(seed, () => 0)).toBe(0)
    expect(randomSeed(seed, () => 0.999999999999)).toBe(2 ** 32 - 1)
    expect(randomSeed(f({ id: 's', kind: 'seed', min: 10, max: 12 }), () => 0.99)).toBe(12)
  })

  it('turns a past run\'s inputs back into control values', () => {
    expect(draftFromInputs({ prompt: 'x', steps: 3, hires: true }).values).toEqual({ prompt: 'x', steps: '3', hires: true })
  })

  it('validates and sends file inputs: URLs or data URIs, and images as a JSON array', () => {
    expect(validateField(f({ id: 'v', kind: 'video' }), 'https://cdn.example/a.mp4')).toBeNull()
    expect(validateField(f({ id: 'v', kind: 'video' }), 'data:video/mp4;base64,AAAA')).toBeNull()
    expect(validateField(f({ id: 'a', kind: 'audio' }), 'ftp://x/a.mp3')).toBe('Enter an audio URL starting with https://, or choose a file.')
    expect(validateField(f({ id: 'x', kind: 'file' }), 'nope')).toBe('Enter a file URL starting with https://, or choose a file.')
    expect(validateField(f({ id: 'i', kind: 'image' }), 'data:text/plain;base64,AAAA')).toMatch(/image URL/)

    const images = f({ id: '11.images', kind: 'images', label: 'Refs', required: true })
    expect(validateField(images, '[]')).toBe('Refs is required.')
    expect(validateField(images, JSON.stringify(['https://a.example/1.png', 'javascript:alert(1)']))).toBe(
      'Image 2: Enter an image URL starting with https://, or choose a file.',
    )
    expect(imageList('https://a.example/1.png')).toEqual(['https://a.example/1.png'])
    expect(imageList('')).toEqual([])
    expect(imagesText([])).toBe('')

    const draft = emptyDraft()
    draft.values['11.images'] = JSON.stringify(['https://a.example/1.png', ' https://a.example/2.png '])
    draft.values['12.video'] = ' https://cdn.example/a.mp4 '
    const built = buildInputs([images, f({ id: '12.video', kind: 'video' }), f({ id: '13.audio', kind: 'audio' })], draft)
    expect(built).toEqual({
      inputs: { '11.images': JSON.stringify(['https://a.example/1.png', 'https://a.example/2.png']), '12.video': 'https://cdn.example/a.mp4' },
      errors: {},
    })
  })
})
