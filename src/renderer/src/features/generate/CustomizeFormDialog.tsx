import { useEffect, useReducer, useState } from 'react'
import { ErrorNotice } from '../../components/ErrorNotice'
import { Modal } from '../../components/Modal'
import { useCourier } from '../../store/context'
import type { FormTarget } from '../../store/types'
import { AddFieldByName } from './AddFieldByName'
import { customizeReducer, initialCustomizeState } from './customize-form-state'
import { FieldRows } from './FieldRows'
import { fieldOf } from './form-editor'
import { WorkflowImport } from './WorkflowImport'

interface Props {
  target: FormTarget
  onClose(): void
}

/**
 * Chooses which inputs a deployment's form shows: the workflow's literal inputs (or an imported workflow's),
 * relabelled, re-kinded and reordered, plus fields typed by name (LoRA bodies). Save sends the checked ones
 * in order to `forms.save`; the Generate form then shows exactly those. A modal: while it is open the app's
 * shortcuts (Ctrl+Enter would start a paid run) stay quiet, and toasts show inside it.
 */
export function CustomizeFormDialog({ target, onClose }: Props) {
  const deployment = useCourier((s) => s.generate.deployments[target.provider]?.items.find((d) => d.id === target.deploymentId) ?? null)
  const { formCandidates, saveForm, resetForm } = useCourier((s) => s.generate)
  // The form as it was when the dialog opened: a list refresh meanwhile must not wipe the user's edits.
  const [current] = useState(() => deployment?.inputs ?? [])
  const [state, dispatch] = useReducer(customizeReducer, initialCustomizeState)
  const { items, loadTry, busy, saveError, rowErrors, hint } = state

  useEffect(() => {
    let alive = true
    void formCandidates(target).then((res) => {
      if (alive) dispatch({ type: 'candidates', current, candidates: res.ok ? res.value : null, error: res.ok ? null : res.error })
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

  const onSave = async () => {
    const fields = (items ?? []).filter((i) => i.checked).map(fieldOf)
    if (fields.some((f) => f === null)) return dispatch({ type: 'saveBlocked', hint: 'Fix the highlighted defaults to save.' })
    dispatch({ type: 'busy', busy: 'save' })
    const res = await saveForm(target, fields.filter((f) => f !== null))
    if (res.ok) onClose()
    else dispatch({ type: 'saveFailed', error: res.error })
  }

  const onReset = async () => {
    dispatch({ type: 'busy', busy: 'reset' })
    const res = await resetForm(target)
    if (res.ok) onClose()
    else dispatch({ type: 'resetFailed', error: res.error })
  }

  // Said on its row already: the notice keeps to the advice.
  const saveErrorNamed = saveError?.field !== undefined && saveError.field in rowErrors

  return (
    <Modal className="dialog fe" label={`Customize form for ${deployment.name}`} onClose={onClose} closeOnBackdrop={false}>
      <header className="dialog__head">
        <h2 className="dialog__title">Customize form</h2>
        <span className="muted">{deployment.name}</span>
      </header>

      <div className="dialog__body">
        <FieldRows items={items} loadError={state.loadError} rowErrors={rowErrors} dispatch={dispatch} />
        <WorkflowImport target={target} state={state} dispatch={dispatch} />
        <AddFieldByName state={state} dispatch={dispatch} />
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
    </Modal>
  )
}
