import { useId, useRef, type Dispatch, type FormEvent, type ReactNode } from 'react'
import type { FieldKind } from '@shared/deployment'
import { fieldByName, newFieldKind, type CustomizeAction, type CustomizeState, type NewField } from './customize-form-state'
import { DefaultInput, KindOptions } from './DefaultInput'
import { humanize } from './form-editor'

/** One box of the row, its label above it. */
function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {children}
    </div>
  )
}

interface Props {
  state: Pick<CustomizeState, 'items' | 'newField' | 'addError'>
  dispatch: Dispatch<CustomizeAction>
}

/** Fields typed by name, for deployments that do not publish their inputs (LoRA deployments). */
export function AddFieldByName({ state, dispatch }: Props) {
  const nameRef = useRef<HTMLInputElement>(null)
  const base = useId()
  const ids = { head: `${base}-head`, name: `${base}-name`, label: `${base}-label`, kind: `${base}-kind`, default: `${base}-default`, error: `${base}-error` }
  const { newField, addError } = state
  const kind = newFieldKind(newField)
  const edit = (change: Partial<NewField>) => dispatch({ type: 'newField', change })

  const onAdd = (e: FormEvent) => {
    e.preventDefault()
    const made = fieldByName(newField, state.items ?? [])
    if (!made.ok) return dispatch({ type: 'addRefused', message: made.message })
    dispatch({ type: 'added', field: made.field })
    // Ready for the next name: LoRA deployments usually take several.
    nameRef.current?.focus()
  }

  return (
    <form className="fe-section" aria-labelledby={ids.head} noValidate onSubmit={onAdd}>
      <h3 id={ids.head} className="subsection__title">
        Add a field by name
      </h3>
      <p className="field__help">
        For LoRA deployments, the input names on the deployment’s API tab (such as <code>prompt</code>, <code>seed</code>, <code>ctrl_img_1</code>):
        they are sent as the request body’s keys. For workflow deployments, <code>nodeId.inputName</code>.
      </p>
      <div className="fe-add">
        <Labelled id={ids.name} label="Field name">
          <input
            ref={nameRef}
            id={ids.name}
            className="input input--mono"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={newField.name}
            aria-invalid={addError ? true : undefined}
            aria-describedby={addError ? ids.error : undefined}
            onChange={(e) => edit({ name: e.target.value })}
          />
        </Labelled>
        <Labelled id={ids.label} label="Field label">
          <input
            id={ids.label}
            className="input"
            type="text"
            value={newField.label}
            placeholder={newField.name.trim() === '' ? '' : humanize(newField.name)}
            onChange={(e) => edit({ label: e.target.value })}
          />
        </Labelled>
        <Labelled id={ids.kind} label="Field kind">
          <select id={ids.kind} className="input select" value={kind} onChange={(e) => edit({ kind: e.target.value as FieldKind })}>
            <KindOptions />
          </select>
        </Labelled>
        <Labelled id={ids.default} label="Field default">
          <DefaultInput
            id={ids.default}
            kind={kind}
            options={undefined}
            value={newField.defaultText}
            label="Field default"
            invalid={false}
            describedBy={undefined}
            onChange={(defaultText) => edit({ defaultText })}
          />
        </Labelled>
        <button type="submit" className="btn fe-add__button">
          Add field
        </button>
      </div>
      {addError && (
        <p id={ids.error} className="field__error" role="alert">
          {addError}
        </p>
      )}
    </form>
  )
}
