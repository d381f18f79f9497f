import { useCallback, useId, useMemo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { InputField } from '@shared/deployment'
import type { OutputId } from '@shared/output'
import { isTerminal, RunStatus, type Run } from '@shared/run'
import { ErrorNotice } from '../../components/ErrorNotice'
import { percent, shortId } from '../../components/format'
import { Lightbox } from '../../components/Lightbox'
import { MediaThumb } from '../../components/MediaThumb'
import { outputDragProps } from '../../components/output-drag'
import { ProgressBar } from '../../components/ProgressBar'
import { BatchCost } from '../../components/RunCost'
import { RunRow, runDataAttributes } from '../../components/RunRow'
import { statusLabel } from '../../components/StatusPill'
import { useCourier } from '../../store/context'
import { batchCounts, batchHasOutputs, batchProgress, deploymentInputsOf, outputsOfRun, outputsOfRuns, runPrompt, runSeed } from '../../store/selectors'

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

/** Why a batch has nothing to show in the gallery, once no run can bring an output any more. */
export function noOutputsText(runs: readonly Run[]): string {
  if (runs.every((r) => r.status === 'cancelled')) return 'This batch was cancelled before it made any outputs.'
  if (runs.every((r) => r.status === 'succeeded')) return 'These runs finished without making any outputs.'
  return 'No outputs are coming: every run of this batch failed, was cancelled or made none.'
}

interface Props {
  batchId: string
  runs: Run[]
  total: number
  highlight: string | null
  /** In Generate's Recent runs: a smaller header and no per-run rows. */
  compact?: boolean
}

/**
 * The runs of one batch (variations of one form) under one header: how many, a bar of what became of
 * them (succeeded, failed, cancelled, still running), "Show in Gallery" while there are outputs to see, and
 * "Cancel all" while some are in flight. The runs show as a contact sheet, one small cell per seed; the
 * Runs view can show each run's full row instead.
 */
export function BatchGroup({ batchId, runs, total, highlight, compact = false }: Props) {
  const [open, setOpen] = useState(true)
  const [detailed, setDetailed] = useState(false)
  const [viewing, setViewing] = useState<OutputId | null>(null)
  const close = useCallback(() => setViewing(null), [])
  const listId = useId()
  const titleId = useId()
  const setFilter = useCourier((s) => s.outputs.setFilter)
  const go = useCourier((s) => s.nav.go)
  const cancel = useCourier((s) => s.runs.cancel)
  const first = runs[runs.length - 1] ?? runs[0]
  const fields = useCourier((s) => (first ? deploymentInputsOf(first)(s) : undefined))
  const runIds = useMemo(() => new Set<string>(runs.map((r) => r.id)), [runs])
  const outputs = useCourier(useShallow(outputsOfRuns(runIds)))
  const active = runs.filter((r) => !isTerminal(r.status))
  const progress = batchProgress(runs)
  const counts = batchCounts(runs)
  const prompt = first ? runPrompt(first) : ''
  const hasOutputs = batchHasOutputs(runs)
  const n = Math.max(1, runs.length)
  const errors = [...new Map(runs.filter((r) => r.error !== null && r.status !== 'cancelled').map((r) => [r.error?.message, r.error])).values()]
  const Title = compact ? 'h3' : 'h2'

  return (
    <li className={`batch${compact ? ' batch--compact' : ''}`} data-batch-id={batchId} data-batch-progress={progress.toFixed(3)} aria-labelledby={titleId}>
      <div className="batch__head">
        {!compact && (
          <button type="button" className="icon-btn batch__toggle" aria-expanded={open} aria-controls={listId} aria-label={open ? 'Collapse batch' : 'Expand batch'} onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
        )}
        <div className="batch__title-wrap">
          <Title id={titleId} className="batch__title">
            Batch of {total} {total === 1 ? 'run' : 'runs'} · {first?.deploymentName ?? ''}
            {!compact && (
              <code className="batch__id muted" title={batchId}>
                {shortId(batchId)}
              </code>
            )}
          </Title>
          {prompt && (
            <p className="batch__prompt muted" title={prompt}>
              {prompt}
            </p>
          )}
          {/* The cost shares the summary's line, so a batch is no taller for it. */}
          <p className="batch__summary">
            <span aria-live="polite">
              {summary(runs)}
              {runs.length < total && ` (${runs.length} of ${total} shown)`}
            </span>
            <span className="batch__cost">
              <BatchCost runs={runs} />
            </span>
          </p>
        </div>
        <div className="batch__progress">
          <ProgressBar
            value={progress}
            label={`Progress of batch ${shortId(batchId)}`}
            valueText={summary(runs)}
            segments={[
              { tone: 'ok', value: counts.succeeded / n },
              { tone: 'error', value: counts.failed / n },
              { tone: 'cancelled', value: counts.cancelled / n },
              { tone: 'active', value: counts.activeProgress / n },
            ]}
          />
          {active.length > 0 && <span className="batch__pct muted">{percent(progress)}%</span>}
        </div>
        <div className="batch__actions">
          {hasOutputs && (
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
          )}
          {active.length > 0 && (
            <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => active.forEach((r) => void cancel(r.id))}>
              Cancel all
            </button>
          )}
          {!compact && (
            <button type="button" className="btn btn--small btn--ghost" aria-pressed={detailed} onClick={() => setDetailed(!detailed)}>
              Show each run
            </button>
          )}
        </div>
      </div>
      {!hasOutputs && <p className="batch__note">{noOutputsText(runs)}</p>}
      <div id={listId} className="batch__runs" hidden={!open}>
        {detailed && !compact ? (
          <ol className="run-list">
            {runs.map((run) => (
              <RunRow key={run.id} run={run} highlighted={run.id === highlight} />
            ))}
          </ol>
        ) : (
          <>
            <ol className="run-list batch__sheet" aria-label={`Runs of this batch, by seed`}>
              {runs.map((run) => (
                <BatchCell key={run.id} run={run} fields={fields} highlighted={run.id === highlight} onOpen={setViewing} />
              ))}
            </ol>
            {errors.map((error) => error && <ErrorNotice key={error.message} error={error} className="notice--compact" />)}
          </>
        )}
      </div>
      {viewing !== null && <Lightbox outputs={outputs} openId={viewing} onNavigate={setViewing} onClose={close} />}
    </li>
  )
}

