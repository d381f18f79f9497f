import type { Output, OutputFacets } from '@shared/output'
import type { OutputsSlice, SliceContext } from './types'
import { mergeById, outputsNewestFirst, upsertById } from './merge'
import { emptyGalleryFilter, galleryQuery, matchesQuery, sameQuery, type GalleryFilter, type GalleryQuery } from './gallery-query'

/** How long the gallery waits after the last keystroke in the search box before asking main. */
export const SEARCH_DEBOUNCE_MS = 250
/** The gallery's page: the grid asks for the next one as its end scrolls near. */
export const GALLERY_PAGE = 200
/** How long after the last saved or deleted output the counts are asked for again. */
export const FACETS_SETTLE_MS = 300
/** Outputs fetched at start-up for the run rows' thumbnails (the newest runs' outputs). */
export const RECENT_OUTPUTS = 500

/** A filter with some of its parts left out: what one menu's counts follow. */
export function queryWithout(q: GalleryQuery, ...keys: Array<keyof GalleryQuery>): GalleryQuery {
  const rest = { ...q }
  for (const key of keys) delete rest[key]
  return rest
}

/**
 * Adds or takes away one output from the facet counts (a save, a delete), each count only where the
 * output is among what that count follows (`query`, less the menu's own choice).
 */
export function countIn(facets: OutputFacets | null, query: GalleryQuery, o: Output, by: 1 | -1): OutputFacets | null {
  if (facets === null) return null
  const within = (...keys: Array<keyof GalleryQuery>) => matchesQuery(o, queryWithout(query, ...keys))
  const bump = <T extends { count: number }>(list: T[], match: (x: T) => boolean, make: () => T, counted: boolean): T[] => {
    if (!counted) return list
    const found = list.some(match)
    const next = found ? list.map((x) => (match(x) ? { ...x, count: x.count + by } : x)) : by > 0 ? [...list, make()] : list
    return next.filter((x) => x.count > 0)
  }
  return {
    total: facets.total + by,
    matching: facets.matching + (within() ? by : 0),
    // An imported output has no provider or deployment: those menus never count it.
    providers:
      o.provider === null
        ? facets.providers
        : bump(facets.providers, (p) => p.id === o.provider, () => ({ id: o.provider!, count: 1 }), within('provider', 'deploymentId')),
    deployments:
      o.provider === null || o.deploymentId === null
        ? facets.deployments
        : bump(
            facets.deployments,
            (d) => d.id === o.deploymentId && d.provider === o.provider,
            () => ({ id: o.deploymentId!, name: o.deploymentName, provider: o.provider!, count: 1 }),
            within('deploymentId'),
          ),
    kinds: bump(facets.kinds, (k) => k.kind === o.kind, () => ({ kind: o.kind, count: 1 }), within('kind')),
    sources: bump(facets.sources ?? [], (x) => x.source === o.source, () => ({ source: o.source, count: 1 }), within('source')),
    favourites: facets.favourites + (o.favourite && within('favourite') ? by : 0),
  }
}

/** The favourites count after starring (1) or unstarring (-1) an output, where that count follows it. */
function starred(facets: OutputFacets | null, query: GalleryQuery | null, o: Output, by: 1 | -1): OutputFacets | null {
  if (facets === null || !matchesQuery(o, queryWithout(query ?? {}, 'favourite'))) return facets
  return { ...facets, favourites: facets.favourites + by }
}

const replaceIn = (list: Output[], o: Output): Output[] => (list.some((x) => x.id === o.id) ? list.map((x) => (x.id === o.id ? o : x)) : list)

