import { describe, expect, it } from 'vitest'
import type { InputField } from './deployment'
import { cellCount, cellCountError, listItem, modesFor, parseAxis, parseCsv, parseRange, specOfAxis, splitList, validateValues } from './grid-axes'

const field = (patch: Partial<InputField> & Pick<InputField, 'kind'>): InputField => ({
  id: patch.kind,
  label: patch.kind.charAt(0).toUpperCase() + patch.kind.slice(1),
  description: '',
  defaultValue: null,
  required: false,
  ...patch,
})
const steps = field({ id: 'steps', label: 'Steps', kind: 'integer', min: 1, max: 50 })
const cfg = field({ id: 'cfg', label: 'Guidance', kind: 'number', min: 0, max: 20 })
const seed = field({ id: 'seed', label: 'Seed', kind: 'seed', min: 0, max: 4294967295 })
const prompt = field({ id: 'prompt', label: 'Prompt', kind: 'prompt' })
const sampler = field({ id: 'sampler', label: 'Sampler', kind: 'enum', options: ['euler', 'dpmpp_2m', 'ddim'] })
const hires = field({ id: 'hires', label: 'Hires fix', kind: 'boolean' })

const values = (f: InputField, text: string) => {
  const res = parseAxis(f, { mode: 'values', text })
  if (!res.ok) throw new Error(res.error)
  return res.values
}
const errorOf = (f: InputField, text: string, mode: 'values' | 'sr' | 'lines' = 'values', promptText?: string) => {
  const res = parseAxis(f, { mode, text }, promptText === undefined ? {} : { prompt: promptText })
  if (res.ok) throw new Error(`parsed: ${JSON.stringify(res.values)}`)
  return res.error
}

describe('lists', () => {
  it('splits on commas, trims, and keeps commas inside quotes', () => {
    expect(splitList(' a , "b, c" ,d')).toEqual({ ok: true, items: ['a', 'b, c', 'd'] })
    expect(splitList('"say ""hi""", x')).toEqual({ ok: true, items: ['say "hi"', 'x'] })
  })
  it('refuses empty items and unclosed quotes in words', () => {
    expect(splitList('a,,b')).toEqual({ ok: false, error: 'Value 2 is empty: remove the extra comma.' })
    expect(splitList('a, b,')).toMatchObject({ ok: false, error: expect.stringContaining('ends with a comma') })
    expect(splitList('"a, b')).toMatchObject({ ok: false, error: expect.stringContaining('not closed') })
  })
  it('types values by the field: numbers, booleans, enum options as spelled', () => {
    expect(values(cfg, '3.5, 7, 12')).toEqual([3.5, 7, 12])
    expect(values(hires, 'on, false')).toEqual([true, false])
    expect(values(sampler, 'EULER, ddim')).toEqual(['euler', 'ddim'])
    expect(values(prompt, 'a cat, "a dog, running"')).toEqual(['a cat', 'a dog, running'])
  })
  it('says what is wrong with a value', () => {
    expect(errorOf(cfg, '3, seven')).toBe('“seven” is not a number.')
    expect(errorOf(steps, '10, 60')).toBe('Steps is at most 50: 60 is above it.')
    expect(errorOf(steps, '10, 2.5')).toBe('Steps takes whole numbers: 2.5 is not one.')
    expect(errorOf(sampler, 'euler, heun')).toBe('Sampler has no option “heun”: choose from euler, dpmpp_2m, ddim.')
    expect(errorOf(cfg, '  ')).toBe('Type the values, separated by commas.')
  })
})

describe('ranges', () => {
  it('steps up, down and by fractions', () => {
    expect(values(steps, '1-10 (+2)')).toEqual([1, 3, 5, 7, 9])
    expect(values(steps, '10-1 (-3)')).toEqual([10, 7, 4, 1])
    expect(values(cfg, '1-2 (+0.25)')).toEqual([1, 1.25, 1.5, 1.75, 2])
    expect(values(cfg, '0.1-0.3 (+0.1)')).toEqual([0.1, 0.2, 0.3])
    expect(parseRange('-5--1 (+2)', true)).toEqual({ ok: true, values: [-5, -3, -1] })
  })
  it('spaces a count evenly, rounding for whole-number fields', () => {
    expect(values(steps, '1-10 [5]')).toEqual([1, 3, 6, 8, 10])
    expect(values(cfg, '1-10 [5]')).toEqual([1, 3.25, 5.5, 7.75, 10])
    expect(values(cfg, '4-8 [1]')).toEqual([4])
  })
  it('takes a bare range of whole numbers, and ranges inside a list', () => {
    expect(values(steps, '1-3')).toEqual([1, 2, 3])
    expect(values(steps, '1-3, 20, 30-40 (+5)')).toEqual([1, 2, 3, 20, 30, 35, 40])
  })
  it('refuses steps that never arrive, and too many values', () => {
    expect(errorOf(steps, '1-10 (-2)')).toBe('The step -2 in 1-10 (-2) goes away from 10: use +2.')
    expect(errorOf(steps, '1-10 (+0)')).toContain('is 0')
    expect(errorOf(steps, '1-10 (+0.5)')).toContain('whole numbers')
    expect(errorOf(cfg, '1-2')).toBe('Say how 1-2 steps: add a step such as (+0.5), or a count such as [5].')
    expect(errorOf(seed, '1-1000')).toBe('1-1000 makes 1000 values: at most 400.')
    expect(errorOf(steps, '1-50 [0]')).toContain('at least 1')
  })
})

