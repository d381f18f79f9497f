import { ErrorNotice } from '../../components/ErrorNotice'
import { ViewHeader } from '../../components/ViewHeader'
import { useCourier } from '../../store/context'
import { About } from './About'
import { BrowserNotifications } from './BrowserNotifications'
import { BudgetsSection } from './BudgetsSection'
import { ComfyServersSection } from './ComfyServersSection'
import { SettingsEditor } from './SettingsEditor'

export function SettingsView() {
  const settings = useCourier((s) => s.settings.view)
  const error = useCourier((s) => s.settings.error)
  const load = useCourier((s) => s.settings.load)
  return (
    <section className="view view--narrow" aria-labelledby="settings-title">
      <ViewHeader id="settings-title" title="Settings" sub="Keys, where outputs go, and how the services reach this computer." />
      {settings === null ? (
        error ? (
          <ErrorNotice error={error} onRetry={() => void load()} settingsLink={false} />
        ) : (
          <p className="muted">Loading settings…</p>
        )
      ) : (
        <>
          <SettingsEditor settings={settings} />
          <BudgetsSection settings={settings} />
          <ComfyServersSection />
        </>
      )}
      <BrowserNotifications />
      <About />
    </section>
  )
}
