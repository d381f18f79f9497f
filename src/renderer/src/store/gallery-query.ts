import type { Output, OutputKind, OutputListArgs, OutputSource } from '@shared/output'
import type { ProviderId } from '@shared/run'

/** The date presets of the gallery's filter bar. */
export type DateRange = 'all' | 'today' | '7d' | '30d'
export const dateRanges: ReadonlyArray<{ id: DateRange; label: string }> = [
  { id: 'all', label: 'All time' },
  { id: 'today', label: 'Today' },
  { id: '7d', label: '7 days' },
  { id: '30d', label: '30 days' },
]

/** The gallery's filter bar, as the user set it. */
export interface GalleryFilter {
  /** The search box: words, each prefix-matched against prompts, deployment names and file names (on the server). */
  search: string
  provider: ProviderId | null
  deploymentId: string | null
  kind: OutputKind | null
  /** Made here (saved from a run) or imported from a folder; null: both. */
  source: OutputSource | null
  favourite: boolean
  range: DateRange
  /** Set by a tile's batch chip (or a batch in Runs): only that batch's outputs. */
  batchId: string | null
  /** Set by a grid's "Show in Gallery": only its cells' outputs and its grid image. */
  gridId: string | null
}

export const emptyGalleryFilter: GalleryFilter = {
  search: '',
  provider: null,
  deploymentId: null,
  kind: null,
  source: null,
  favourite: false,
  range: 'all',
  batchId: null,
  gridId: null,
}

/** `outputs.list` args for a filter, without the page cursor and size. */
export type GalleryQuery = Omit<OutputListArgs, 'after' | 'limit'>

const DAY_MS = 86_400_000

/** Where a date preset starts: local midnight for "today", else that many days back from `now`. */
export function rangeStart(range: DateRange, now: number): number | undefined {
  if (range === 'all') return undefined
  if (range === 'today') {
    const d = new Date(now)
    d.setHours(0, 0, 0, 0)
    return d.getTime()
  }
  return now - (range === '7d' ? 7 : 30) * DAY_MS
}

/** The filter as `outputs.list` takes it; empty and default parts are left out. */
export function galleryQuery(filter: GalleryFilter, now: number): GalleryQuery {
  const q: GalleryQuery = {}
  const search = filter.search.trim().slice(0, 200)
  if (search !== '') q.query = search
  if (filter.provider !== null) q.provider = filter.provider
  if (filter.deploymentId !== null) q.deploymentId = filter.deploymentId
  if (filter.kind !== null) q.kind = filter.kind
  if (filter.source !== null) q.source = filter.source
  if (filter.favourite) q.favourite = true
  const from = rangeStart(filter.range, now)
  if (from !== undefined) q.from = from
  if (filter.batchId !== null) q.batchId = filter.batchId
  if (filter.gridId !== null) q.gridId = filter.gridId
  return q
}

export const isFiltered = (filter: GalleryFilter): boolean =>
  filter.search.trim() !== '' ||
  filter.provider !== null ||
  filter.deploymentId !== null ||
  filter.kind !== null ||
  filter.source !== null ||
  filter.favourite ||
  filter.range !== 'all' ||
  filter.batchId !== null ||
  filter.gridId !== null

export const sameQuery = (a: GalleryQuery, b: GalleryQuery): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Lower-case words of letters and digits, as the search compares them. */
export const words = (text: string): string[] => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '')

/**
 * Whether a newly saved output belongs in a list fetched for `query`, so it can be shown at once. The text
 * test mirrors the server's (every word a prefix of a word of the prompt, deployment name or file name).
 */
export function matchesQuery(o: Output, q: GalleryQuery): boolean {
  if (q.runId !== undefined && o.runId !== q.runId) return false
  if (q.batchId !== undefined && o.batchId !== q.batchId) return false
  if (q.gridId !== undefined && o.gridId !== q.gridId) return false
  if (q.provider !== undefined && o.provider !== q.provider) return false
  if (q.deploymentId !== undefined && o.deploymentId !== q.deploymentId) return false
  if (q.kind !== undefined && o.kind !== q.kind) return false
  if (q.source !== undefined && o.source !== q.source) return false
  if (q.favourite !== undefined && o.favourite !== q.favourite) return false
  if (q.from !== undefined && o.createdAt < q.from) return false
  if (q.to !== undefined && o.createdAt >= q.to) return false
  if (q.query !== undefined) {
    const have = words(`${o.prompt} ${o.deploymentName} ${o.path}`)
    if (!words(q.query).every((w) => have.some((h) => h.startsWith(w)))) return false
  }
  return true
}

/**
 * How many outputs match, exactly: main counts it with the facets (`matching`), for the filter they were
 * asked for. Null while the facets answer an older filter (the count line then says what is loaded).
 */
export function exactCount(facets: { matching: number } | null, facetsQuery: GalleryQuery | null, query: GalleryQuery): number | null {
  if (facets === null || facetsQuery === null || !sameQuery(facetsQuery, query)) return null
  return facets.matching
}
