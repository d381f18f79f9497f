import { useId, useRef, useState, type FormEvent } from 'react'
import type { ExportResult } from '@shared/contract'
import type { OutputId } from '@shared/output'
import type { Failure } from '@shared/result'
import { DialogHead } from '../../components/DialogHead'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatCount } from '../../components/format'
import { Modal } from '../../components/Modal'
import { useCourierClient } from '../../store/context'
import { pageStorage } from './density'

/** Where the last export went, remembered in this browser. */
export const EXPORT_FOLDER_KEY = 'comfy-courier.export.folder'

type Choice = 'keep' | 'strip'
const choices: Array<{ id: Choice; name: string; help: string }> = [
  { id: 'keep', name: 'Keep how it was made (prompt, seed, workflow)', help: 'Exact copies: the app and ComfyUI can read the settings back from them.' },
  { id: 'strip', name: 'Remove it (for sharing or selling)', help: 'Pictures and videos without their prompt, seed or workflow. The pictures themselves are unchanged.' },
]

/** "Exported 3 files to /path." and, if some were not, how many and the first reason. */
export function exportedText(result: ExportResult): string {
  const n = result.exported.length
  const done = `Exported ${n === 1 ? '1 file' : `${formatCount(n)} files`} to ${result.folder}.`
  const first = result.skipped[0]
  if (first === undefined) return done
  const s = result.skipped.length
  return `${done} ${s === 1 ? '1 was' : `${formatCount(s)} were`} not: ${first.reason}`
}

interface Props {
  ids: readonly OutputId[]
  onDone(result: ExportResult): void
  onClose(): void
}

/** Export…: the selected outputs copied to a folder, with how they were made kept in them or removed. */
export function ExportDialog({ ids, onDone, onClose }: Props) {
  const client = useCourierClient()
  const titleId = useId()
  const folderId = useId()
  const folderRef = useRef<HTMLInputElement>(null)
  const [folder, setFolder] = useState(() => pageStorage()?.getItem(EXPORT_FOLDER_KEY) ?? '')
  const [metadata, setMetadata] = useState<Choice>('keep')
  const [running, setRunning] = useState(false)
  const [error, setError] = useState<Failure | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (running) return
    const chosen = folder.trim()
    if (chosen === '') {
      setError({ code: 'BAD_INPUT', message: 'Type the folder to copy the files to.', field: 'folder' })
      folderRef.current?.focus()
      return
    }
    setRunning(true)
    setError(null)
    const res = await client.invoke('outputs.export', { ids: [...ids], folder: chosen, metadata })
    setRunning(false)
    if (!res.ok) {
      setError(res.error)
      if (res.error.field === 'folder') folderRef.current?.focus()
      return
    }
    try {
      pageStorage()?.setItem(EXPORT_FOLDER_KEY, chosen)
    } catch {
      // Storage full or refused: the folder is simply not remembered.
    }
    onDone(res.value)
  }

  const n = ids.length
  return (
    <Modal className="dialog dialog--export" labelledBy={titleId} onClose={() => !running && onClose()} initialFocus={folderRef} closeOnBackdrop={false}>
      <DialogHead titleId={titleId} title={`Export ${n === 1 ? '1 output' : `${formatCount(n)} outputs`}`} onClose={() => !running && onClose()} />
      <form className="export-form" noValidate onSubmit={(e) => void submit(e)}>
        <div className="dialog__body">
          <div className="field">
            <div className="field__head">
              <label htmlFor={folderId} className="field__label">
                Folder
              </label>
            </div>
            <input
              ref={folderRef}
              id={folderId}
              className="input input--mono"
              value={folder}
              onChange={(e) => setFolder(e.target.value)}
              placeholder="/home/you/Exports"
              spellCheck={false}
              autoComplete="off"
              disabled={running}
              aria-invalid={error?.field === 'folder' ? true : undefined}
              aria-describedby={`${folderId}-help`}
            />
            <p id={`${folderId}-help`} className="field__help">
              The full path of a folder outside the library; it is made if it does not exist. Files already there are never replaced.
            </p>
          </div>
          <fieldset className="export-choices" disabled={running}>
            <legend className="field__label">How it was made</legend>
            {choices.map((c) => (
              <label key={c.id} className={`export-choice${metadata === c.id ? ' export-choice--checked' : ''}`} data-choice={c.id}>
                <input type="radio" name="export-metadata" value={c.id} checked={metadata === c.id} onChange={() => setMetadata(c.id)} />
                <span className="export-choice__text">
                  <span className="export-choice__name">{c.name}</span>
                  <span className="export-choice__help">{c.help}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {error && <ErrorNotice error={error} live settingsLink={false} />}
        </div>
        <footer className="dialog__foot">
          <button type="button" className="btn" onClick={onClose} disabled={running}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={running} aria-busy={running}>
            {running && <span className="spinner spinner--small" aria-hidden="true" />}
            {running ? 'Exporting…' : 'Export'}
          </button>
        </footer>
      </form>
    </Modal>
  )
}
