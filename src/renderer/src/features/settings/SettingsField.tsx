import type { ReactNode } from 'react'
import { fixedNote } from './fixed-setting'
import type { SettingsForm } from './settings-form'
import type { SettingsEditor } from './use-settings-editor'

/** The ids a box's `aria-describedby` lists: its help, and its error while it has one. */
export const describedBy = (id: string, help: boolean, error: string | undefined): string | undefined =>
  [help ? `${id}-help` : null, error ? `${id}-error` : null].filter((x) => x !== null).join(' ') || undefined

/** One setting: its label, the control, help under it and the error that names it (ids as `describedBy` lists them). */
export function Field({ id, label, help, error, children }: { id: string; label: ReactNode; help?: ReactNode; error?: string; children: ReactNode }) {
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

interface TextSettingProps {
  editor: SettingsEditor
  /** The form's value this box edits. */
  name: Exclude<keyof SettingsForm, 'tunnelMode'>
  id: string
  label: string
  help: ReactNode
  type?: 'text' | 'url'
  placeholder?: string
  /** Paths and host names: monospaced, or at least not spell-checked. */
  mono?: boolean
  spellCheck?: boolean
  /** What the setting is, for the note when a flag or the environment fixes it ("the folder"). */
  what?: string
}

/** A setting typed as text (a folder, a URL, a domain), with its label, help and error. */
export function TextSetting({ editor, name, id, label, help, type = 'text', placeholder, mono = false, spellCheck, what = 'it' }: TextSettingProps) {
  const error = editor.errors[name]
  const fixed = editor.fixed[name]
  return (
    <Field id={id} label={label} error={error} help={fixed ? <span data-fixed-by={fixed.by}>{fixedNote(fixed, what)}</span> : help}>
      <input
        id={id}
        disabled={fixed !== undefined}
        className={mono ? 'input input--mono' : 'input'}
        type={type}
        placeholder={placeholder}
        spellCheck={spellCheck}
        value={editor.form[name]}
        aria-describedby={describedBy(id, true, error)}
        aria-invalid={error ? true : undefined}
        onChange={(e) => editor.change(name, e.target.value)}
      />
    </Field>
  )
}
