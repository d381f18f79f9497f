import { Fragment, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react'
import type { ErrorCode } from '@shared/errors'
import type { Failure } from '@shared/result'
import type { SettingsPatch, SettingsView as Settings } from '@shared/settings'
import { clipboardProblem, copyText } from '../../components/clipboard'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatBytes, formatCount } from '../../components/format'
import { ProgressBar } from '../../components/ProgressBar'
import { BrowserNotifications } from './BrowserNotifications'
import { useCourier } from '../../store/context'
import { diffSettings, toForm, validateSettings, type SettingsForm, type SettingsFormErrors } from './settings-form'
import { services, type KeyedProvider, type Service } from './services'

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

const noneTyped: Record<KeyedProvider, boolean> = { comfydeploy: false, runcomfy: false }

/** How a failed connection test looks: a key problem is an error, a service having trouble a warning. */
function checkTone(code: ErrorCode | null): 'error' | 'warn' {
  switch (code) {
    case 'PROVIDER_RATE_LIMITED':
    case 'PROVIDER_UNAVAILABLE':
    case 'PROVIDER_TIMEOUT':
    case 'PROVIDER_BAD_REPLY':
      return 'warn'
    default:
      return 'error'
  }
}

/** Where keys are kept, said plainly: the web host keeps them in a file, the desktop app in the keychain. */
function KeyStorageNotice({ storage }: { storage: Settings['keyStorage'] }) {
  if (storage === 'file') {
    return (
      <div className="notice notice--warn notice--compact" data-key-storage="file">
        <span className="notice__icon" aria-hidden="true">!</span>
        <p className="notice__body">
          In web mode keys are stored in settings.json in your data folder, readable by your user only. Anyone with access to your account can
          read them.
        </p>
      </div>
    )
  }
  return (
    <p className="field__help key-storage" data-key-storage="safeStorage">
      <span aria-hidden="true">🔒 </span>Stored encrypted with your system keychain.
    </p>
  )
}

/** "Test connection" and its answer, inline. */
function ConnectionTest({ service, keySet, blocked }: { service: Service; keySet: boolean; blocked: string | null }) {
  const test = useCourier((s) => s.settings.checks[service.id])
  const run = useCourier((s) => s.settings.testConnection)
  const running = test?.status === 'running'
  const reason = !keySet ? `Save a ${service.name} key to test it.` : blocked
  return (
    <div className="conn-test">
      <button
        type="button"
        className="btn btn--small"
        disabled={running || reason !== null}
        aria-busy={running}
        title={reason ?? undefined}
        onClick={() => void run(service.id)}
      >
        {running && <span className="spinner spinner--small" aria-hidden="true" />}
        {running ? 'Testing…' : 'Test connection'}
      </button>
      <span className="conn-test__result" role="status" aria-live="polite">
        {test?.status === 'done' &&
          (test.check.ok ? (
            <span className="conn-result conn-result--ok" data-check="ok">
              <span aria-hidden="true">✓ </span>
              {test.check.message}
            </span>
          ) : (
            <span className={`conn-result conn-result--${checkTone(test.check.code)}`} data-check="failed" data-error-code={test.check.code ?? undefined}>
              <span aria-hidden="true">✗ </span>
              {test.check.message}
            </span>
          ))}
        {test === undefined && reason !== null && keySet && <span className="muted">{reason}</span>}
      </span>
    </div>
  )
}