export function createOutputsSlice({ get, patch, deps }: SliceContext): OutputsSlice {
  let timer: ReturnType<typeof setTimeout> | undefined
  // Bumped by every gallery load: an answer for a filter the user has since changed is dropped.
  let seq = 0
  // Outputs saved while a gallery load was under way that match what it asked for: merged into its page.
  let arrived: Output[] = []
  // The counts follow each saved or deleted output at once, and are then asked for again a moment later:
  // an answer and an `output.saved` event travel apart (HTTP and SSE), so the answer may or may not hold
  // the output the event announces, and only main's own count settles it. The newest answer wins.
  let facetsSeq = 0
  let facetsTimer: ReturnType<typeof setTimeout> | undefined
  const libraryChanged = (): void => {
    if (facetsSeq === 0) return // never asked for: nothing shows them yet
    clearTimeout(facetsTimer)
    facetsTimer = setTimeout(() => void get().outputs.loadFacets(), FACETS_SETTLE_MS)
  }

  /** Puts a changed copy of an output wherever it is shown (favourite toggled). */
  const replace = (o: Output): void => {
    patch('outputs', (s) => ({ items: replaceIn(s.items, o), results: replaceIn(s.results, o) }))
  }

  return {
    items: [],
    status: 'idle',
    error: null,
    filter: emptyGalleryFilter,
    query: {},
    results: [],
    resultsStatus: 'idle',
    resultsError: null,
    hasMore: false,
    loadingMore: false,
    moreError: null,
    searchPending: false,
    facets: null,
    facetsQuery: null,
    facetsError: null,

    async load() {
      patch('outputs', { status: 'loading' })
      const res = await deps.courier.invoke('outputs.list', { limit: RECENT_OUTPUTS })
      if (res.ok) patch('outputs', (s) => ({ items: mergeById(s.items, res.value, outputsNewestFirst), status: 'loaded' as const, error: null }))
      else patch('outputs', { status: 'error', error: res.error })
    },

    async loadGallery() {
      clearTimeout(timer)
      const query = galleryQuery(get().outputs.filter, Date.now())
      const mine = ++seq
      const previous = get().outputs.query
      // A reload of the same filter keeps what is shown (and what arrives meanwhile); a new filter starts afresh.
      arrived = sameQuery(previous, query) ? get().outputs.results.slice() : []
      // The request leaves before the store changes: every subscriber runs on a change, and the page's
      // render of the loading state would otherwise go first (up to 15 ms on a big library).
      const answer = deps.courier.invoke('outputs.list', { ...query, limit: GALLERY_PAGE })
      patch('outputs', { resultsStatus: 'loading', query, searchPending: false, loadingMore: false, moreError: null })
      const res = await answer
      if (mine !== seq) return
      // The menus' counts follow the same filter (the kind buttons count what the search found). They are
      // asked for once the page is here: on a large library they cost the host more than the page, and asked
      // at the same time they held the page up behind them.
      void get().outputs.loadFacets()
      if (!res.ok) {
        patch('outputs', { resultsStatus: 'error', resultsError: res.error })
        return
      }
      const page = res.value
      const full = page.length >= GALLERY_PAGE
      const oldest = page[page.length - 1]
      const kept = arrived.filter((o) => matchesQuery(o, query) && (!full || oldest === undefined || outputsNewestFirst(o, oldest) < 0))
      arrived = []
      patch('outputs', { results: mergeById(kept, page, outputsNewestFirst), resultsStatus: 'loaded', resultsError: null, hasMore: full })
    },

    async loadMore() {
      const s = get().outputs
      const last = s.results[s.results.length - 1]
      if (!s.hasMore || s.loadingMore || s.resultsStatus !== 'loaded' || last === undefined) return
      const mine = seq
      patch('outputs', { loadingMore: true, moreError: null })
      const res = await deps.courier.invoke('outputs.list', { ...s.query, after: last.id, limit: GALLERY_PAGE })
      if (mine !== seq) return
      if (!res.ok && res.error.code === 'NOT_FOUND') {
        // The cursor was deleted meanwhile (elsewhere): start again from the first page.
        patch('outputs', { loadingMore: false })
        await get().outputs.loadGallery()
        return
      }
      if (!res.ok) {
        patch('outputs', { loadingMore: false, moreError: res.error })
        return
      }
      patch('outputs', (cur) => ({
        results: mergeById(cur.results, res.value, outputsNewestFirst),
        hasMore: res.value.length >= GALLERY_PAGE,
        loadingMore: false,
      }))
    },

    async loadFacets() {
      const mine = ++facetsSeq
      const query = get().outputs.query
      const res = await deps.courier.invoke('outputs.facets', query)
      if (mine !== facetsSeq) return
      if (res.ok) patch('outputs', { facets: res.value, facetsQuery: query, facetsError: null })
      else patch('outputs', { facetsError: res.error })
    },

    setFilter(change) {
      const current = get().outputs.filter
      const next: GalleryFilter = { ...current, ...change }
      // A deployment belongs to one provider: picking another provider lets go of it.
      if (change.provider !== undefined && change.provider !== null && change.deploymentId === undefined) next.deploymentId = null
      patch('outputs', { filter: next })
      const onlySearch = Object.keys(change).every((k) => k === 'search')
      if (onlySearch && next.search.trim() !== '') {
        clearTimeout(timer)
        patch('outputs', { searchPending: true })
        timer = setTimeout(() => void get().outputs.loadGallery(), SEARCH_DEBOUNCE_MS)
        return
      }
      void get().outputs.loadGallery()
    },

    clearFilters() {
      patch('outputs', { filter: emptyGalleryFilter })
      void get().outputs.loadGallery()
    },

    receive(output) {
      const s = get().outputs
      const known = s.items.some((o) => o.id === output.id) || s.results.some((o) => o.id === output.id)
      const shown = s.resultsStatus !== 'idle' && matchesQuery(output, s.query)
      if (s.resultsStatus === 'loading' && shown) arrived.push(output)
      if (!known) libraryChanged()
      patch('outputs', (cur) => ({
        items: upsertById(cur.items, output, outputsNewestFirst),
        results: shown ? upsertById(cur.results, output, outputsNewestFirst) : replaceIn(cur.results, output),
        facets: known ? cur.facets : countIn(cur.facets, cur.facetsQuery ?? {}, output, 1),
      }))
    },

    async setFavourite(id, favourite) {
      const s = get().outputs
      const before = s.results.find((o) => o.id === id) ?? s.items.find((o) => o.id === id)
      if (before !== undefined && before.favourite !== favourite) {
        // Shown at once; put back if main refuses.
        replace({ ...before, favourite })
        patch('outputs', (cur) => ({ facets: starred(cur.facets, cur.facetsQuery, before, favourite ? 1 : -1) }))
      }
      const res = await deps.courier.invoke('outputs.update', { id, favourite })
      if (res.ok) {
        replace(res.value)
        // With "Favourites only" on, the match count moves too: main counts it again.
        if (get().outputs.facetsQuery?.favourite !== undefined) libraryChanged()
      } else if (before !== undefined && before.favourite !== favourite) {
        replace(before)
        patch('outputs', (cur) => ({ facets: starred(cur.facets, cur.facetsQuery, before, favourite ? -1 : 1) }))
      }
      return res
    },

    async remove(ids) {
      const res = await deps.courier.invoke('outputs.delete', { ids: [...ids] })
      if (res.ok) {
        libraryChanged()
        const gone = new Set<string>(ids)
        patch('outputs', (cur) => {
          const removed = new Map<string, Output>()
          for (const o of [...cur.items, ...cur.results]) if (gone.has(o.id)) removed.set(o.id, o)
          let facets = cur.facets
          for (const o of removed.values()) facets = countIn(facets, cur.facetsQuery ?? {}, o, -1)
          return { items: cur.items.filter((o) => !gone.has(o.id)), results: cur.results.filter((o) => !gone.has(o.id)), facets }
        })
      }
      return res
    },

    forgetFolder(folder) {
      patch('outputs', (cur) => ({ items: cur.items.filter((o) => o.folder !== folder), results: cur.results.filter((o) => o.folder !== folder) }))
      void get().outputs.loadGallery()
    },

    get(id) {
      return deps.courier.invoke('outputs.get', { id })
    },

    open(id, how) {
      return deps.courier.invoke('outputs.open', { id, how })
    },
  }
}
