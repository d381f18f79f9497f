import { describe, expect, it } from 'vitest'
import { parseAxis } from './axes'

describe('grid axes from the command line', () => {
  it('reads comma lists, ranges with a step and ranges with a count', () => {
    expect(parseAxis('seed=1,2,3')).toEqual({ input: 'seed', values: ['1', '2', '3'] })
    expect(parseAxis('sampler_name=euler, dpmpp_2m')).toEqual({ input: 'sampler_name', values: ['euler', 'dpmpp_2m'] })
    expect(parseAxis('steps=10-30 (+10)')).toEqual({ input: 'steps', values: [10, 20, 30] })
    expect(parseAxis('steps=10-25 (+10)')).toEqual({ input: 'steps', values: [10, 20] })
    expect(parseAxis('cfg=4-8 [5]')).toEqual({ input: 'cfg', values: [4, 5, 6, 7, 8] })
    expect(parseAxis('denoise=0.1-0.3 (+0.1)')).toEqual({ input: 'denoise', values: [0.1, 0.2, 0.3] })
    expect(parseAxis('x=3-1')).toEqual({ input: 'x', values: [3, 2, 1] })
    expect(parseAxis('6.text=a cat,a dog')).toEqual({ input: '6.text', values: ['a cat', 'a dog'] })
  })

  it('refuses what it cannot read, as a usage error', () => {
    for (const bad of ['seed', '=1,2', 'seed=1,,2', 'steps=1-5 (+0)', 'steps=1-100000']) {
      expect(() => parseAxis(bad), bad).toThrow(expect.objectContaining({ exitCode: 2 }))
    }
  })
})