/** One service's key (write-only), its URL and a connection test. */
function ServiceKeys({
  service,
  settings,
  form,
  errors,
  saving,
  keyRef,
  typed,
  onTyped,
  onUrl,
  onRemove,
}: {
  service: Service
  settings: Settings
  form: SettingsForm
  errors: SettingsFormErrors
  saving: boolean
  keyRef: RefObject<HTMLInputElement | null>
  typed: boolean
  onTyped(typed: boolean): void
  onUrl(url: string): void
  onRemove(): void
}) {
  const state = settings[service.id]
  const keyError = errors[service.keyPatch]
  const urlError = errors[service.urlForm]
  const headingId = `settings-${service.id}`
  const urlChanged = form[service.urlForm].trim() !== state.baseUrl
  const blocked = typed ? `Save the new key to test it.` : urlChanged ? 'Save the new URL to test it.' : saving ? 'Saving…' : null
  return (
    <section className="subsection" aria-labelledby={headingId} data-service={service.id}>
      <h3 id={headingId} className="subsection__title">
        {service.name}
      </h3>
      <Field
        id={service.keyId}
        label={service.keyLabel}
        error={keyError}
        help={state.apiKeySet ? 'A key is saved. Paste a new one to replace it.' : service.newKeyHelp}
      >
        <div className="key-row">
          <input
            ref={keyRef}
            id={service.keyId}
            className="input"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={state.apiKeySet ? '••••••••  (saved)' : 'Paste your API key'}
            aria-describedby={describe(service.keyId, true, keyError)}
            onChange={(e) => onTyped(e.target.value !== '')}
          />
          {state.apiKeySet ? (
            <>
              <span className="badge badge--applied" data-key-state="saved">
                Key saved
              </span>
              <button type="button" className="btn btn--small btn--danger-ghost" disabled={saving} onClick={onRemove}>
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
      <Field id={service.urlId} label={service.urlLabel} error={urlError} help={service.urlHelp}>
        <input
          id={service.urlId}
          className="input"
          type="url"
          value={form[service.urlForm]}
          aria-describedby={describe(service.urlId, true, urlError)}
          aria-invalid={urlError ? true : undefined}
          onChange={(e) => onUrl(e.target.value)}
        />
      </Field>
      <ConnectionTest service={service} keySet={state.apiKeySet} blocked={blocked} />
    </section>
  )
}

/** ngrok mode's authtoken (write-only, like the API keys) and optional reserved domain. */
function NgrokFields({
  settings,
  form,
  errors,
  saving,
  tokenRef,
  onTyped,
  onDomain,
  onRemove,
}: {
  settings: Settings
  form: SettingsForm
  errors: SettingsFormErrors
  saving: boolean
  tokenRef: RefObject<HTMLInputElement | null>
  onTyped(typed: boolean): void
  onDomain(domain: string): void
  onRemove(): void
}) {
  const saved = settings.ngrok.authtokenSet
  return (
    <div className="subsection" data-ngrok="">
      <Field
        id="ngrok-token"
        label="ngrok authtoken"
        error={errors.ngrokAuthtoken}
        help={
          saved
            ? 'A token is saved. Paste a new one to replace it.'
            : 'Copy your authtoken from the ngrok dashboard (dashboard.ngrok.com → Your Authtoken) and paste it here. It is stored like your API keys.'
        }
      >
        <div className="key-row">
          <input
            ref={tokenRef}
            id="ngrok-token"
            className="input"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={saved ? '••••••••  (saved)' : 'Paste your ngrok authtoken'}
            aria-describedby={describe('ngrok-token', true, errors.ngrokAuthtoken)}
            aria-invalid={errors.ngrokAuthtoken ? true : undefined}
            onChange={(e) => onTyped(e.target.value !== '')}
          />
          {saved ? (
            <>
              <span className="badge badge--applied" data-key-state="saved">
                Token saved
              </span>
              <button type="button" className="btn btn--small btn--danger-ghost" disabled={saving} onClick={onRemove}>
                Remove token
              </button>
            </>
          ) : (
            <span className="badge badge--muted" data-key-state="none">
              No token
            </span>
          )}
        </div>
      </Field>
      <Field
        id="ngrok-domain"
        label="ngrok domain (optional)"
        error={errors.ngrokDomain}
        help="A domain reserved in your ngrok dashboard keeps the same URL across restarts. Leave empty to let ngrok choose."
      >
        <input
          id="ngrok-domain"
          className="input"
          type="text"
          placeholder="your-name.ngrok-free.app"
          spellCheck={false}
          value={form.ngrokDomain}
          aria-describedby={describe('ngrok-domain', true, errors.ngrokDomain)}
          aria-invalid={errors.ngrokDomain ? true : undefined}
          onChange={(e) => onDomain(e.target.value)}
        />
      </Field>
    </div>
  )
}

function SettingsEditor({ settings }: { settings: Settings }) {
  const save = useCourier((s) => s.settings.save)
  const [form, setForm] = useState<SettingsForm>(() => toForm(settings))
  const [errors, setErrors] = useState<SettingsFormErrors>({})
  const [saving, setSaving] = useState(false)
  const [feedback, setFeedback] = useState<Feedback>(null)
  // Keys are read from the DOM on save and cleared right after: they never live in React or store state.
  const cdKey = useRef<HTMLInputElement>(null)
  const rcKey = useRef<HTMLInputElement>(null)
  const keyRefs: Record<KeyedProvider, RefObject<HTMLInputElement | null>> = { comfydeploy: cdKey, runcomfy: rcKey }
  const [keyTyped, setKeyTyped] = useState<Record<KeyedProvider, boolean>>(noneTyped)
  // The ngrok authtoken is handled like the keys: read from its box on save, never held in state.
  const ngrokToken = useRef<HTMLInputElement>(null)
  const [tokenTyped, setTokenTyped] = useState(false)

  const change = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    setErrors((e) => ({ ...e, [key]: undefined }))
    setFeedback(null)
  }

  const dirty = keyTyped.comfydeploy || keyTyped.runcomfy || tokenTyped || Object.keys(diffSettings(settings, form)).length > 0

  const apply = async (patch: SettingsPatch, done: string) => {
    setSaving(true)
    const res = await save(patch)
    setSaving(false)
    if (res.ok) {
      setForm(toForm(res.value))
      // Clear the boxes of the keys this patch carried (a removal leaves a key typed elsewhere alone).
      const sent = services.filter((svc) => patch[svc.keyPatch] !== undefined)
      sent.forEach((svc) => {
        const box = keyRefs[svc.id].current
        if (box) box.value = ''
      })
      setKeyTyped((t) => ({ ...t, ...Object.fromEntries(sent.map((svc) => [svc.id, false])) }))
      if (patch.ngrokAuthtoken !== undefined) {
        if (ngrokToken.current) ngrokToken.current.value = ''
        setTokenTyped(false)
      }
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
    const token = ngrokToken.current?.value.trim() ?? ''
    if (form.tunnelMode === 'ngrok' && !settings.ngrok.authtokenSet && token === '') {
      problems.ngrokAuthtoken = 'ngrok needs your authtoken: copy it from dashboard.ngrok.com → Your Authtoken.'
    }
    setErrors(problems)
    if (Object.keys(problems).length > 0) {
      setFeedback(null)
      return
    }
    const patch = diffSettings(settings, form)
    for (const svc of services) {
      const key = keyRefs[svc.id].current?.value.trim() ?? ''
      if (keyTyped[svc.id] && key !== '') patch[svc.keyPatch] = key
    }
    if (form.tunnelMode === 'ngrok' && tokenTyped && token !== '') patch.ngrokAuthtoken = token
    if (Object.keys(patch).length === 0) {
      setFeedback({ kind: 'saved', text: 'Nothing to save — no changes.' })
      return
    }
    void apply(patch, 'Settings saved.')
  }

  return (
    <form className="settings" noValidate onSubmit={onSubmit} aria-label="Settings">
      <section className="card" aria-labelledby="settings-services">
        <h2 id="settings-services" className="card__title">
          Services
        </h2>
        <KeyStorageNotice storage={settings.keyStorage} />
        {services.map((svc) => (
          <ServiceKeys
            key={svc.id}
            service={svc}
            settings={settings}
            form={form}
            errors={errors}
            saving={saving}
            keyRef={keyRefs[svc.id]}
            typed={keyTyped[svc.id]}
            onTyped={(typed) => {
              setKeyTyped((t) => ({ ...t, [svc.id]: typed }))
              setErrors((e) => ({ ...e, [svc.keyPatch]: undefined }))
              setFeedback(null)
            }}
            onUrl={(url) => change(svc.urlForm, url)}
            onRemove={() => void apply({ [svc.keyPatch]: '' }, 'Key removed.')}
          />
        ))}
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
        <LibraryMove />
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
            onChange={(e) => {
              change('tunnelMode', e.target.value as SettingsForm['tunnelMode'])
              setTokenTyped(false) // the token box goes away with ngrok mode, and what was typed in it
            }}
          >
            <option value="localtunnel">localtunnel — a public URL, no account needed</option>
            <option value="ngrok">ngrok — with your ngrok account’s authtoken</option>
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
        {form.tunnelMode === 'ngrok' && (
          <NgrokFields
            settings={settings}
            form={form}
            errors={errors}
            saving={saving}
            tokenRef={ngrokToken}
            onTyped={(typed) => {
              setTokenTyped(typed)
              setErrors((e) => ({ ...e, ngrokAuthtoken: undefined }))
              setFeedback(null)
            }}
            onDomain={(domain) => change('ngrokDomain', domain)}
            onRemove={() => void apply({ ngrokAuthtoken: '' }, 'ngrok authtoken removed.')}
          />
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
        {feedback?.kind === 'error' && <ErrorNotice error={feedback.error} live settingsLink={false} className="notice--compact" />}
      </div>
    </form>
  )
}

/** A change of library folder on its way (`library.moving`): a bar while files move, then how it ended. */
function LibraryMove() {
  const move = useCourier((s) => s.settings.libraryMove)
  if (move === null) return null
  const files = `${formatCount(move.doneFiles)} of ${formatCount(move.totalFiles)} file${move.totalFiles === 1 ? '' : 's'}`
  const bytes = `${formatBytes(move.doneBytes)} of ${formatBytes(move.totalBytes)}`
  return (
    <div className="library-move" data-move-state={move.state}>
      {move.state === 'moving' ? (
        <>
          <p className="library-move__text" role="status">
            Moving your outputs to <code>{move.to}</code>: {files} ({bytes})…
          </p>
          <ProgressBar
            label="Library move"
            value={move.totalBytes > 0 ? move.doneBytes / move.totalBytes : move.totalFiles > 0 ? move.doneFiles / move.totalFiles : 0}
            indeterminate={move.totalFiles === 0}
            valueText={`${files}, ${bytes}`}
          />
        </>
      ) : move.state === 'done' ? (
        <p className="conn-result conn-result--ok" role="status">
          <span aria-hidden="true">✓ </span>Moved {files} to <code>{move.to}</code>.
        </p>
      ) : (
        <div className="notice notice--error notice--compact" role="alert">
          <span className="notice__icon" aria-hidden="true">
            !
          </span>
          <p className="notice__body">
            <strong className="notice__advice">The library could not be moved to {move.to}.</strong>{' '}
            {move.message ?? 'No reason was given.'} Every output is still readable; choose the folder again to finish the move.
          </p>
        </div>
      )}
    </div>
  )
}

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

function About() {
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
        <dd>{providers.map((p) => `${p.label}: ${p.configured ? 'ready' : 'no key'}`).join(' · ') || '—'}</dd>
      </dl>
      <div className="about__actions">
        <CopyDiagnostics />
        <span className="field__help">Versions, settings without keys, the tunnel, live runs and recent errors, as text for a bug report.</span>
      </div>
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
          <ErrorNotice error={error} onRetry={() => void load()} settingsLink={false} />
        ) : (
          <p className="muted">Loading settings…</p>
        )
      ) : (
        <SettingsEditor settings={settings} />
      )}
      <BrowserNotifications />
      <About />
    </section>
  )
}
