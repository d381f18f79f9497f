import { useId, useState, type ChangeEvent } from 'react'
import type { Failure } from '@shared/result'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'

/** What `deployments.add` takes at most. */
const MAX_WORKFLOW_CHARS = 20_000_000

/**
 * Your own ComfyUI's workflows (issue 19): add one from a workflow file (API or UI format; core converts UI
 * format with the server's /object_info) or from the server's saved workflows, and remove the one chosen.
 */
export function ComfyWorkflows({ selectedId }: { selectedId: string | null }) {
  const addWorkflow = useCourier((s) => s.comfyui.addWorkflow)
  const removeWorkflow = useCourier((s) => s.comfyui.removeWorkflow)
  const loadSavedList = useCourier((s) => s.comfyui.loadSaved)
  const saved = useCourier((s) => s.comfyui.saved)
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [file, setFile] = useState<{ name: string; text: string } | null>(null)
  const [savedPick, setSavedPick] = useState('')
  const [error, setError] = useState<Failure | null>(null)
  const [busy, setBusy] = useState(false)
  const base = useId()

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.target.files?.[0]
    e.target.value = ''
    if (!picked) return
    if (picked.size > MAX_WORKFLOW_CHARS) return setError({ code: 'BAD_INPUT', message: `${picked.name} is over 20 MB: that is not a workflow.` })
    void picked.text().then((text) => {
      setFile({ name: picked.name, text })
      setSavedPick('')
      if (name.trim() === '') setName(picked.name.replace(/\.json$/i, ''))
      setError(null)
    })
  }

  const loadSaved = async () => setError(await loadSavedList())

  const add = async () => {
    setBusy(true)
    const failure = await addWorkflow({
      name: name.trim() || file?.name || savedPick || 'Workflow',
      ...(savedPick ? { savedWorkflow: savedPick } : file ? { workflowJson: file.text } : {}),
    })
    setBusy(false)
    setError(failure)
    if (failure !== null) return
    setOpen(false)
    setFile(null)
    setName('')
    setSavedPick('')
  }

  const remove = async () => {
    if (selectedId !== null) setError(await removeWorkflow(selectedId))
  }

  return (
    <div className="comfy-workflows">
      <div className="fe-actions">
        <button type="button" className="btn btn--small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          Add workflow
        </button>
        {selectedId !== null && (
          <button type="button" className="btn btn--small" onClick={() => void remove()}>
            Remove workflow
          </button>
        )}
      </div>
      {open && (
        <section className="subsection" aria-label="Add a ComfyUI workflow">
          <p className="field__help">A workflow file saved from ComfyUI (“Export” or “Export (API)”), or one saved on the server.</p>
          <label className="field__label" htmlFor={`${base}-name`}>
            Name
          </label>
          <input id={`${base}-name`} className="input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          <div className="fe-import">
            <input id={`${base}-file`} className="visually-hidden upload__input" type="file" accept=".json,application/json" aria-label="Workflow JSON file" onChange={onFile} />
            <label htmlFor={`${base}-file`} className="btn btn--small upload__choose">
              Choose workflow file…
            </label>
            {file && <span className="muted">{file.name}</span>}
            <button type="button" className="btn btn--small" onClick={() => void loadSaved()}>
              From the server’s saved workflows
            </button>
          </div>
          {saved !== null &&
            (saved.length === 0 ? (
              <p className="muted">The server has no saved workflows.</p>
            ) : (
              <>
                <label className="field__label" htmlFor={`${base}-saved`}>
                  Saved workflow
                </label>
                <select
                  id={`${base}-saved`}
                  className="input select"
                  value={savedPick}
                  onChange={(e) => {
                    setSavedPick(e.target.value)
                    setFile(null)
                    if (name.trim() === '') setName(e.target.value.replace(/\.json$/i, ''))
                  }}
                >
                  <option value="">Choose…</option>
                  {saved.map((path) => (
                    <option key={path} value={path}>
                      {path}
                    </option>
                  ))}
                </select>
              </>
            ))}
          <div className="fe-actions">
            <button type="button" className="btn btn--primary" disabled={busy || (file === null && savedPick === '')} aria-busy={busy} onClick={() => void add()}>
              Add
            </button>
          </div>
        </section>
      )}
      {error && <ErrorNotice error={error} live className="notice--compact" />}
    </div>
  )
}
