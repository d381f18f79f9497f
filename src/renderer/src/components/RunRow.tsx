import { useCallback, useState } from 'react'
import type { OutputId } from '@shared/output'
import { useShallow } from 'zustand/react/shallow'
import type { Run } from '@shared/run'
import { useCourier } from '../store/context'
import { isActive, outputsOfRun, runPrompt } from '../store/selectors'
import { ErrorNotice } from './ErrorNotice'
import { DownloadList } from './DownloadList'
import { formatDuration, formatTime, formatWhen, shortRunId } from './format'
import { Lightbox } from './Lightbox'
import { MediaThumb } from './MediaThumb'
import { outputDragProps } from './output-drag'
import { ProgressBar } from './ProgressBar'
import { runOutputsNote } from './run-outputs-note'
import { RunCost } from './RunCost'
import { RunIds } from './RunIds'
import { StatusPill } from './StatusPill'
import { useMinuteNow, useNow } from './useNow'

const providerName: Record<Run['provider'], string> = { demo: 'Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy', comfyui: 'ComfyUI' }

/**
 * What every element standing for a run carries, whatever it looks like (a row, a contact-sheet cell):
 * the specs and the notifiers' tests find runs and read their state through these.
 */
export function runDataAttributes(run: Run, highlighted: boolean): Record<`data-${string}`, string | number | undefined> {
  return {
    'data-run-id': run.id,
    'data-highlighted': highlighted ? 'true' : undefined,
    'data-run-status': run.status,
    'data-progress': run.progress,
    'data-output-count': run.outputCount,
    'data-outputs': run.outputs,
  }
}

/** One run, live: status, progress, elapsed time, error, outputs, and what can be done with it. */
export function RunRow({ run, compact = false, highlighted = false }: { run: Run; compact?: boolean; highlighted?: boolean }) {
  const active = isActive(run)
  const now = useNow(active)
  const minute = useMinuteNow()
  const outputs = useCourier(useShallow(outputsOfRun(run.id)))
  const cancelling = useCourier((s) => s.runs.cancelling[run.id] === true)
  const cancelError = useCourier((s) => s.runs.cancelErrors[run.id])
  const cancel = useCourier((s) => s.runs.cancel)
  const reuse = useCourier((s) => s.generate.reuse)
  const [viewing, setViewing] = useState<OutputId | null>(null)
  const close = useCallback(() => setViewing(null), [])

  const prompt = runPrompt(run)
  const elapsed = (run.finishedAt ?? (active ? Math.max(now, run.updatedAt) : run.updatedAt)) - run.createdAt
  const showProgress = run.status === 'queued' || run.status === 'running'

  return (
    <li
      className={`run run--${run.status}${compact ? ' run--compact' : ''}${highlighted ? ' run--highlighted' : ''}`}
      {...runDataAttributes(run, highlighted)}
    >
      <div className="run__main">
        <div className="run__title">
          <span className="run__deployment">{run.deploymentName || run.deploymentId}</span>
          <span className="tag">{providerName[run.provider]}</span>
          {run.polling && active && (
            <span className="tag tag--muted" title="No webhook is reaching us for this run, so Comfy Courier asks the service for updates.">
              polling
            </span>
          )}
        </div>
        <p className="run__prompt" title={prompt}>
          {prompt || <span className="muted">No prompt</span>}
        </p>
        {showProgress && (
          <ProgressBar value={run.progress} indeterminate={run.status === 'queued' && run.progress === 0} label={`Progress of run ${shortRunId(run.id)}`} />
        )}
        {run.liveStatus && active && <p className="run__live muted">{run.liveStatus}</p>}
        {run.error && <ErrorNotice error={run.error} className="notice--compact" />}
        {cancelError && <ErrorNotice error={cancelError} className="notice--compact" />}
        <RunIds run={run} />
        <DownloadList run={run} />
        {outputs.length === 0 && runOutputsNote(run) !== null && <p className="run__note muted">{runOutputsNote(run)}</p>}
        {outputs.length > 0 && (
          <ul className="run__thumbs" aria-label="Outputs">
            {outputs.map((o) => (
              <li key={o.id}>
                <button type="button" className="run__thumb" data-output-id={o.id} onClick={() => setViewing(o.id)} title="Open, or drag onto an input to use it" {...outputDragProps(o)}>
                  <MediaThumb output={o} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="run__side">
        <div className="run__status" aria-live="polite" aria-atomic="true">
          <StatusPill status={run.status} progress={run.progress} />
        </div>
        <span className="run__time muted" title={`Started ${formatTime(run.createdAt)}`}>
          {formatWhen(run.createdAt, Math.max(now, minute))} · {formatDuration(elapsed)}
        </span>
        <RunCost run={run} className="run__cost" />
        <div className="run__actions">
          {active && (
            <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => void cancel(run.id)} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          {!compact && !active && (
            <button type="button" className="btn btn--small btn--ghost" onClick={() => reuse(run)} title="Open Generate with this run's inputs">
              Reuse settings
            </button>
          )}
        </div>
      </div>
      {viewing !== null && <Lightbox outputs={outputs} openId={viewing} onNavigate={setViewing} onClose={close} />}
    </li>
  )
}
