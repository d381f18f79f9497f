import { useId, type ChangeEvent, type Dispatch } from 'react'
import type { Failure } from '@shared/result'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'
import type { FormTarget } from '../../store/types'
import type { CustomizeAction, CustomizeState } from './customize-form-state'

/** What `forms.candidates` takes at most (the contract's limit on `workflowApiJson`). */
const MAX_WORKFLOW_CHARS = 5_000_000

const tooBig = (what: string): Failure => ({
  code: 'BAD_INPUT',
  message: `${what} over 5 MB: export the workflow in API format, which is much smaller.`,
  field: 'workflowApiJson',
})

interface Props {
  target: FormTarget
  state: Pick<CustomizeState, 'paste' | 'importing' | 'importError' | 'imported'>
  dispatch: Dispatch<CustomizeAction>
}

/** A workflow exported from ComfyUI in API format, picked as a file or pasted: its inputs replace the list's. */
export function WorkflowImport({ target, state, dispatch }: Props) {
  const formCandidates = useCourier((s) => s.generate.formCandidates)
  const base = useId()
  const ids = { head: `${base}-head`, file: `${base}-file`, paste: `${base}-paste`, feedback: `${base}-feedback` }
  const { paste, importing, importError, imported } = state

  const load = async (text: string) => {
    if (text.length > MAX_WORKFLOW_CHARS) return dispatch({ type: 'importFailed', error: tooBig('That file is') })
    dispatch({ type: 'importStarted' })
    const res = await formCandidates(target, text)
    dispatch(res.ok ? { type: 'imported', fields: res.value } : { type: 'importFailed', error: res.error })
  }

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.target
    const file = input.files?.[0]
    if (file === undefined) return
    if (file.size > MAX_WORKFLOW_CHARS) {
      dispatch({ type: 'importFailed', error: tooBig(`${file.name} is`) })
      input.value = ''
      return
    }
    const reader = new FileReader()
    reader.onload = () => {
      input.value = ''
      void load(typeof reader.result === 'string' ? reader.result : '')
    }
    reader.onerror = () => {
      input.value = ''
      dispatch({ type: 'importFailed', error: { code: 'BAD_INPUT', message: `${file.name} could not be read.`, field: 'workflowApiJson' } })
    }
    reader.readAsText(file)
  }

  const describedBy = importError ? ids.feedback : undefined
  return (
    <section className="fe-section" aria-labelledby={ids.head}>
      <h3 id={ids.head} className="subsection__title">
        Import workflow API JSON
      </h3>
      <p className="field__help">
        In ComfyUI, export the workflow in API format (“Export (API)”). Its inputs replace the list above; fields added by name stay.
      </p>
      <div className="fe-import">
        <input
          id={ids.file}
          className="visually-hidden upload__input"
          type="file"
          accept=".json,application/json"
          aria-label="Workflow API JSON file"
          aria-describedby={describedBy}
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
        aria-describedby={describedBy}
        onChange={(e) => dispatch({ type: 'paste', text: e.target.value })}
      />
      <div className="fe-actions">
        <button type="button" className="btn btn--small" disabled={importing || paste.trim() === ''} aria-busy={importing} onClick={() => void load(paste)}>
          {importing && <span className="spinner spinner--small" aria-hidden="true" />}
          Load
        </button>
      </div>
      <div id={ids.feedback} className="fe-import__feedback">
        {importError && <ErrorNotice error={importError} live className="notice--compact" />}
        {imported && !importError && (
          <p className="form-feedback--ok" role="status">
            {imported}
          </p>
        )}
      </div>
    </section>
  )
}
