import type { OutputsSlice, SliceContext } from './types'
import { mergeById, outputsNewestFirst, upsertById } from './merge'

/** How long the gallery waits after the last keystroke before asking main to search. */
export const SEARCH_DEBOUNCE_MS = 250

export function createOutputsSlice({ get, patch, deps }: SliceContext): OutputsSlice {
  let timer: ReturnType<typeof setTimeout> | undefined
  let searchSeq = 0

  return {
    items: [],
    status: 'idle',
    error: null,
    query: '',
    results: null,
    searching: false,
    searchError: null,

    async load() {
      patch('outputs', { status: 'loading' })
      const res = await deps.courier.invoke('outputs.list', {})
      if (res.ok) patch('outputs', (s) => ({ items: mergeById(s.items, res.value, outputsNewestFirst), status: 'loaded' as const, error: null }))
      else patch('outputs', { status: 'error', error: res.error })
    },

    setQuery(query) {
      patch('outputs', { query })
      clearTimeout(timer)
      if (query.trim() === '') {
        searchSeq++
        patch('outputs', { results: null, searching: false, searchError: null })
        return
      }
      patch('outputs', { searching: true })
      timer = setTimeout(() => void get().outputs.search(query), SEARCH_DEBOUNCE_MS)
    },

    async search(query) {
      clearTimeout(timer)
      const q = query.trim()
      const seq = ++searchSeq
      if (q === '') {
        patch('outputs', { results: null, searching: false, searchError: null })
        return
      }
      patch('outputs', { searching: true })
      const res = await deps.courier.invoke('outputs.list', { query: q.slice(0, 200) })
      if (seq !== searchSeq) return // a newer search (or a cleared box) owns the results now
      if (res.ok) patch('outputs', { results: res.value.slice().sort(outputsNewestFirst), searching: false, searchError: null })
      else patch('outputs', { searching: false, searchError: res.error })
    },

    receive(output) {
      patch('outputs', (s) => ({ items: upsertById(s.items, output, outputsNewestFirst) }))
    },
  }
}
