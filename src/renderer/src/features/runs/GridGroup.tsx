import { useId } from 'react'
import { isTerminal, type Run } from '@shared/run'
import { percent, shortId } from '../../components/format'
import { ProgressBar } from '../../components/ProgressBar'
import { BatchCost } from '../../components/RunCost'
import { useCourier } from '../../store/context'
import { batchCounts, batchProgress } from '../../store/selectors'
import { axisName } from '../compare/plan'

/**
 * The cells of one comparison grid in Runs (as BatchGroup is for a batch): how many, how far, their cost, and
 * the way to the grid's live view, where the cells stand in their places. "Cancel the rest" while some run.
 */
export function GridGroup({ gridId, runs, compact = false }: { gridId: string; runs: Run[]; compact?: boolean }) {
  const grid = useCourier((s) => s.grids.byId[gridId])
  const showGrid = useCourier((s) => s.nav.showGrid)
  const cancel = useCourier((s) => s.grids.cancel)
  const titleId = useId()
  const first = runs[runs.length - 1] ?? runs[0]
  const total = grid?.cells.length ?? runs.length
  const counts = batchCounts(runs)
  const progress = batchProgress(runs)
  const active = runs.filter((r) => !isTerminal(r.status)).length
  const n = Math.max(1, runs.length)
  const Title = compact ? 'h3' : 'h2'
  const fields = useCourier((s) => (grid === undefined ? undefined : s.generate.deployments[grid.provider]?.items.find((d) => d.id === grid.deploymentId)?.inputs))
  const axes = grid?.axes.map((a, i) => `${axisName(i)}: ${fields?.find((f) => f.id === a.input)?.label ?? a.input} (${a.values.length})`).join(' × ')
  const parts = [`${counts.succeeded} succeeded`, counts.failed > 0 ? `${counts.failed} failed` : null, counts.cancelled > 0 ? `${counts.cancelled} cancelled` : null, active > 0 ? `${active} to go` : null]
  return (
    <li className={`batch batch--grid${compact ? ' batch--compact' : ''}`} data-grid-id={gridId} aria-labelledby={titleId}>
      <div className="batch__head">
        <div className="batch__title-wrap">
          <Title id={titleId} className="batch__title">
            Grid of {total} {total === 1 ? 'run' : 'runs'} · {first?.deploymentName ?? grid?.deploymentName ?? ''}
            {!compact && (
              <code className="batch__id muted" title={gridId}>
                {shortId(gridId)}
              </code>
            )}
          </Title>
          {axes !== undefined && <p className="batch__prompt muted">{axes}</p>}
          <p className="batch__summary">
            <span aria-live="polite">{parts.filter((p) => p !== null).join(' · ')}</span>
            <span className="batch__cost">
              <BatchCost runs={runs} />
            </span>
          </p>
        </div>
        <div className="batch__progress">
          <ProgressBar
            value={progress}
            label={`Progress of grid ${shortId(gridId)}`}
            valueText={parts.filter((p) => p !== null).join(' · ')}
            segments={[
              { tone: 'ok', value: counts.succeeded / n },
              { tone: 'error', value: counts.failed / n },
              { tone: 'cancelled', value: counts.cancelled / n },
              { tone: 'active', value: counts.activeProgress / n },
            ]}
          />
          {active > 0 && <span className="batch__pct muted">{percent(progress)}%</span>}
        </div>
        <div className="batch__actions">
          <a
            href={`#/grids/${gridId}`}
            className="btn btn--small"
            onClick={(e) => {
              if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
              e.preventDefault()
              showGrid(gridId)
            }}
          >
            Open grid
          </a>
          {active > 0 && !compact && (
            <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => void cancel(gridId)}>
              Cancel the rest
            </button>
          )}
        </div>
      </div>
    </li>
  )
}
