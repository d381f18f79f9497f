import { ok } from '@shared/result'
import type { RunsSlice, SliceContext } from './types'
import { isNewer, mergeRuns, upsertRun } from './merge'

export const RUNS_PAGE = 200

export function createRunsSlice({ get, patch, deps }: SliceContext): RunsSlice {
  return {
    items: [],
    status: 'idle',
    error: null,
    cancelling: {},
    cancelErrors: {},
    byId: {},
    highlight: null,

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
      else get().toasts.failure('Could not cancel the run', res.error, () => void get().runs.cancel(id))
      patch('runs', (s) => ({
        cancelling: { ...s.cancelling, [id]: false },
        cancelErrors: res.ok ? s.cancelErrors : { ...s.cancelErrors, [id]: res.error },
      }))
    },

    receive(run) {
      patch('runs', (s) => {
        const items = upsertRun(s.items, run)
        const cached = s.byId[run.id]
        const byId = cached !== undefined && isNewer(run, cached) ? { ...s.byId, [run.id]: run } : s.byId
        return items === s.items && byId === s.byId ? {} : { items, byId }
      })
    },

    receiveAll(runs) {
      patch('runs', (s) => {
        let items = s.items
        let byId = s.byId
        for (const run of runs) {
          items = upsertRun(items, run)
          const cached = byId[run.id]
          if (cached !== undefined && isNewer(run, cached)) byId = { ...byId, [run.id]: run }
        }
        return items === s.items && byId === s.byId ? {} : { items, byId }
      })
    },

    async fetch(id) {
      const s = get().runs
      const known = s.items.find((r) => r.id === id) ?? s.byId[id]
      if (known !== undefined) return ok(known)
      const res = await deps.courier.invoke('runs.get', { id })
      if (res.ok) patch('runs', (cur) => ({ byId: { ...cur.byId, [id]: res.value } }))
      return res
    },

    async rerun(id, seed) {
      // The run re-run (from the store, else `runs.get`) says whose money it is, for the spend question.
      const known = await get().runs.fetch(id)
      const original = known.ok ? known.value : null
      const res = await get().spend.submitWithSpendCheck(
        {
          what: `Re-run ${original?.deploymentName ?? 'this run'}${seed === 'new' ? ' with a new seed' : ' with the same seed'}`,
          provider: original?.provider ?? 'comfydeploy',
          deploymentId: original?.deploymentId ?? null,
          count: 1,
        },
        (confirmUsd) => deps.courier.invoke('runs.rerun', confirmUsd === undefined ? { id, seed } : { id, seed, confirmUsd }),
      )
      if (res?.ok) get().runs.receive(res.value)
      return res
    },

    show(id) {
      patch('runs', { highlight: id })
      get().nav.go('runs')
    },
  }
}
