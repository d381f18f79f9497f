import { describe, expect, it } from 'vitest'
import { OutputId, type Output } from '@shared/output'
import { RunId } from '@shared/run'
import { emptyGalleryFilter, exactCount, galleryQuery, isFiltered, matchesQuery, rangeStart } from './gallery-query'

const output = (over: Partial<Output> = {}): Output => ({
  id: OutputId.parse('o_1'),
  runId: RunId.parse('r_1'),
  path: '2026-11-25/dreamscape-sdxl/rAbc-1.png',
  kind: 'image',
  mime: 'image/png',
  bytes: 10,
  sha256: 'ab',
  originalSha256: null,
  width: 1,
  height: 1,
  durationMs: null,
  provider: 'demo',
  deploymentId: 'd1',
  deploymentName: 'Dreamscape SDXL',
  prompt: 'A red fox, in the snow',
  seed: 3,
  favourite: false,
  batchId: null,
  gridId: null,
  hasThumbnail: false,
  source: 'generated',
  folder: null,
  missing: false,
  createdAt: 5_000,
  ...over,
})

describe('gallery query', () => {
  it('leaves out what is not filtered, and trims the search', () => {
    expect(galleryQuery(emptyGalleryFilter, 0)).toEqual({})
    expect(isFiltered(emptyGalleryFilter)).toBe(false)
    const q = galleryQuery({ ...emptyGalleryFilter, search: '  fox ', provider: 'demo', kind: 'video', favourite: true, batchId: 'b1', range: '30d' }, 100 * 86_400_000)
    expect(q).toEqual({ query: 'fox', provider: 'demo', kind: 'video', favourite: true, batchId: 'b1', from: 70 * 86_400_000 })
    expect(isFiltered({ ...emptyGalleryFilter, search: '  ' })).toBe(false)
  })

  it('starts "today" at local midnight', () => {
    const now = new Date(2026, 10, 25, 15, 30).getTime()
    expect(rangeStart('today', now)).toBe(new Date(2026, 10, 25).getTime())
    expect(rangeStart('all', now)).toBeUndefined()
  })

  it('matches a new output as the server would: every word a prefix of a word', () => {
    expect(matchesQuery(output(), {})).toBe(true)
    expect(matchesQuery(output(), { query: 'fox sno' })).toBe(true)
    expect(matchesQuery(output(), { query: 'dreamscape' })).toBe(true)
    expect(matchesQuery(output(), { query: 'rabc' })).toBe(true)
    expect(matchesQuery(output(), { query: 'ox' })).toBe(false)
    expect(matchesQuery(output(), { query: 'fox cat' })).toBe(false)
    expect(matchesQuery(output(), { favourite: true })).toBe(false)
    expect(matchesQuery(output({ batchId: 'b' }), { batchId: 'b', provider: 'demo', kind: 'image' })).toBe(true)
    expect(matchesQuery(output(), { from: 6_000 })).toBe(false)
  })

  it('counts exactly from the facets asked for the filter shown, and not from older ones', () => {
    const facets = { matching: 12 }
    expect(exactCount(facets, { query: 'fox', kind: 'video' }, { query: 'fox', kind: 'video' })).toBe(12)
    expect(exactCount(facets, {}, {})).toBe(12)
    expect(exactCount(facets, { query: 'fo' }, { query: 'fox' })).toBeNull()
    expect(exactCount(null, {}, {})).toBeNull()
    expect(exactCount(facets, null, {})).toBeNull()
  })
})
