import { useRef, useState, type FormEvent, type ReactNode } from 'react'
import type { Failure } from '@shared/result'
import type { SettingsView as Settings } from '@shared/settings'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'
import { diffSettings, toForm, validateSettings, type SettingsForm, type SettingsFormErrors } from './settings-form'

type Feedback = { kind: 'saved'; text: string } | { kind: 'error'; error: Failure } | null

function Field({ id, label, help, error, children }: { id: string; label: string; help?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <div className="field__head">
        <label htmlFor={id} className="field__label">
          {label}
        </label>
      </div>
      {children}
      {help && (
        <p id={`${id}-help`} className="field__help">
          {help}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
    </div>
  )
}

const describe = (id: string, help: boolean, error: string | undefined): string | undefined =>
  [help ? `${id}-help` : null, error ? `${id}-error` : null].filter((x) => x !== null).join(' ') || undefined

function SettingsEditor({ settings }: { settings: Settings }) {
  const save = useCourier((s) => s.settings.save)
  const [form, setForm] = useState<SettingsForm>(() => toForm(settings))
  const [errors, setErrors] = useState<SettingsFormErrors>({})
  const [saving, setSaving] = useState(false)
  const [feedback, setFeedback] = useState<Feedback>(null)
  // The key is read from the DOM on save and cleared right after: it never lives in React or store state.
  const keyRef = useRef<HTMLInputElement>(null)
  const [keyTyped, setKeyTyped] = useState(false)

  const change = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    setErrors((e) => ({ ...e, [key]: undefined }))
    setFeedback(null)
  }

  const dirty = keyTyped || Object.keys(diffSettings(settings, form)).length > 0

  const apply = async (patch: Parameters<typeof save>[0], done: string) => {
    setSaving(true)
    const res = await save(patch)
    setSaving(false)
    if (res.ok) {
      setForm(toForm(res.value))
      if (keyRef.current) keyRef.current.value = ''
      setKeyTyped(false)
      setErrors({})
      setFeedback({ kind: 'saved', text: done })
    } else {
      const field = res.error.field
      if (field !== undefined) setErrors((e) => ({ ...e, [field]: res.error.message }))
      setFeedback({ kind: 'error', error: res.error })
    }
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    const problems = validateSettings(form)
    setErrors(problems)
    if (Object.keys(problems).length > 0) {
      setFeedback(null)
      return
    }
    const patch = diffSettings(settings, form)
    const key = keyRef.current?.value.trim() ?? ''
    if (keyTyped && key !== '') patch.comfydeployApiKey = key
    if (Object.keys(patch).length === 0) {
      setFeedback({ kind: 'saved', text: 'Nothing to save — no changes.' })
      return
    }
    void apply(patch, 'Settings saved.')
  }

  return (
    <form className="settings" noValidate onSubmit={onSubmit} aria-label="Settings">
      <section className="card" aria-labelledby="settings-cd">
        <h2 id="settings-cd" className="card__title">
          ComfyDeploy
        </h2>
        <Field
          id="cd-key"
          label="ComfyDeploy API key"
          error={errors.comfydeployApiKey}
          help={
            settings.comfydeploy.apiKeySet
              ? 'A key is stored securely on this computer. Paste a new one to replace it.'
              : 'Create a key in your ComfyDeploy dashboard (Settings → API keys) and paste it here.'
          }
        >
          <div className="key-row">
            <input
              ref={keyRef}
              id="cd-key"
              className="input"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={settings.comfydeploy.apiKeySet ? '••••••••  (saved)' : 'Paste your API key'}
              aria-describedby={describe('cd-key', true, errors.comfydeployApiKey)}
              onChange={(e) => {
                setKeyTyped(e.target.value !== '')
                setFeedback(null)
              }}
            />
            {settings.comfydeploy.apiKeySet ? (
              <>
                <span className="badge badge--applied" data-key-state="saved">
                  Key saved
                </span>
                <button type="button" className="btn btn--small btn--danger-ghost" disabled={saving} onClick={() => void apply({ comfydeployApiKey: '' }, 'Key removed.')}>
                  Remove key
                </button>
              </>
            ) : (
              <span className="badge badge--muted" data-key-state="none">
                No key
              </span>
            )}
          </div>
        </Field>
        <Field id="cd-url" label="ComfyDeploy base URL" error={errors.comfydeployBaseUrl} help="Leave as is unless you run your own ComfyDeploy server.">
          <input
            id="cd-url"
            className="input"
            type="url"
            value={form.comfydeployBaseUrl}
            aria-describedby={describe('cd-url', true, errors.comfydeployBaseUrl)}
            aria-invalid={errors.comfydeployBaseUrl ? true : undefined}
            onChange={(e) => change('comfydeployBaseUrl', e.target.value)}
          />
        </Field>
        <p className="field__help">
          RunComfy: set <code>RUNCOMFY_API_KEY</code> in the environment before starting Comfy Courier.
        </p>
      </section>

      <section className="card" aria-labelledby="settings-library">
        <h2 id="settings-library" className="card__title">
          Library
        </h2>
        <Field id="library-dir" label="Library folder" error={errors.libraryDir} help="Every output is saved here, by date and deployment.">
          <input
            id="library-dir"
            className="input input--mono"
            type="text"
            value={form.libraryDir}
            aria-describedby={describe('library-dir', true, errors.libraryDir)}
            aria-invalid={errors.libraryDir ? true : undefined}
            onChange={(e) => change('libraryDir', e.target.value)}
          />
        </Field>
      </section>

      <section className="card" aria-labelledby="settings-delivery">
        <h2 id="settings-delivery" className="card__title">
          Webhook delivery
        </h2>
        <Field
          id="tunnel-mode"
          label="Tunnel mode"
          help="A public URL lets the services call back the moment something happens. Without one, runs are polled every few seconds."
        >
          <select
            id="tunnel-mode"
            className="input select"
            value={form.tunnelMode}
            aria-describedby="tunnel-mode-help"
            onChange={(e) => change('tunnelMode', e.target.value as SettingsForm['tunnelMode'])}
          >
            <option value="localtunnel">localtunnel — a public URL, no account needed</option>
            <option value="url">My own public URL (reverse proxy)</option>
            <option value="off">Off — poll the services</option>
          </select>
        </Field>
        {form.tunnelMode === 'localtunnel' && (
          <Field id="tunnel-host" label="Tunnel server (optional)" error={errors.tunnelHost} help="Leave empty for the public localtunnel server, or enter your own server’s URL.">
            <input
              id="tunnel-host"
              className="input"
              type="url"
              placeholder="https://localtunnel.me"
              value={form.tunnelHost}
              aria-describedby={describe('tunnel-host', true, errors.tunnelHost)}
              aria-invalid={errors.tunnelHost ? true : undefined}
              onChange={(e) => change('tunnelHost', e.target.value)}
            />
          </Field>
        )}
        {form.tunnelMode === 'url' && (
          <Field id="public-url" label="Public URL" error={errors.publicUrl} help="The address that forwards to Comfy Courier’s webhook listener.">
            <input
              id="public-url"
              className="input"
              type="url"
              placeholder="https://hooks.example.com"
              value={form.publicUrl}
              aria-describedby={describe('public-url', true, errors.publicUrl)}
              aria-invalid={errors.publicUrl ? true : undefined}
              onChange={(e) => change('publicUrl', e.target.value)}
            />
          </Field>
        )}
      </section>

      <div className="form-actions form-actions--sticky">
        <button type="submit" className="btn btn--primary" disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        {feedback?.kind === 'saved' && (
          <span className="form-feedback form-feedback--ok" role="status">
            {feedback.text}
          </span>
        )}
        {feedback?.kind === 'error' && <ErrorNotice error={feedback.error} live className="notice--compact" />}
      </div>
    </form>
  )
}

function About() {
  const info = useCourier((s) => s.app.info)
  const providers = useCourier((s) => s.generate.providers)
  const libraryDir = useCourier((s) => s.settings.view?.libraryDir)
  if (info === null) return null
  return (
    <section className="card" aria-labelledby="settings-about">
      <h2 id="settings-about" className="card__title">
        About
      </h2>
      <dl className="facts">
        <dt>Version</dt>
        <dd>{info.version}</dd>
        <dt>Mode</dt>
        <dd>{info.mode === 'electron' ? 'Desktop app' : 'Web (browser)'}</dd>
        <dt>Data folder</dt>
        <dd>
          <code>{info.dataDir}</code>
        </dd>
        <dt>Library folder</dt>
        <dd>
          <code>{libraryDir ?? info.libraryDir}</code>
        </dd>
        <dt>Providers</dt>
        <dd>{providers.map((p) => `${p.label}: ${p.configured ? 'ready' : 'no key'}`).join(' · ') || '—'}</dd>
      </dl>
    </section>
  )
}

export function SettingsView() {
  const settings = useCourier((s) => s.settings.view)
  const error = useCourier((s) => s.settings.error)
  const load = useCourier((s) => s.settings.load)
  return (
    <section className="view view--narrow" aria-labelledby="settings-title">
      <header className="view__head">
        <div>
          <h1 id="settings-title" className="view__title">
            Settings
          </h1>
          <p className="view__sub">Keys, where outputs go, and how the services reach this computer.</p>
        </div>
      </header>
      {settings === null ? (
        error ? (
          <ErrorNotice error={error} onRetry={() => void load()} />
        ) : (
          <p className="muted">Loading settings…</p>
        )
      ) : (
        <SettingsEditor settings={settings} />
      )}
      <About />
    </section>
  )
}
