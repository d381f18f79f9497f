import { useMemo, useState, type ReactNode } from 'react'
import type { Deployment } from '@shared/deployment'
import type { Failure } from '@shared/result'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'
import { currentDraft } from '../../store/generate'
import type { ComposeMode } from '../../store/types'
import { SpendEstimate } from '../generate/SpendEstimate'
import { GridEditor } from './GridEditor'
import { ListEditor } from './ListEditor'
import { axisName, planGrid, planList, type GridPlan, type ListPlan } from './plan'

export function useGridPlan(deployment: Deployment): GridPlan {
  const draft = useCourier(currentDraft)
  const axes = useCourier((s) => s.grids.axes)
  return useMemo(() => planGrid(deployment, draft, axes), [deployment, draft, axes])
}

export function useListPlan(deployment: Deployment): ListPlan {
  const draft = useCourier(currentDraft)
  const list = useCourier((s) => s.grids.list)
  return useMemo(() => planList(deployment, draft, list), [deployment, draft, list])
}

const modes: Array<{ id: ComposeMode; label: string }> = [
  { id: 'one', label: 'One run' },
  { id: 'grid', label: 'X/Y grid' },
  { id: 'list', label: 'Prompt list' },
]

/** Generate's choice of what one press makes: one run (or variations), a comparison grid, or a run per line. */
export function ComposeModes() {
  const mode = useCourier((s) => s.grids.mode)
  const setMode = useCourier((s) => s.grids.setMode)
  return (
    <div className="segmented compose-modes" role="group" aria-label="Make">
      {modes.map((m) => (
        <button key={m.id} type="button" className="segmented__item" aria-pressed={mode === m.id} onClick={() => setMode(m.id)}>
          {m.label}
        </button>
      ))}
    </div>
  )
}

/** The editor of the chosen mode, above the form (which holds the inputs every run shares). */
export function ComposeEditor({ deployment }: { deployment: Deployment }) {
  const mode = useCourier((s) => s.grids.mode)
  if (mode === 'grid') return <GridEditorWithPlan deployment={deployment} />
  if (mode === 'list') return <ListEditorWithPlan deployment={deployment} />
  return null
}

function GridEditorWithPlan({ deployment }: { deployment: Deployment }) {
  return <GridEditor deployment={deployment} plan={useGridPlan(deployment)} />
}

function ListEditorWithPlan({ deployment }: { deployment: Deployment }) {
  return <ListEditor deployment={deployment} plan={useListPlan(deployment)} />
}

/**
 * The sticky bar of a grid or a prompt list: its button, what it makes ("X 4 × Y 3 = 12 cells"), the estimate
 * for that many runs, or why it cannot go (a bad axis, more than 400 cells), the button then disabled.
 */
export function ComposeActions({ deployment, mode }: { deployment: Deployment; mode: 'grid' | 'list' }) {
  return mode === 'grid' ? <GridActions deployment={deployment} /> : <ListActions deployment={deployment} />
}

function GridActions({ deployment }: { deployment: Deployment }) {
  const plan = useGridPlan(deployment)
  const provider = useCourier((s) => s.generate.provider)
  const submit = useCourier((s) => s.grids.submit)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Failure | null>(null)
  const sizes = plan.axes.map((a, i) => `${axisName(i)} ${a.parse.ok ? a.parse.values.length : '?'}`).join(' × ')
  const go = async () => {
    if (provider === null || plan.args === null || plan.blocker !== null) return
    setBusy(true)
    setError(null)
    const res = await submit({ provider, deploymentId: deployment.id, inputs: plan.inputs, axes: plan.args }, deployment.name)
    setBusy(false)
    if (res !== null && !res.ok) setError(res.error)
  }
  return (
    <Bar
      label={plan.cells > 0 ? `Make grid of ${plan.cells}` : 'Make grid'}
      busy={busy}
      blocker={plan.blocker}
      summary={plan.axes.length > 0 ? `${sizes} = ${plan.cells} ${plan.cells === 1 ? 'cell' : 'cells'}` : null}
      estimate={provider !== null && plan.blocker === null && plan.cells > 0 ? <SpendEstimate provider={provider} deploymentId={deployment.id} count={plan.cells} /> : null}
      error={error}
      onSubmit={() => void go()}
    />
  )
}

function ListActions({ deployment }: { deployment: Deployment }) {
  const plan = useListPlan(deployment)
  const provider = useCourier((s) => s.generate.provider)
  const submitList = useCourier((s) => s.grids.submitList)
  const toast = useCourier((s) => s.toasts.show)
  const go = useCourier((s) => s.nav.go)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<Failure | null>(null)
  const count = plan.rows.length
  const send = async () => {
    if (provider === null || plan.blocker !== null) return
    setBusy(true)
    setError(null)
    const res = await submitList({ provider, deploymentId: deployment.id, inputs: plan.inputs, rows: plan.rows.map((r) => r.values) }, deployment.name)
    setBusy(false)
    if (res === null) return
    if (!res.ok) return setError(res.error)
    toast({ tone: 'info', text: `${res.value.length} runs started as one batch.`, action: { label: 'Open Runs', run: () => go('runs') } })
  }
  return (
    <Bar
      label={count > 0 ? `Generate ${count} ${count === 1 ? 'run' : 'runs'}` : 'Generate the list'}
      busy={busy}
      blocker={plan.blocker}
      summary={null}
      estimate={provider !== null && plan.blocker === null && count > 0 ? <SpendEstimate provider={provider} deploymentId={deployment.id} count={count} /> : null}
      error={error}
      onSubmit={() => void send()}
    />
  )
}

function Bar({
  label,
  busy,
  blocker,
  summary,
  estimate,
  error,
  onSubmit,
}: {
  label: string
  busy: boolean
  blocker: string | null
  summary: string | null
  estimate: ReactNode
  error: Failure | null
  onSubmit(): void
}) {
  return (
    <>
      {error !== null && <ErrorNotice error={error} live />}
      <div className="form-actions compose-actions">
        <button
          type="button"
          className="btn btn--primary btn--large"
          data-compose-submit=""
          disabled={busy || blocker !== null}
          aria-busy={busy}
          aria-describedby="compose-status"
          onClick={onSubmit}
        >
          {busy && <span className="spinner spinner--small" aria-hidden="true" />}
          {label}
        </button>
        <div id="compose-status" className="compose-actions__status">
          {summary !== null && <span className="compose-actions__summary">{summary}</span>}
          {blocker !== null && (
            <span className="compose-actions__blocker form-hint--error" role="status">
              {blocker}
            </span>
          )}
        </div>
        {estimate}
      </div>
    </>
  )
}
