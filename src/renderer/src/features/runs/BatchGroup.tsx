import { useId, useState } from 'react'
import { isTerminal, RunStatus, type Run } from '@shared/run'
import { percent, shortId } from '../../components/format'
import { ProgressBar } from '../../components/ProgressBar'
import { RunRow } from '../../components/RunRow'
import { statusLabel } from '../../components/StatusPill'
import { useCourier } from '../../store/context'
import { batchProgress, runPrompt } from '../../store/selectors'

/** "2 running · 1 queued · 3 succeeded". */
function summary(runs: readonly Run[]): string {
  const counts = new Map<RunStatus, number>()
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
  // In lifecycle order, as the contract lists the statuses.
  return RunStatus.options
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${statusLabel[s].toLowerCase()}`)
    .join(' · ')
}

/**
 * The runs of one batch (variations of one form) under one header: how many, their overall progress and
 * states, "Show in Gallery" (the batch's outputs) and "Cancel all" while some are in flight.
 */
export function BatchGroup({ batchId, runs, total, highlight }: { batchId: string; runs: Run[]; total: number; highlight: string | null }) {
  const [open, setOpen] = useState(true)
  const listId = useId()
  const titleId = useId()
  const setFilter = useCourier((s) => s.outputs.setFilter)
  const go = useCourier((s) => s.nav.go)
  const cancel = useCourier((s) => s.runs.cancel)
  const first = runs[runs.length - 1] ?? runs[0]
  const active = runs.filter((r) => !isTerminal(r.status))
  const progress = batchProgress(runs)
  const prompt = first ? runPrompt(first) : ''

  return (
    <li className="batch" data-batch-id={batchId} data-batch-progress={progress.toFixed(3)} aria-labelledby={titleId}>
      <div className="batch__head">
        <button type="button" className="icon-btn batch__toggle" aria-expanded={open} aria-controls={listId} aria-label={open ? 'Collapse batch' : 'Expand batch'} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
        </button>
        <div className="batch__title-wrap">
          <h2 id={titleId} className="batch__title">
            Batch of {total} {total === 1 ? 'run' : 'runs'} · {first?.deploymentName ?? ''}
            <code className="batch__id muted" title={batchId}>
              {shortId(batchId)}
            </code>
          </h2>
          {prompt && (
            <p className="batch__prompt muted" title={prompt}>
              {prompt}
            </p>
          )}
          <p className="batch__summary" aria-live="polite">
            {summary(runs)}
            {runs.length < total && ` (${runs.length} of ${total} shown)`}
          </p>
        </div>
        <div className="batch__progress">
          <ProgressBar value={progress} label={`Progress of batch ${shortId(batchId)}`} tone={active.length === 0 ? 'ok' : undefined} />
          <span className="batch__pct muted">{percent(progress)}%</span>
        </div>
        <div className="batch__actions">
          <button
            type="button"
            className="btn btn--small btn--ghost"
            onClick={() => {
              setFilter({ batchId })
              go('gallery')
            }}
          >
            Show in Gallery
          </button>
          {active.length > 0 && (
            <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => active.forEach((r) => void cancel(r.id))}>
              Cancel all
            </button>
          )}
        </div>
      </div>
      <ol id={listId} className="run-list batch__runs" hidden={!open}>
        {runs.map((run) => (
          <RunRow key={run.id} run={run} highlighted={run.id === highlight} />
        ))}
      </ol>
    </li>
  )
}
