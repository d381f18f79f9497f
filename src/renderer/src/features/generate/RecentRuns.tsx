import { useMemo } from 'react'
import { RunRow } from '../../components/RunRow'
import { useCourier } from '../../store/context'
import { batchSizes, groupRuns } from '../../store/selectors'
import { BatchGroup } from '../runs/BatchGroup'
import { GridGroup } from '../runs/GridGroup'

/** How many entries show: a run on its own, or a whole batch as one contact-sheet row. */
const RECENT = 5

export function RecentRuns() {
  const all = useCourier((s) => s.runs.items)
  const go = useCourier((s) => s.nav.go)
  const entries = useMemo(() => groupRuns(all).slice(0, RECENT), [all])
  const sizes = useMemo(() => batchSizes(all), [all])
  return (
    <section className="card recent" aria-labelledby="recent-runs-title">
      <header className="card__head">
        <h2 id="recent-runs-title" className="card__title">
          Recent runs
        </h2>
        <a
          href="#/runs"
          className="link link--small"
          onClick={(e) => {
            e.preventDefault()
            go('runs')
          }}
        >
          All runs →
        </a>
      </header>
      {entries.length === 0 ? (
        <p className="muted recent__empty">Runs you start appear here and update live, from queued to done.</p>
      ) : (
        <ol className="run-list run-list--compact">
          {entries.map((entry) =>
            entry.kind === 'run' ? (
              <RunRow key={entry.run.id} run={entry.run} compact />
            ) : entry.kind === 'grid' ? (
              <GridGroup key={entry.gridId} gridId={entry.gridId} runs={entry.runs} compact />
            ) : (
              <BatchGroup key={entry.batchId} batchId={entry.batchId} runs={entry.runs} total={sizes.get(entry.batchId) ?? entry.runs.length} highlight={null} compact />
            ),
          )}
        </ol>
      )}
    </section>
  )
}
