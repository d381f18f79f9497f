import type { RunsSlice, SliceContext } from './types'
import { mergeRuns, upsertRun } from './merge'

export const RUNS_PAGE = 200

export function createRunsSlice({ get, patch, deps }: SliceContext): RunsSlice {
  return {
    items: [],
    status: 'idle',
    error: null,
    cancelling: {},
    cancelErrors: {},

    async load() {
      patch('runs', { status: 'loading' })
      const res = await deps.courier.invoke('runs.list', { limit: RUNS_PAGE })
      if (res.ok) patch('runs', (s) => ({ items: mergeRuns(s.items, res.value), status: 'loaded' as const, error: null }))
      else patch('runs', { status: 'error', error: res.error })
    },

    async cancel(id) {
      if (get().runs.cancelling[id]) return
      patch('runs', (s) => ({ cancelling: { ...s.cancelling, [id]: true }, cancelErrors: { ...s.cancelErrors, [id]: undefined } }))
      const res = await deps.courier.invoke('runs.cancel', { id })
      if (res.ok) get().runs.receive(res.value)
      patch('runs', (s) => ({
        cancelling: { ...s.cancelling, [id]: false },
        cancelErrors: res.ok ? s.cancelErrors : { ...s.cancelErrors, [id]: res.error },
      }))
    },

    receive(run) {
      patch('runs', (s) => {
        const items = upsertRun(s.items, run)
        return items === s.items ? {} : { items }
      })
    },
  }
}
