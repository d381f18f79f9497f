import type { KeyState, SettingsView as Settings } from '@shared/settings'
import { ConnectionTest } from '../../components/ConnectionTest'
import { SecretField } from '../../components/SecretField'
import { useCourier } from '../../store/context'
import { keyStateOf } from '../../store/settings'
import { services, type Service } from './services'
import { describedBy, Field, TextSetting } from './SettingsField'
import type { SettingsEditor } from './use-settings-editor'

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

/**
 * The store's connection test of a service: of the key typed in the box (before it is saved, so a key can be
 * tried first), else of the saved one. It waits while a new URL is typed but unsaved.
 */
function ServiceConnectionTest({ service, keySet, typed, blocked, editor }: { service: Service; keySet: boolean; typed: boolean; blocked: string | null; editor: SettingsEditor }) {
  const test = useCourier((s) => s.settings.checks[service.id])
  const run = useCourier((s) => s.settings.testConnection)
  const reason = keySet || typed ? blocked : `Paste a ${service.name} key to test it.`
  const onTest = () => {
    const key = editor.keyRefs[service.id].current?.value.trim() ?? ''
    void run(service.id, typed && key !== '' ? key : undefined)
  }
  return (
    <ConnectionTest
      check={test?.status === 'done' ? test.check : null}
      running={test?.status === 'running'}
      blocked={reason}
      note={test === undefined && reason !== null && (keySet || typed) ? <span className="muted">{reason}</span> : null}
      onTest={onTest}
    />
  )
}

/** What the key box says under it: how to get one, or whether the saved one has been shown to work. */
function keyHelp(service: Service, state: KeyState): string {
  if (state === 'verified') return 'A key is saved and passed its connection test. Paste a new one to replace it.'
  if (state === 'unverified') return 'A key is saved but has not passed a connection test yet: test it here, or paste a new one to replace it.'
  return service.newKeyHelp
}

/** One service's key (write-only), its URL and a connection test. */
function ServiceKeys({ service, settings, editor }: { service: Service; settings: Settings; editor: SettingsEditor }) {
  const state = settings[service.id]
  const keyError = editor.errors[service.keyPatch]
  const headingId = `settings-${service.id}`
  const urlChanged = editor.form[service.urlForm].trim() !== state.baseUrl
  const keyState = keyStateOf(settings, service.id)
  const blocked = urlChanged ? 'Save the new URL to test it.' : editor.saving ? 'Saving…' : null
  return (
    <section className="subsection" aria-labelledby={headingId} data-service={service.id}>
      <h3 id={headingId} className="subsection__title">
        {service.name}
      </h3>
      <Field id={service.keyId} label={service.keyLabel} error={keyError} help={keyHelp(service, keyState)}>
        <SecretField
          id={service.keyId}
          inputRef={editor.keyRefs[service.id]}
          saved={state.apiKeySet}
          placeholder="Paste your API key"
          describedBy={describedBy(service.keyId, true, keyError)}
          invalid={keyError !== undefined}
          onTyped={(typed) => editor.typeKey(service, typed)}
          removal={{ noun: 'Key', disabled: editor.saving, onRemove: () => editor.removeKey(service) }}
          untested={keyState === 'unverified'}
        />
      </Field>
      <TextSetting editor={editor} name={service.urlForm} id={service.urlId} label={service.urlLabel} help={service.urlHelp} type="url" what="the address" />
      <ServiceConnectionTest service={service} keySet={state.apiKeySet} typed={editor.keyTyped[service.id]} blocked={blocked} editor={editor} />
    </section>
  )
}

/** The services that take a key: where keys are kept, then each one's key, URL and test. */
export function ServicesSection({ settings, editor }: { settings: Settings; editor: SettingsEditor }) {
  return (
    <section className="card" aria-labelledby="settings-services">
      <h2 id="settings-services" className="card__title">
        Services
      </h2>
      <KeyStorageNotice storage={settings.keyStorage} />
      {services.map((svc) => (
        <ServiceKeys key={svc.id} service={svc} settings={settings} editor={editor} />
      ))}
    </section>
  )
}
