import { describe, expect, it } from 'vitest'
import type { Output, OutputFacets } from '@shared/output'
import { makeOutput } from '@shared/run-fixtures.test-support'
import { countIn, queryWithout } from './outputs'

/** An output of Dreamscape's deployment `d1`, whose prompt has "fox" in it. */
const output = (over: Partial<Output> = {}): Output =>
  makeOutput('o_1', 'r_1', { deploymentId: 'd1', deploymentName: 'Dreamscape SDXL', prompt: 'a red fox', seed: 3, ...over })

const facets: OutputFacets = {
  total: 10,
  matching: 2,
  providers: [{ id: 'demo', count: 2 }],
  deployments: [{ id: 'd1', name: 'Dreamscape SDXL', provider: 'demo', count: 2 }],
  kinds: [{ kind: 'image', count: 2 }],
  sources: [{ source: 'generated', count: 2 }],
  favourites: 0,
}

describe('facets kept in step with saves and deletes', () => {
  it('counts a new output only where the filter the counts follow takes it', () => {
    const owl = countIn(facets, { query: 'fox' }, output({ prompt: 'an owl' }), 1)
    expect(owl).toEqual({ ...facets, total: 11 })
    const fox = countIn(facets, { query: 'fox' }, output(), 1)
    expect(fox?.matching).toBe(3)
    expect(fox?.kinds).toEqual([{ kind: 'image', count: 3 }])
  })

  it("counts a menu's own value even when the menu's choice leaves it out", () => {
    // Images chosen: a saved video is not a match, yet the Videos button counts it.
    const video = countIn(facets, { kind: 'image' }, output({ kind: 'video' }), 1)
    expect(video?.matching).toBe(2)
    expect(video?.kinds).toEqual([
      { kind: 'image', count: 2 },
      { kind: 'video', count: 1 },
    ])
    expect(video?.providers).toEqual(facets.providers)
  })

  it('takes a deleted output away, dropping values left with none', () => {
    const gone = countIn({ ...facets, kinds: [...facets.kinds, { kind: 'video', count: 1 }] }, {}, output({ kind: 'video' }), -1)
    expect(gone?.kinds).toEqual([{ kind: 'image', count: 2 }])
    expect(gone?.total).toBe(9)
  })

  it('leaves a part out of a filter without touching the rest', () => {
    expect(queryWithout({ query: 'fox', kind: 'video', provider: 'demo' }, 'kind', 'provider')).toEqual({ query: 'fox' })
  })
})
