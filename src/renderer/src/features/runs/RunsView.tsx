import { useEffect, useMemo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { isTerminal } from '@shared/run'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { RunRow } from '../../components/RunRow'
import { ViewHeader } from '../../components/ViewHeader'
import { useCourier } from '../../store/context'
import { batchSizes, groupRuns } from '../../store/selectors'
import { BatchGroup } from './BatchGroup'
import { GridGroup } from './GridGroup'
import type { CourierState } from '../../store/types'

type Filter = 'all' | 'active' | 'succeeded' | 'problems' | 'cancelled'

const filters: Array<{ id: Filter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'succeeded', label: 'Succeeded' },
  { id: 'problems', label: 'Failed' },
  { id: 'cancelled', label: 'Cancelled' },
]

const pick = (filter: Filter) => (s: CourierState) =>
  s.runs.items.filter((r) => {
    if (filter === 'active') return !isTerminal(r.status)
    if (filter === 'succeeded') return r.status === 'succeeded'
    // A cancelled run did not fail: the user stopped it, so it has a filter of its own.
    if (filter === 'problems') return r.status === 'failed' || r.status === 'timed_out'
    if (filter === 'cancelled') return r.status === 'cancelled'
    return true
  })

/** What an empty filter means, in words. */
const emptyFilterText: Record<Filter, string> = {
  all: 'No runs yet.',
  active: 'Nothing is running or waiting right now.',
  succeeded: 'No run has succeeded yet.',
  problems: 'No run has failed.',
  cancelled: 'You have not cancelled any run.',
}

export function RunsView() {
  const [filter, setFilter] = useState<Filter>('all')
  const runs = useCourier(useShallow(pick(filter)))
  const total = useCourier((s) => s.runs.items.length)
  const error = useCourier((s) => s.runs.error)
  const reload = useCourier((s) => s.runs.load)
  const go = useCourier((s) => s.nav.go)
  const all = useCourier((s) => s.runs.items)
  const highlight = useCourier((s) => s.runs.highlight)
  const loadGrids = useCourier((s) => s.grids.loadList)
  const hasGridRuns = useCourier((s) => s.runs.items.some((r) => r.gridId != null))
  const entries = useMemo(() => groupRuns(runs), [runs])
  const sizes = useMemo(() => batchSizes(all), [all])

  // The grids' axes, for their groups' headers (read once there are grid runs to show).
  useEffect(() => {
    if (hasGridRuns) void loadGrids()
  }, [hasGridRuns, loadGrids])

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
        <EmptyState title={emptyFilterText[filter]} />
      ) : (
        <ol className="run-list">
          {entries.map((entry) =>
            entry.kind === 'run' ? (
              <RunRow key={entry.run.id} run={entry.run} highlighted={entry.run.id === highlight} />
            ) : entry.kind === 'grid' ? (
              <GridGroup key={entry.gridId} gridId={entry.gridId} runs={entry.runs} />
            ) : (
              <BatchGroup key={entry.batchId} batchId={entry.batchId} runs={entry.runs} total={sizes.get(entry.batchId) ?? entry.runs.length} highlight={highlight} />
            ),
          )}
        </ol>
      )}
    </section>
  )
}
