import { useCallback, useState } from 'react'
import { ViewHeader } from '../../components/ViewHeader'
import { useCourier } from '../../store/context'
import type { FormTarget } from '../../store/types'
import { CustomizeFormDialog } from './CustomizeFormDialog'
import { DeploymentForm } from './DeploymentForm'
import { DeploymentPicker } from './DeploymentPicker'
import { ProviderPicker } from './ProviderPicker'
import { RecentRuns } from './RecentRuns'
import { ComposeEditor, ComposeModes } from '../compare/compose'
import { selectedDeployment } from '../../store/generate'

export function GenerateView() {
  const provider = useCourier((s) => s.generate.provider)
  const deploymentId = useCourier((s) => s.generate.deploymentId)
  const deployment = useCourier(selectedDeployment)
  /** The deployment whose form is being customized (the dialog is open). */
  const [customizing, setCustomizing] = useState<FormTarget | null>(null)
  const customize = () => {
    if (provider !== null && deploymentId !== null) setCustomizing({ provider, deploymentId })
  }
  const closeCustomize = useCallback(() => setCustomizing(null), [])

  return (
    <section className="view" aria-labelledby="generate-title">
      <ViewHeader id="generate-title" title="Generate" sub="Pick a deployment, fill in its inputs, and send it to the service." />
      <div className="generate-layout">
        <div className="card generate-main">
          <ProviderPicker />
          <DeploymentPicker onCustomize={customize} modes={deployment !== null && deployment.inputs.length > 0 ? <ComposeModes /> : undefined} />
          {deployment !== null && <ComposeEditor deployment={deployment} />}
          <DeploymentForm onCustomize={customize} />
        </div>
        <RecentRuns />
      </div>
      {customizing && <CustomizeFormDialog target={customizing} onClose={closeCustomize} />}
    </section>
  )
}
