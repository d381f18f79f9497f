import { useEffect, useRef, type JSX } from 'react'
import { ErrorBoundary } from './components/ErrorBoundary'
import { ErrorNotice } from './components/ErrorNotice'
import { Sidebar } from './components/Sidebar'
import { StatusBar } from './components/StatusBar'
import { HelpSheet } from './components/HelpSheet'
import { Toasts } from './components/Toasts'
import { GalleryView } from './features/gallery/GalleryView'
import { GenerateView } from './features/generate/GenerateView'
import { GridView } from './features/compare/GridView'
import { RunsView } from './features/runs/RunsView'
import { SettingsView } from './features/settings/SettingsView'
import { SpendView } from './features/spend/SpendView'
import { SpendConfirmDialog } from './components/SpendConfirmDialog'
import { WebhooksView } from './features/webhooks/WebhooksView'
import { Welcome } from './features/welcome/Welcome'
import { useCourier } from './store/context'
import type { View } from './store/types'

const screens: Record<View, () => JSX.Element> = {
  generate: GenerateView,
  runs: RunsView,
  gallery: GalleryView,
  spend: SpendView,
  webhooks: WebhooksView,
  settings: SettingsView,
}

function LoadProblems() {
  const errors = useCourier((s) => s.app.loadErrors)
  const resync = useCourier((s) => s.app.resync)
  const mode = useCourier((s) => s.app.info?.mode)
  if (errors.length === 0) return null
  const first = errors[0]
  if (first === undefined) return null
  const refused = errors.some((e) => e.error.code === 'FORBIDDEN')
  return (
    <div className="load-problems">
      <ErrorNotice error={first.error} live onRetry={() => void resync()} />
      {refused && mode !== 'electron' && (
        <p className="muted">
          In web mode, open the link that <code>npm run web</code> printed (it carries <code>?token=…</code>) to sign this browser in.
        </p>
      )}
      {errors.length > 1 && <p className="muted">{errors.length - 1} more start-up request(s) failed: {errors.slice(1).map((e) => e.method).join(', ')}.</p>}
    </div>
  )
}

/** The view, the sidebar and the status bar, once the welcome is done (or was never needed). */
function Workspace() {
  const state = useCourier((s) => s.app.state)
  const view = useCourier((s) => s.nav.view)
  const grid = useCourier((s) => s.nav.grid)
  const helpOpen = useCourier((s) => s.nav.helpOpen)
  const setHelpOpen = useCourier((s) => s.nav.setHelpOpen)
  const Screen = screens[view]
  const mainRef = useRef<HTMLElement>(null)
  // Each view starts at its top, not where the previous one was scrolled to.
  useEffect(() => {
    mainRef.current?.scrollTo?.({ top: 0 })
  }, [view, grid])
  return (
    <>
      <Sidebar />
      <main ref={mainRef} className="main" aria-busy={state === 'loading'}>
        {state === 'loading' ? (
          <div className="loading" role="status">
            <span className="spinner" aria-hidden="true" /> Connecting to Comfy Courier…
          </div>
        ) : (
          <>
            <LoadProblems />
            <ErrorBoundary resetKey={grid === null ? view : `grid/${grid}`}>{grid !== null ? <GridView key={grid} gridId={grid} /> : <Screen />}</ErrorBoundary>
          </>
        )}
      </main>
      <StatusBar />
      {helpOpen && <HelpSheet onClose={() => setHelpOpen(false)} />}
      <SpendConfirmDialog />
    </>
  )
}

export function App() {
  const state = useCourier((s) => s.app.state)
  // Only once settings have said so: a failed `settings.get` shows the app with its banner, not the welcome.
  const welcome = useCourier((s) => s.app.state === 'loaded' && s.settings.view?.onboarded === false)
  return (
    <div className={`app${welcome ? ' app--welcome' : ''}`} data-app-state={state}>
      {welcome ? <Welcome /> : <Workspace />}
      <Toasts outside />
    </div>
  )
}
