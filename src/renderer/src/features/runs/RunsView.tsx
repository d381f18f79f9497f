import { useEffect, useMemo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { isTerminal } from '@shared/run'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { RunRow } from '../../components/RunRow'
import { ViewHeader } from '../../components/ViewHeader'
import { useCourier } from '../../store/context'
import { groupRuns } from '../../store/selectors'
import { BatchGroup } from './BatchGroup'
import type { CourierState } from '../../store/types'

type Filter = 'all' | 'active' | 'succeeded' | 'problems'

const filters: Array<{ id: Filter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'succeeded', label: 'Succeeded' },
  { id: 'problems', label: 'Failed' },
]

const pick = (filter: Filter) => (s: CourierState) =>
  s.runs.items.filter((r) => {
    if (filter === 'active') return !isTerminal(r.status)
    if (filter === 'succeeded') return r.status === 'succeeded'
    if (filter === 'problems') return r.status === 'failed' || r.status === 'timed_out' || r.status === 'cancelled'
    return true
  })

export function RunsView() {
  const [filter, setFilter] = useState<Filter>('all')
  const runs = useCourier(useShallow(pick(filter)))
  const total = useCourier((s) => s.runs.items.length)
  const error = useCourier((s) => s.runs.error)
  const reload = useCourier((s) => s.runs.load)
  const go = useCourier((s) => s.nav.go)
  const all = useCourier((s) => s.runs.items)
  const highlight = useCourier((s) => s.runs.highlight)
  const entries = useMemo(() => groupRuns(runs), [runs])
  const batchSizes = useMemo(() => {
    const sizes = new Map<string, number>()
    for (const r of all) if (r.batchId !== null) sizes.set(r.batchId, (sizes.get(r.batchId) ?? 0) + 1)
    return sizes
  }, [all])

  // A run just started elsewhere (a re-run from the gallery) is brought into view.
  useEffect(() => {
    if (highlight === null) return
    const row = [...document.querySelectorAll<HTMLElement>('.run-list [data-run-id]')].find((el) => el.dataset.runId === highlight)
    row?.scrollIntoView?.({ block: 'nearest' })
  }, [highlight])

  return (
    <section className="view" aria-labelledby="runs-title">
      <ViewHeader id="runs-title" title="Runs" sub="Every run, newest first, updated live as the service reports back.">
        {total > 0 && (
          <div className="segmented" role="group" aria-label="Show">
            {filters.map((f) => (
              <button key={f.id} type="button" className="segmented__item" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
                {f.label}
              </button>
            ))}
          </div>
        )}
      </ViewHeader>
      {error && <ErrorNotice error={error} onRetry={() => void reload()} />}
      {total === 0 ? (
        <EmptyState
          title="No runs yet — go to Generate to start one."
          action={
            <button type="button" className="btn btn--primary" onClick={() => go('generate')}>
              Go to Generate
            </button>
          }
        />
      ) : runs.length === 0 ? (
        <EmptyState title="No runs match this filter." />
      ) : (
        <ol className="run-list">
          {entries.map((entry) =>
            entry.kind === 'run' ? (
              <RunRow key={entry.run.id} run={entry.run} highlighted={entry.run.id === highlight} />
            ) : (
              <BatchGroup key={entry.batchId} batchId={entry.batchId} runs={entry.runs} total={batchSizes.get(entry.batchId) ?? entry.runs.length} highlight={highlight} />
            ),
          )}
        </ol>
      )}
    </section>
  )
}
