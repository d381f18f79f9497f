import { useId, type ReactNode } from 'react'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'
import { selectedDeployment } from '../../store/generate'
import { ComfyWorkflows } from './ComfyWorkflows'
import { canCustomize, publishesNoInputs } from './form-editor'

interface Props {
  /** Opens "Customize form" for the deployment on screen. */
  onCustomize(): void
  /** What to make of it (one run, a grid, a prompt list), on the heading's line: a row of its own pushed the Generate bar out of a small window. */
  modes?: ReactNode
}

export function DeploymentPicker({ onCustomize, modes }: Props) {
  const provider = useCourier((s) => s.generate.provider)
  const providerLabel = useCourier((s) => s.generate.providers.find((p) => p.id === s.generate.provider)?.label ?? '')
  const list = useCourier((s) => (s.generate.provider === null ? undefined : s.generate.deployments[s.generate.provider]))
  const deploymentId = useCourier((s) => s.generate.deploymentId)
  const deployment = useCourier(selectedDeployment)
  const select = useCourier((s) => s.generate.selectDeployment)
  const reload = useCourier((s) => s.generate.loadDeployments)
  const providersLoaded = useCourier((s) => s.generate.providers.length > 0)
  const providerInfo = useCourier((s) => s.generate.providers.find((p) => p.id === s.generate.provider))
  const id = useId()

  if (provider === null) {
    return providersLoaded ? (
      <EmptyState title="No provider is ready yet.">Add a ComfyDeploy or RunComfy API key, or your own ComfyUI server, in Settings to run your own workflows.</EmptyState>
    ) : null
  }
  if (list === undefined || (list.status === 'loading' && list.items.length === 0)) {
    return <p className="muted" role="status">Loading deployments…</p>
  }
  if (list.error && list.items.length === 0) return <ErrorNotice error={list.error} onRetry={() => void reload(provider)} />
  if (list.items.length === 0 && provider === 'comfyui') {
    return (
      <EmptyState title="No workflows on your ComfyUI yet." action={<ComfyWorkflows selectedId={null} />}>
        Add a workflow file saved from ComfyUI, or one saved on the server.
      </EmptyState>
    )
  }
  if (list.items.length === 0) {
    return (
      <EmptyState
        title={`No deployments on ${providerLabel || 'this account'} yet.`}
        action={
          <button type="button" className="btn btn--small" onClick={() => void reload(provider)}>
            Reload
          </button>
        }
      >
        Create a deployment on the service’s dashboard, then reload this list.
      </EmptyState>
    )
  }

  return (
    <div className="field field--deployment">
      <div className="field__head">
        <label htmlFor={id} className="section-label">
          Deployment
        </label>
        <button type="button" className="link link--small" onClick={() => void reload(provider)} disabled={list.status === 'loading'}>
          {list.status === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
        {modes}
      </div>
      <div className="deployment-row">
        <select id={id} className="input select" value={deploymentId ?? ''} onChange={(e) => select(e.target.value)}>
          {deploymentId === null && <option value="">Choose a deployment…</option>}
          {list.items.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        {deployment?.customForm && (
          <span className="badge badge--custom" title="The form shows the inputs you chose, not the service’s own.">
            Custom form
          </span>
        )}
        {/* A deployment without published inputs offers the button in its empty form instead. */}
        {deployment !== null && canCustomize(deployment, providerInfo) && !publishesNoInputs(deployment) && (
          <button type="button" className="btn" aria-haspopup="dialog" onClick={onCustomize}>
            Customize form
          </button>
        )}
      </div>
      {deployment?.description && <p className="field__help">{deployment.description}</p>}
      {provider === 'comfyui' && <ComfyWorkflows selectedId={deploymentId} />}
      {list.error && <ErrorNotice error={list.error} className="notice--compact" />}
    </div>
  )
}
