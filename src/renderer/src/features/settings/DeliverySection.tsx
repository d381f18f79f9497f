import type { SettingsView as Settings } from '@shared/settings'
import { SecretField } from '../../components/SecretField'
import { fixedNote } from './fixed-setting'
import { describedBy, Field, TextSetting } from './SettingsField'
import type { SettingsForm } from './settings-form'
import type { SettingsEditor } from './use-settings-editor'

/** ngrok mode's authtoken (write-only, like the API keys) and optional reserved domain. */
function NgrokFields({ settings, editor }: { settings: Settings; editor: SettingsEditor }) {
  const saved = settings.ngrok.authtokenSet
  const tokenError = editor.errors.ngrokAuthtoken
  return (
    <div className="subsection" data-ngrok="">
      <Field
        id="ngrok-token"
        label="ngrok authtoken"
        error={tokenError}
        help={
          saved
            ? 'A token is saved. Paste a new one to replace it.'
            : 'Copy your authtoken from the ngrok dashboard (dashboard.ngrok.com → Your Authtoken) and paste it here. It is stored like your API keys.'
        }
      >
        <SecretField
          id="ngrok-token"
          inputRef={editor.tokenRef}
          saved={saved}
          placeholder="Paste your ngrok authtoken"
          describedBy={describedBy('ngrok-token', true, tokenError)}
          invalid={tokenError !== undefined}
          onTyped={editor.typeToken}
          removal={{ noun: 'Token', disabled: editor.saving, onRemove: editor.removeToken }}
        />
      </Field>
      <TextSetting
        editor={editor}
        name="ngrokDomain"
        id="ngrok-domain"
        label="ngrok domain (optional)"
        help="A domain reserved in your ngrok dashboard keeps the same URL across restarts. Leave empty to let ngrok choose."
        placeholder="your-name.ngrok-free.app"
        spellCheck={false}
      />
    </div>
  )
}

/** The address the localtunnel and own-URL modes take. */
const urlSettings = {
  localtunnel: {
    name: 'tunnelHost',
    id: 'tunnel-host',
    label: 'Tunnel server (optional)',
    help: 'Leave empty for the public localtunnel server, or enter your own server’s URL.',
    placeholder: 'https://localtunnel.me',
  },
  url: {
    name: 'publicUrl',
    id: 'public-url',
    label: 'Public URL',
    help: 'The address that forwards to Comfy Courier’s webhook listener.',
    placeholder: 'https://hooks.example.com',
  },
} as const

/** How the services reach this computer: the tunnel mode, and what that mode needs. */
export function DeliverySection({ settings, editor }: { settings: Settings; editor: SettingsEditor }) {
  const mode = editor.form.tunnelMode
  const urlSetting = mode === 'localtunnel' || mode === 'url' ? urlSettings[mode] : null
  const modeFixed = editor.fixed.tunnelMode
  return (
    <section className="card" aria-labelledby="settings-delivery">
      <h2 id="settings-delivery" className="card__title">
        Webhook delivery
      </h2>
      <Field
        id="tunnel-mode"
        label="Tunnel mode"
        help={
          modeFixed
            ? `A public URL lets the services call back the moment something happens. ${fixedNote(modeFixed, 'the mode')}`
            : 'A public URL lets the services call back the moment something happens. Without one, runs are polled every few seconds.'
        }
      >
        <select
          id="tunnel-mode"
          disabled={modeFixed !== undefined}
          className="input select"
          value={mode}
          aria-describedby="tunnel-mode-help"
          onChange={(e) => editor.change('tunnelMode', e.target.value as SettingsForm['tunnelMode'])}
        >
          <option value="localtunnel">localtunnel — a public URL, no account needed</option>
          <option value="ngrok">ngrok — with your ngrok account’s authtoken</option>
          <option value="url">My own public URL (reverse proxy)</option>
          <option value="off">Off — poll the services</option>
        </select>
      </Field>
      {urlSetting && <TextSetting key={urlSetting.id} editor={editor} type="url" {...urlSetting} />}
      {mode === 'ngrok' && <NgrokFields settings={settings} editor={editor} />}
    </section>
  )
}
