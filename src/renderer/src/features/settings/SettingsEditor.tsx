import type { SettingsView as Settings } from '@shared/settings'
import { ErrorNotice } from '../../components/ErrorNotice'
import { DeliverySection } from './DeliverySection'
import { LibrarySection } from './LibrarySection'
import { ServicesSection } from './ServicesSection'
import { useSettingsEditor } from './use-settings-editor'

/** The settings main keeps, as one form: services, library, webhook delivery, and one Save for them all. */
export function SettingsEditor({ settings }: { settings: Settings }) {
  const editor = useSettingsEditor(settings)
  const { feedback } = editor
  return (
    <form className="settings" noValidate onSubmit={editor.submit} aria-label="Settings">
      <ServicesSection settings={settings} editor={editor} />
      <LibrarySection editor={editor} />
      <DeliverySection settings={settings} editor={editor} />
      <div className="form-actions form-actions--sticky">
        <button type="submit" className="btn btn--primary" disabled={editor.saving || !editor.dirty}>
          {editor.saving ? 'Saving…' : 'Save'}
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
