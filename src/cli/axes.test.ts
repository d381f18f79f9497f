import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { axisFor, splitAxis } from './axes'

const field = (f: Partial<InputField> & Pick<InputField, 'id' | 'kind'>): InputField => ({ label: f.id, required: false, ...f }) as InputField
const steps = field({ id: 'steps', kind: 'integer', min: 1, max: 100 })
const cfg = field({ id: 'cfg', kind: 'number', min: 0, max: 30 })
const seed = field({ id: 'seed', kind: 'seed', min: 0, max: 1000 })
const sampler = field({ id: 'sampler', kind: 'enum', options: ['euler', 'dpmpp_2m'] })
const prompt = field({ id: 'prompt', kind: 'prompt' })
const axis = (spec: string, f: InputField, fixed: Record<string, unknown> = {}) => axisFor(splitAxis(spec), f, fixed, '--x')

describe('grid axes from the command line', () => {
  it('reads lists and ranges as the grid editor does, checked against the input', () => {
    expect(axis('seed=1,2,3', seed).values).toEqual([1, 2, 3])
    expect(axis('steps=10-30 (+10)', steps).values).toEqual([10, 20, 30])
    expect(axis('cfg=4-8 [5]', cfg).values).toEqual([4, 5, 6, 7, 8])
    expect(axis('sampler=fill', sampler).values).toEqual(['euler', 'dpmpp_2m'])
    expect(axis('seed=random:4', seed).values).toHaveLength(4)
  })

  it('replaces the first word in the fixed prompt by each of the others, labelled by the word', () => {
    const sr = axis('prompt=sr:dog,cat,fox', prompt, { prompt: 'a dog on a hill' })
    expect(sr.values).toEqual(['a dog on a hill', 'a cat on a hill', 'a fox on a hill'])
    expect(sr.labels).toEqual(['dog', 'cat', 'fox'])
  })

  it('refuses what it cannot read or the input cannot take, as a usage error', () => {
    for (const [spec, f] of [
      ['seed', seed],
      ['=1,2', seed],
      ['steps=1-5 (+0)', steps],
      ['steps=1-500', steps],
      ['sampler=heun', sampler],
      ['prompt=sr:cow,cat', prompt],
    ] as const) {
      expect(() => axis(spec, f, { prompt: 'a dog' }), spec).toThrow(expect.objectContaining({ exitCode: 2 }))
    }
  })
})
