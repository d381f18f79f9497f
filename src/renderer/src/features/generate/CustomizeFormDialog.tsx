import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent, type KeyboardEvent } from 'react'
import { createPortal } from 'react-dom'
import type { FieldKind, InputField } from '@shared/deployment'
import type { Failure } from '@shared/result'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'
import type { FormTarget } from '../../store/types'
import { keepTabInside } from '../../components/focus-trap'
import {
  addCandidates,
  fieldKinds,
  fieldOf,
  guessKind,
  humanize,
  importItems,
  initialItems,
  moveItem,
  parseDefault,
  type EditorItem,
} from './form-editor'

/** What `forms.candidates` takes at most (the contract's limit on `workflowApiJson`). */
const MAX_WORKFLOW_CHARS = 5_000_000

interface DefaultProps {
  kind: FieldKind
  options: readonly string[] | undefined
  value: string
  label: string
  id?: string
  invalid: boolean
  describedBy: string | undefined
  onChange(text: string): void
}

/** A default value's control: true/false or the listed options where the kind has them, else a text box. */
function DefaultInput({ kind, options, value, label, id, invalid, describedBy, onChange }: DefaultProps) {
  const common = {
    id,
    'aria-label': label,
    'aria-invalid': invalid ? true : undefined,
    'aria-describedby': describedBy,
    value,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange(e.target.value),
  }
  const choices = kind === 'boolean' ? ['true', 'false'] : kind === 'enum' && options !== undefined && options.length > 0 ? options : null
  if (choices !== null) {
    return (
      <select {...common} className="input select">
        <option value="">— none —</option>
        {value !== '' && !choices.includes(value) && <option value={value}>{value}</option>}
        {choices.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    )
  }
  return <input {...common} className="input" type="text" placeholder="none" />
}

interface RowProps {
  item: EditorItem
  index: number
  count: number
  serverError: string | undefined
  onChange(change: Partial<EditorItem>): void
  onField(change: Partial<InputField>): void
  onMove(by: -1 | 1): void
}

/** One candidate input: shown or not, its label, kind and default, and where it comes from. */
function EditorRow({ item, index, count, serverError, onChange, onField, onMove }: RowProps) {
  const base = useId()
  const whereId = `${base}-where`
  const errorId = `${base}-error`
  const { field } = item
  const parsed = parseDefault(field.kind, item.defaultText)
  const error = serverError ?? (parsed.ok ? null : parsed.message)
  return (
    <li
      className={`fe-row${item.checked ? '' : ' fe-row--off'}${error ? ' fe-row--invalid' : ''}`}
      aria-label={field.id}
      data-candidate-id={field.id}
      data-checked={item.checked}
    >
      <input
        type="checkbox"
        className="fe-row__check"
        aria-label={`Show ${field.id}`}
        aria-describedby={whereId}
        checked={item.checked}
        onChange={(e) => onChange({ checked: e.target.checked })}
      />
      <input
        className="input fe-row__label"
        type="text"
        aria-label={`Label for ${field.id}`}
        value={field.label}
        placeholder={field.id}
        onChange={(e) => onField({ label: e.target.value })}
      />
      <select
        className="input select fe-row__kind"
        aria-label={`Kind for ${field.id}`}
        value={field.kind}
        onChange={(e) => onField({ kind: e.target.value as FieldKind })}
      >
        {fieldKinds.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <div className="fe-row__default">
        <DefaultInput
          kind={field.kind}
          options={field.options}
          value={item.defaultText}
          label={`Default for ${field.id}`}
          invalid={error !== null}
          describedBy={error ? errorId : undefined}
          onChange={(defaultText) => onChange({ defaultText })}
        />
      </div>
      <div className="fe-row__move">
        <button type="button" className="icon-btn" aria-label={`Move ${field.id} up`} disabled={index === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="icon-btn" aria-label={`Move ${field.id} down`} disabled={index === count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
      </div>
      <p id={whereId} className="fe-row__where muted" title={field.description || undefined}>
        <code>{field.id}</code>
        {item.byName && ' · added by name'}
        {field.description && ` · ${field.description}`}
      </p>
      {error && (
        <p id={errorId} className="field__error fe-row__error">
          {error}
        </p>
      )}
    </li>
  )
}

interface Props {
  target: FormTarget
  onClose(): void
}

/**
 * Chooses which inputs a deployment's form shows: the workflow's literal inputs (or an imported workflow's),
 * relabelled, re-kinded and reordered, plus fields typed by name (LoRA bodies). Save sends the checked ones
 * in order to `forms.save`; the Generate form then shows exactly those.
 */
export function CustomizeFormDialog({ target, onClose }: Props) {
  const deployment = useCourier((s) => s.generate.deployments[target.provider]?.items.find((d) => d.id === target.deploymentId) ?? null)
  const { formCandidates, saveForm, resetForm } = useCourier((s) => s.generate)
  // The form as it was when the dialog opened: a list refresh meanwhile must not wipe the user's edits.
  const [current] = useState(() => deployment?.inputs ?? [])
  const [items, setItems] = useState<EditorItem[] | null>(null)
  const [loadError, setLoadError] = useState<Failure | null>(null)
  const [loadTry, setLoadTry] = useState(0)

  const [paste, setPaste] = useState('')
  const [importing, setImporting] = useState(false)
  const [importError, setImportError] = useState<Failure | null>(null)
  const [imported, setImported] = useState<string | null>(null)

  const [newName, setNewName] = useState('')
  const [newLabel, setNewLabel] = useState('')
  const [newKind, setNewKind] = useState<FieldKind | null>(null)
  const [newDefault, setNewDefault] = useState('')
  const [addError, setAddError] = useState<string | null>(null)

  const [busy, setBusy] = useState<'save' | 'reset' | null>(null)
  const [saveError, setSaveError] = useState<Failure | null>(null)
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({})
  const [hint, setHint] = useState<string | null>(null)

  const dialogRef = useRef<HTMLDivElement>(null)
  const nameRef = useRef<HTMLInputElement>(null)
  const base = useId()
  const ids = {
    title: `${base}-title`,
    list: `${base}-list`,
    importHead: `${base}-import`,
    file: `${base}-file`,
    paste: `${base}-paste`,
    importError: `${base}-import-error`,
    addHead: `${base}-add`,
    name: `${base}-name`,
    label: `${base}-label`,
    kind: `${base}-kind`,
    default: `${base}-default`,
    addError: `${base}-add-error`,
  }

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialogRef.current?.focus()
    return () => {
      if (opener?.isConnected) opener.focus()
    }
  }, [])

  useEffect(() => {
    let alive = true
    void formCandidates(target).then((res) => {
      if (!alive) return
      const candidates = res.ok ? res.value : null
      setItems((shown) => (shown === null ? initialItems(current, candidates) : addCandidates(shown, candidates)))
      setLoadError(res.ok ? null : res.error)
    })
    return () => {
      alive = false
    }
  }, [formCandidates, target, current, loadTry])

  useEffect(() => {
    // The deployment left its list (a refresh no longer lists it): nothing to customize.
    if (deployment === null) onClose()
  }, [deployment, onClose])

  if (deployment === null) return null

  const list = items ?? []
  const shownCount = list.filter((i) => i.checked).length

  const updateItem = (id: string, change: (item: EditorItem) => EditorItem) => {
    setItems((all) => (all === null ? all : all.map((i) => (i.field.id === id ? change(i) : i))))
    if (id in rowErrors) {
      const { [id]: _cleared, ...rest } = rowErrors
      setRowErrors(rest)
    }
    setHint(null)
  }

  const loadWorkflow = async (text: string) => {
    if (text.length > MAX_WORKFLOW_CHARS) {
      setImportError({ code: 'BAD_INPUT', message: 'That file is over 5 MB: export the workflow in API format, which is much smaller.', field: 'workflowApiJson' })
      return
    }
    setImporting(true)
    setImportError(null)
    setImported(null)
    const res = await formCandidates(target, text)
    setImporting(false)
    if (!res.ok) {
      setImportError(res.error)
      return
    }
    setItems((all) => importItems(all ?? [], res.value))
    setLoadError(null)
    setImported(`Loaded ${res.value.length} input${res.value.length === 1 ? '' : 's'} from the workflow: check the ones to show.`)
  }

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.target
    const file = input.files?.[0]
    if (file === undefined) return
    if (file.size > MAX_WORKFLOW_CHARS) {
      setImportError({ code: 'BAD_INPUT', message: `${file.name} is over 5 MB: export the workflow in API format, which is much smaller.`, field: 'workflowApiJson' })
      input.value = ''
      return
    }
    const reader = new FileReader()
    reader.onload = () => {
      input.value = ''
      void loadWorkflow(typeof reader.result === 'string' ? reader.result : '')
    }
    reader.onerror = () => {
      input.value = ''
      setImportError({ code: 'BAD_INPUT', message: `${file.name} could not be read.`, field: 'workflowApiJson' })
    }
    reader.readAsText(file)
  }

  const addKind = newKind ?? guessKind(newName)
  const onAdd = (e: FormEvent) => {
    e.preventDefault()
    const id = newName.trim()
    if (id === '') {
      setAddError('Type the input’s name, as the request body spells it (e.g. prompt).')
      return
    }
    if (list.some((i) => i.field.id === id)) {
      setAddError(`“${id}” is already in the list: check it there.`)
      return
    }
    const parsed = parseDefault(addKind, newDefault)
    if (!parsed.ok) {
      setAddError(parsed.message)
      return
    }
    const field: InputField = {
      id,
      label: newLabel.trim() || humanize(id),
      kind: addKind,
      description: '',
      defaultValue: parsed.value,
      required: false,
    }
    setItems((all) => [...(all ?? []), { field, checked: true, byName: true, defaultText: newDefault }])
    setNewName('')
    setNewLabel('')
    setNewKind(null)
    setNewDefault('')
    setAddError(null)
    setHint(null)
    nameRef.current?.focus()
  }

  const onSave = async () => {
    const chosen = list.filter((i) => i.checked)
    const fields = chosen.map(fieldOf)
    if (fields.some((f) => f === null)) {
      setHint('Fix the highlighted defaults to save.')
      return
    }
    setHint(null)
    setBusy('save')
    setSaveError(null)
    const res = await saveForm(target, fields.filter((f) => f !== null))
    setBusy(null)
    if (res.ok) {
      onClose()
      return
    }
    const named = res.error.field !== undefined && list.some((i) => i.field.id === res.error.field)
    setSaveError(res.error)
    setRowErrors(named && res.error.field !== undefined ? { [res.error.field]: res.error.message } : {})
  }

  const onReset = async () => {
    setBusy('reset')
    setSaveError(null)
    const res = await resetForm(target)
    setBusy(null)
    if (res.ok) onClose()
    else setSaveError(res.error)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      onClose()
    } else {
      keepTabInside(e, dialogRef.current)
    }
  }

  const noWorkflow = loadError !== null && loadError.code === 'PROVIDER_VALIDATION' && loadError.field === 'workflowApiJson'
  const saveErrorNamed = saveError?.field !== undefined && saveError.field in rowErrors

  return createPortal(
    <div className="viewer-backdrop">
      <div
        ref={dialogRef}
        className="dialog fe"
        role="dialog"
        aria-modal="true"
        aria-label={`Customize form for ${deployment.name}`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className="dialog__head">
          <h2 id={ids.title} className="dialog__title">
            Customize form
          </h2>
          <span className="muted">{deployment.name}</span>
        </header>

        <div className="dialog__body">
          <section className="fe-section" aria-labelledby={ids.list}>
            <h3 id={ids.list} className="subsection__title">
              Inputs from the workflow
            </h3>
            <p className="field__help">
              Checked inputs are shown in the form, in this order. Rename them, change how they are entered, or give them a
              default.
            </p>
            {items === null && (
              <p className="muted" role="status">
                Loading the workflow’s inputs…
              </p>
            )}
            {noWorkflow && <p className="fe-note">No inputs to pick from: {loadError.message}.</p>}
            {loadError !== null && !noWorkflow && (
              <ErrorNotice error={loadError} className="notice--compact" onRetry={() => setLoadTry((n) => n + 1)} />
            )}
            {items !== null && list.length === 0 && !noWorkflow && (
              <p className="fe-note">Nothing to pick from yet: import the workflow’s API JSON or add fields by name.</p>
            )}
            {list.length > 0 && (
              <>
                <ol className="fe-list" aria-label="Form fields">
                  {list.map((item, index) => (
                    <EditorRow
                      key={item.field.id}
                      item={item}
                      index={index}
                      count={list.length}
                      serverError={rowErrors[item.field.id]}
                      onChange={(change) => updateItem(item.field.id, (i) => ({ ...i, ...change }))}
                      onField={(change) => updateItem(item.field.id, (i) => ({ ...i, field: { ...i.field, ...change } }))}
                      onMove={(by) => setItems((all) => (all === null ? all : moveItem(all, index, by)))}
                    />
                  ))}
                </ol>
                <p className="muted fe-count" aria-live="polite">
                  {shownCount} of {list.length} shown in the form
                </p>
              </>
            )}
          </section>

          <section className="fe-section" aria-labelledby={ids.importHead}>
            <h3 id={ids.importHead} className="subsection__title">
              Import workflow API JSON
            </h3>
            <p className="field__help">
              In ComfyUI, export the workflow in API format (“Export (API)”). Its inputs replace the list above; fields added by
              name stay.
            </p>
            <div className="fe-import">
              <input
                id={ids.file}
                className="visually-hidden upload__input"
                type="file"
                accept=".json,application/json"
                aria-label="Workflow API JSON file"
                aria-describedby={importError ? ids.importError : undefined}
                disabled={importing}
                onChange={onFile}
              />
              <label htmlFor={ids.file} className="btn btn--small upload__choose">
                Choose JSON file…
              </label>
              <span className="muted">or paste it:</span>
            </div>
            <label htmlFor={ids.paste} className="field__label">
              Paste JSON
            </label>
            <textarea
              id={ids.paste}
              className="input input--mono"
              rows={4}
              spellCheck={false}
              value={paste}
              aria-invalid={importError ? true : undefined}
              aria-describedby={importError ? ids.importError : undefined}
              onChange={(e) => {
                setPaste(e.target.value)
                setImportError(null)
              }}
            />
            <div className="fe-actions">
              <button
                type="button"
                className="btn btn--small"
                disabled={importing || paste.trim() === ''}
                aria-busy={importing}
                onClick={() => void loadWorkflow(paste)}
              >
                {importing && <span className="spinner spinner--small" aria-hidden="true" />}
                Load
              </button>
            </div>
            <div id={ids.importError} className="fe-import__feedback">
              {importError && <ErrorNotice error={importError} live className="notice--compact" />}
              {imported && !importError && (
                <p className="form-feedback--ok" role="status">
                  {imported}
                </p>
              )}
            </div>
          </section>

          <form className="fe-section" aria-labelledby={ids.addHead} noValidate onSubmit={onAdd}>
            <h3 id={ids.addHead} className="subsection__title">
              Add a field by name
            </h3>
            <p className="field__help">
              For LoRA deployments, the input names on the deployment’s API tab (such as <code>prompt</code>, <code>seed</code>,{' '}
              <code>ctrl_img_1</code>): they are sent as the request body’s keys. For workflow deployments, <code>nodeId.inputName</code>.
            </p>
            <div className="fe-add">
              <div className="field">
                <label htmlFor={ids.name} className="field__label">
                  Field name
                </label>
                <input
                  ref={nameRef}
                  id={ids.name}
                  className="input input--mono"
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  value={newName}
                  aria-invalid={addError ? true : undefined}
                  aria-describedby={addError ? ids.addError : undefined}
                  onChange={(e) => {
                    setNewName(e.target.value)
                    setAddError(null)
                  }}
                />
              </div>
              <div className="field">
                <label htmlFor={ids.label} className="field__label">
                  Field label
                </label>
                <input
                  id={ids.label}
                  className="input"
                  type="text"
                  value={newLabel}
                  placeholder={newName.trim() === '' ? '' : humanize(newName)}
                  onChange={(e) => setNewLabel(e.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={ids.kind} className="field__label">
                  Field kind
                </label>
                <select id={ids.kind} className="input select" value={addKind} onChange={(e) => setNewKind(e.target.value as FieldKind)}>
                  {fieldKinds.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={ids.default} className="field__label">
                  Field default
                </label>
                <DefaultInput
                  id={ids.default}
                  kind={addKind}
                  options={undefined}
                  value={newDefault}
                  label="Field default"
                  invalid={false}
                  describedBy={undefined}
                  onChange={(text) => {
                    setNewDefault(text)
                    setAddError(null)
                  }}
                />
              </div>
              <button type="submit" className="btn fe-add__button">
                Add field
              </button>
            </div>
            {addError && (
              <p id={ids.addError} className="field__error" role="alert">
                {addError}
              </p>
            )}
          </form>
        </div>

        <footer className="dialog__foot">
          {saveError && <ErrorNotice error={saveError} live adviceOnly={saveErrorNamed} className="notice--compact" />}
          {hint && (
            <p className="form-hint form-hint--error" role="alert">
              {hint}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn btn--primary" disabled={busy !== null || items === null} aria-busy={busy === 'save'} onClick={() => void onSave()}>
              {busy === 'save' && <span className="spinner spinner--small" aria-hidden="true" />}
              Save
            </button>
            <button
              type="button"
              className="btn btn--ghost"
              disabled={busy !== null || !deployment.customForm}
              aria-busy={busy === 'reset'}
              title={deployment.customForm ? undefined : 'The form already shows the service’s inputs.'}
              onClick={() => void onReset()}
            >
              {"Reset to the service's inputs"}
            </button>
            <button type="button" className="btn btn--ghost fe-cancel" onClick={onClose}>
              Cancel
            </button>
          </div>
        </footer>
      </div>
    </div>,
    document.body,
  )
}
