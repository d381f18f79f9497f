import { useId, type Dispatch } from 'react'
import type { FieldKind } from '@shared/deployment'
import type { Failure } from '@shared/result'
import { ErrorNotice } from '../../components/ErrorNotice'
import type { CustomizeAction } from './customize-form-state'
import { DefaultInput, KindOptions } from './DefaultInput'
import { parseDefault, type EditorItem } from './form-editor'

interface RowProps {
  item: EditorItem
  index: number
  count: number
  serverError: string | undefined
  dispatch: Dispatch<CustomizeAction>
}

/** One candidate input: shown or not, its label, kind and default, and where it comes from. */
function EditorRow({ item, index, count, serverError, dispatch }: RowProps) {
  const base = useId()
  const whereId = `${base}-where`
  const errorId = `${base}-error`
  const { field } = item
  const id = field.id
  const parsed = parseDefault(field.kind, item.defaultText)
  const error = serverError ?? (parsed.ok ? null : parsed.message)
  return (
    <li className={`fe-row${item.checked ? '' : ' fe-row--off'}${error ? ' fe-row--invalid' : ''}`} aria-label={id} data-candidate-id={id} data-checked={item.checked}>
      <input
        type="checkbox"
        className="fe-row__check"
        aria-label={`Show ${id}`}
        aria-describedby={whereId}
        checked={item.checked}
        onChange={(e) => dispatch({ type: 'editItem', id, change: { checked: e.target.checked } })}
      />
      <input
        className="input fe-row__label"
        type="text"
        aria-label={`Label for ${id}`}
        value={field.label}
        placeholder={id}
        onChange={(e) => dispatch({ type: 'editField', id, change: { label: e.target.value } })}
      />
      <select
        className="input select fe-row__kind"
        aria-label={`Kind for ${id}`}
        value={field.kind}
        onChange={(e) => dispatch({ type: 'editField', id, change: { kind: e.target.value as FieldKind } })}
      >
        <KindOptions />
      </select>
      <div className="fe-row__default">
        <DefaultInput
          kind={field.kind}
          options={field.options}
          value={item.defaultText}
          label={`Default for ${id}`}
          invalid={error !== null}
          describedBy={error ? errorId : undefined}
          onChange={(defaultText) => dispatch({ type: 'editItem', id, change: { defaultText } })}
        />
      </div>
      <div className="fe-row__move">
        <button type="button" className="icon-btn" aria-label={`Move ${id} up`} disabled={index === 0} onClick={() => dispatch({ type: 'move', index, by: -1 })}>
          ↑
        </button>
        <button type="button" className="icon-btn" aria-label={`Move ${id} down`} disabled={index === count - 1} onClick={() => dispatch({ type: 'move', index, by: 1 })}>
          ↓
        </button>
      </div>
      <p id={whereId} className="fe-row__where muted" title={field.description || undefined}>
        <code>{id}</code>
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
  items: EditorItem[] | null
  loadError: Failure | null
  rowErrors: Record<string, string>
  dispatch: Dispatch<CustomizeAction>
}

/** The inputs the form can show, checked ones shown, in order; or why there are none to pick from. */
export function FieldRows({ items, loadError, rowErrors, dispatch }: Props) {
  const headId = useId()
  const list = items ?? []
  const shownCount = list.filter((i) => i.checked).length
  // A deployment without a workflow (a LoRA deployment) is not a failure: its fields are added by name.
  const noWorkflow = loadError !== null && loadError.code === 'PROVIDER_VALIDATION' && loadError.field === 'workflowApiJson'
  return (
    <section className="fe-section" aria-labelledby={headId}>
      <h3 id={headId} className="subsection__title">
        Inputs from the workflow
      </h3>
      <p className="field__help">Checked inputs are shown in the form, in this order. Rename them, change how they are entered, or give them a default.</p>
      {items === null && (
        <p className="muted" role="status">
          Loading the workflow’s inputs…
        </p>
      )}
      {noWorkflow && <p className="fe-note">No inputs to pick from: {loadError.message}.</p>}
      {loadError !== null && !noWorkflow && <ErrorNotice error={loadError} className="notice--compact" onRetry={() => dispatch({ type: 'retryLoad' })} />}
      {items !== null && list.length === 0 && !noWorkflow && (
        <p className="fe-note">Nothing to pick from yet: import the workflow’s API JSON or add fields by name.</p>
      )}
      {list.length > 0 && (
        <>
          <ol className="fe-list" aria-label="Form fields">
            {list.map((item, index) => (
              <EditorRow key={item.field.id} item={item} index={index} count={list.length} serverError={rowErrors[item.field.id]} dispatch={dispatch} />
            ))}
          </ol>
          <p className="muted fe-count" aria-live="polite">
            {shownCount} of {list.length} shown in the form
          </p>
        </>
      )}
    </section>
  )
}
