import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { randomSeeds, seedField } from './seed'

const field = (over: Partial<InputField>): InputField => ({
  id: 'x',
  label: 'X',
  kind: 'integer',
  description: '',
  defaultValue: null,
  required: false,
  ...over,
})

describe('seeds', () => {
  it('finds the seed input: the field of kind seed, else a whole-number field named like one', () => {
    const marked = field({ id: 'noise', label: 'Noise', kind: 'seed' })
    const named = field({ id: 'KSampler.seed', label: 'Seed' })
    expect(seedField([field({ id: 'steps' }), named, marked])).toBe(marked)
    expect(seedField([field({ id: 'steps' }), named])).toBe(named)
    expect(seedField([field({ id: 'seed_text', kind: 'text' }), field({ id: 'steps' })])).toBeUndefined()
  })

  it('draws different seeds within the field’s bounds, avoiding the one given', () => {
    const seeds = randomSeeds(field({ kind: 'seed', min: 10, max: 25 }), 15, 17)!
    expect(new Set(seeds).size).toBe(15)
    expect(seeds.every((seed) => Number.isInteger(seed) && seed >= 10 && seed <= 25 && seed !== 17)).toBe(true)
    const unbounded = randomSeeds(field({ kind: 'seed' }), 16)!
    expect(unbounded.every((seed) => seed >= 0 && seed <= 2 ** 32 - 1)).toBe(true)
    expect(randomSeeds(field({ kind: 'seed', min: 0, max: 2 ** 60 }), 4)!.every(Number.isSafeInteger)).toBe(true)
  })

  it('says when the bounds cannot hold that many', () => {
    expect(randomSeeds(field({ kind: 'seed', min: 1, max: 3 }), 4)).toBeNull()
    expect(randomSeeds(field({ kind: 'seed', min: 5, max: 5 }), 1, 5)).toBeNull()
  })
})
