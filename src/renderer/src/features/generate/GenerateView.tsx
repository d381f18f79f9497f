import { DeploymentForm } from './DeploymentForm'
import { DeploymentPicker } from './DeploymentPicker'
import { ProviderPicker } from './ProviderPicker'
import { RecentRuns } from './RecentRuns'

export function GenerateView() {
  return (
    <section className="view" aria-labelledby="generate-title">
      <header className="view__head">
        <div>
          <h1 id="generate-title" className="view__title">
            Generate
          </h1>
          <p className="view__sub">Pick a deployment, fill in its inputs, and send it to the service.</p>
        </div>
      </header>
      <div className="generate-layout">
        <div className="card generate-main">
          <ProviderPicker />
          <DeploymentPicker />
          <DeploymentForm />
        </div>
        <RecentRuns />
      </div>
    </section>
  )
}