describe('enum, seeds, lines', () => {
  it('fills an enum with all its options', () => {
    expect(parseAxis(sampler, { mode: 'fill', text: '' })).toEqual({ ok: true, values: ['euler', 'dpmpp_2m', 'ddim'], labels: ['euler', 'dpmpp_2m', 'ddim'] })
    expect(parseAxis(cfg, { mode: 'fill', text: '' })).toEqual({ ok: false, error: 'Guidance has no options to fill the axis with.' })
  })
  it('draws distinct random seeds within the field’s bounds', () => {
    let x = 0
    const random = () => (x = (x + 0.37) % 1)
    const res = parseAxis(field({ kind: 'seed', min: 10, max: 20 }), { mode: 'random', text: '', count: 5 }, { random })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.values).toHaveLength(5)
    expect(new Set(res.values).size).toBe(5)
    for (const v of res.values) expect(v).toSatisfy((n: number) => Number.isInteger(n) && n >= 10 && n <= 20)
    expect(parseAxis(field({ kind: 'seed', min: 0, max: 2 }), { mode: 'random', text: '', count: 4 })).toMatchObject({ ok: false })
  })
  it('takes given seeds as a list', () => {
    expect(values(seed, '1, 2, 3')).toEqual([1, 2, 3])
  })
  it('takes one prompt per line, skipping blank lines', () => {
    expect(parseAxis(prompt, { mode: 'lines', text: 'a cat\n\n  a dog, running \r\n' })).toEqual({ ok: true, values: ['a cat', 'a dog, running'], labels: ['a cat', 'a dog, running'] })
    expect(errorOf(prompt, '\n \n', 'lines')).toBe('Type one value per line.')
  })
})

describe('search/replace', () => {
  const base = 'a photo of a dog in the snow, dog portrait'
  it('replaces every occurrence of the first value by each value in turn; labels are the words', () => {
    expect(parseAxis(prompt, { mode: 'sr', text: 'dog, cat, "red fox"' }, { prompt: base })).toEqual({
      ok: true,
      values: [base, 'a photo of a cat in the snow, cat portrait', 'a photo of a red fox in the snow, red fox portrait'],
      labels: ['dog', 'cat', 'red fox'],
    })
  })
  it('refuses when the first value is not in the prompt, or nothing replaces it', () => {
    expect(errorOf(prompt, 'horse, cat', 'sr', base)).toBe('“horse” is not in the prompt: the first value is what gets replaced, so it must be in it.')
    expect(errorOf(prompt, 'dog', 'sr', base)).toContain('at least one replacement')
    expect(errorOf(steps, 'dog, cat', 'sr', base)).toContain('is not text')
  })
  it('is found again from a saved grid’s axis', () => {
    const res = parseAxis(prompt, { mode: 'sr', text: 'dog, cat' }, { prompt: base })
    if (!res.ok) throw new Error(res.error)
    expect(specOfAxis({ input: 'prompt', values: res.values, labels: res.labels }, prompt, { prompt: base })).toEqual({ input: 'prompt', mode: 'sr', text: 'dog, cat' })
    expect(specOfAxis({ input: 'steps', values: [10, 20], labels: ['10', '20'] }, steps, {})).toEqual({ input: 'steps', mode: 'values', text: '10, 20' })
  })
})

describe('counts and checks', () => {
  it('multiplies the axes', () => {
    expect(cellCount([])).toBe(0)
    expect(cellCount([{ values: [1, 2, 3] }, { values: [1, 2] }, { values: [1, 2] }])).toBe(12)
    expect(cellCountError(400)).toBeNull()
    expect(cellCountError(441)).toContain('441 cells')
  })
  it('validates values against a field', () => {
    expect(validateValues(steps, [1, 50])).toBeNull()
    expect(validateValues(steps, [0])).toBe('Steps is at least 1: 0 is below it.')
    expect(validateValues(hires, ['yes'])).toContain('neither')
  })
  it('offers the modes that fit a field', () => {
    expect(modesFor(seed)[0]).toBe('random')
    expect(modesFor(sampler)[0]).toBe('fill')
    expect(modesFor(prompt)).toContain('sr')
    expect(modesFor(cfg)).toEqual(['values'])
  })
  it('quotes list items that need it', () => {
    expect(listItem('a, b')).toBe('"a, b"')
    expect(listItem(3)).toBe('3')
  })
})

describe('csv', () => {
  it('reads quoted cells, CRLF and skips blank lines', () => {
    expect(parseCsv('prompt,steps\r\n"a cat, sitting",20\n\n"say ""hi""",30\n')).toEqual([
      ['prompt', 'steps'],
      ['a cat, sitting', '20'],
      ['say "hi"', '30'],
    ])
  })
})
