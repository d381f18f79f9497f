import { useShallow } from 'zustand/react/shallow'
import { RunRow } from '../../components/RunRow'
import { useCourier } from '../../store/context'
import { recentRuns } from '../../store/selectors'

const RECENT = 5

export function RecentRuns() {
  const runs = useCourier(useShallow(recentRuns(RECENT)))
  const go = useCourier((s) => s.nav.go)
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
      {runs.length === 0 ? (
        <p className="muted recent__empty">Runs you start appear here and update live, from queued to done.</p>
      ) : (
        <ol className="run-list run-list--compact">
          {runs.map((run) => (
            <RunRow key={run.id} run={run} compact />
          ))}
        </ol>
      )}
    </section>
  )
}