/** One run of a batch on the contact sheet: its first output (or what became of it) and its seed. */
function BatchCell({ run, fields, highlighted, onOpen }: { run: Run; fields: InputField[] | undefined; highlighted: boolean; onOpen(id: OutputId): void }) {
  const outputs = useCourier(useShallow(outputsOfRun(run.id)))
  const seed = runSeed(run, fields)
  const seedText = seed === null ? 'No seed' : `Seed ${seed}`
  const shown = outputs[0]
  const moving = run.status === 'queued' || run.status === 'running'
  const state =
    run.status === 'succeeded' ? (run.outputs === 'pending' ? 'Saving…' : run.outputs === 'failed' ? 'Not saved' : run.outputs === 'none' ? 'No output' : 'Succeeded') : statusLabel[run.status]
  return (
    <li
      className={`sheet-cell sheet-cell--${run.status}${highlighted ? ' run--highlighted' : ''}`}
      {...runDataAttributes(run, highlighted)}
      title={run.error?.message}
    >
      {shown !== undefined ? (
        <button
          type="button"
          className="sheet-cell__thumb"
          data-output-id={shown.id}
          aria-label={`Open the output of ${seedText.toLowerCase()}`}
          onClick={() => onOpen(shown.id)}
          {...outputDragProps(shown)}
        >
          <MediaThumb output={shown} />
          {outputs.length > 1 && (
            <span className="sheet-cell__more" aria-hidden="true">
              +{outputs.length - 1}
            </span>
          )}
        </button>
      ) : (
        <div className="sheet-cell__thumb sheet-cell__thumb--empty" aria-hidden="true" />
      )}
      <span className="sheet-cell__seed" title={seedText}>
        {seed === null ? (
          seedText
        ) : (
          <>
            <span className="visually-hidden">Seed </span>
            {seed}
          </>
        )}
      </span>
      {/* A picture says the run succeeded; anything else is said in words. */}
      {(shown === undefined || state !== 'Succeeded') && (
        <span className="sheet-cell__state">{moving && run.progress > 0 ? `${statusLabel[run.status]} ${percent(run.progress)}%` : state}</span>
      )}
      {moving && <ProgressBar value={run.progress} indeterminate={run.status === 'queued' && run.progress === 0} label={`Progress of run ${shortId(run.id)}`} />}
    </li>
  )
}
