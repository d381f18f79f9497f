import { useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react'
import type { ErrorCode } from '@shared/errors'
import type { Failure } from '@shared/result'
import type { SettingsPatch, SettingsView as Settings } from '@shared/settings'
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

type KeyedProvider = 'comfydeploy' | 'runcomfy'

interface Service {
  id: KeyedProvider
  name: string
  /** Element ids of the key and URL boxes. */
  keyId: string
  urlId: string
  keyLabel: string
  urlLabel: string
  keyPatch: 'comfydeployApiKey' | 'runcomfyApiKey'
  urlForm: 'comfydeployBaseUrl' | 'runcomfyBaseUrl'
  newKeyHelp: string
  urlHelp: string
}

const services: readonly Service[] = [
  {
    id: 'comfydeploy',
    name: 'ComfyDeploy',
    keyId: 'cd-key',
    urlId: 'cd-url',
    keyLabel: 'ComfyDeploy API key',
    urlLabel: 'ComfyDeploy base URL',
    keyPatch: 'comfydeployApiKey',
    urlForm: 'comfydeployBaseUrl',
    newKeyHelp: 'Create a key in your ComfyDeploy dashboard (Settings → API keys) and paste it here.',
    urlHelp: 'Leave as is unless you run your own ComfyDeploy server.',
  },
  {
    id: 'runcomfy',
    name: 'RunComfy',
    keyId: 'rc-key',
    urlId: 'rc-url',
    keyLabel: 'RunComfy API token',
    urlLabel: 'RunComfy base URL',
    keyPatch: 'runcomfyApiKey',
    urlForm: 'runcomfyBaseUrl',
    newKeyHelp: 'Copy the API token from your RunComfy profile page and paste it here.',
    urlHelp: 'Leave as is unless RunComfy gave you another API address.',
  },
]

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
          <ErrorNotice error={error} onRetry={() => void load()} settingsLink={false} />
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
