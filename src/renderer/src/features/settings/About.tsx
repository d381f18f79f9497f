import { Fragment, useState } from 'react'
import type { ProviderInfo } from '@shared/contract'
import { clipboardProblem, copyText } from '../../components/clipboard'
import { useCourier } from '../../store/context'

/** "Copy diagnostics": main's report (secrets already taken out) on the clipboard, for a bug report. */
function CopyDiagnostics() {
  const diagnostics = useCourier((s) => s.app.diagnostics)
  const toast = useCourier((s) => s.toasts.show)
  const failed = useCourier((s) => s.toasts.failure)
  const [busy, setBusy] = useState(false)
  const copy = async () => {
    setBusy(true)
    const res = await diagnostics()
    setBusy(false)
    if (!res.ok) {
      // NOT_SUPPORTED's usual advice ("only the desktop app") would be wrong here: no build makes one yet.
      if (res.error.code === 'NOT_SUPPORTED') toast({ tone: 'error', text: `This version cannot make a diagnostics report yet (${res.error.message}).` })
      else failed('Could not collect the diagnostics', res.error, () => void copy())
      return
    }
    try {
      await copyText(res.value.text)
      toast({ tone: 'info', text: 'Diagnostics copied: paste them into your bug report. API keys and tokens are left out.' })
    } catch (cause) {
      toast({ tone: 'error', text: `Could not copy the diagnostics: ${clipboardProblem(cause)}.` })
    }
  }
  return (
    <button type="button" className="btn btn--small" disabled={busy} aria-busy={busy} onClick={() => void copy()}>
      {busy && <span className="spinner spinner--small" aria-hidden="true" />}
      Copy diagnostics
    </button>
  )
}

/** Friendly names for the runtime versions main reports; others show as they come. */
const runtimeNames: Record<string, string> = { app: 'Comfy Courier', node: 'Node.js', electron: 'Electron', chrome: 'Chromium', sqlite: 'SQLite', v8: 'V8' }

/** Whether a provider can run, and for a service whether its key has been shown to work. */
function providerState(p: ProviderInfo): string {
  if (!p.configured) return 'no key'
  if (p.demo) return 'ready'
  const state = p.keyState ?? 'verified'
  return state === 'verified' ? 'key works' : 'key saved, not tested'
}

/** What this build is and where it keeps things, with a report to copy for a bug report. */
export function About() {
  const info = useCourier((s) => s.app.info)
  const providers = useCourier((s) => s.generate.providers)
  const libraryDir = useCourier((s) => s.settings.view?.libraryDir)
  if (info === null) return null
  const runtimes = Object.entries(info.versions).filter(([name]) => name !== 'app')
  return (
    <section className="card" aria-labelledby="settings-about">
      <h2 id="settings-about" className="card__title">
        About
      </h2>
      <p className="about__name">
        <strong>Comfy Courier</strong> <span className="about__version">{info.version}</span>
      </p>
      <dl className="facts">
        <dt>Mode</dt>
        <dd>{info.mode === 'electron' ? 'Desktop app' : 'Web (browser)'}</dd>
        <dt>Platform</dt>
        <dd>{info.platform}</dd>
        {runtimes.map(([name, version]) => (
          <Fragment key={name}>
            <dt>{runtimeNames[name] ?? name}</dt>
            <dd>{version}</dd>
          </Fragment>
        ))}
        <dt>Data folder</dt>
        <dd>
          <code>{info.dataDir}</code>
        </dd>
        <dt>Library folder</dt>
        <dd>
          <code>{libraryDir ?? info.libraryDir}</code>
        </dd>
        <dt>Providers</dt>
        <dd>{providers.map((p) => `${p.label}: ${providerState(p)}`).join(' · ') || '—'}</dd>
      </dl>
      <div className="about__actions">
        <CopyDiagnostics />
        <span className="field__help">Versions, settings without keys, the tunnel, live runs and recent errors, as text for a bug report.</span>
      </div>
    </section>
  )
}
