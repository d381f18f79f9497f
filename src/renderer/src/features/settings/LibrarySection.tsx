import { useEffect, useId, useState } from 'react'
import type { ImportFolder, ImportProgress } from '@shared/imports'
import type { Failure } from '@shared/result'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatBytes, formatCount } from '../../components/format'
import { ProgressBar } from '../../components/ProgressBar'
import { useCourier } from '../../store/context'
import { TextSetting } from './SettingsField'
import type { SettingsEditor } from './use-settings-editor'

/** A change of library folder on its way (`library.moving`): a bar while files move, then how it ended. */
function LibraryMove() {
  const move = useCourier((s) => s.settings.libraryMove)
  if (move === null) return null
  const files = `${formatCount(move.doneFiles)} of ${formatCount(move.totalFiles)} file${move.totalFiles === 1 ? '' : 's'}`
  const bytes = `${formatBytes(move.doneBytes)} of ${formatBytes(move.totalBytes)}`
  return (
    <div className="library-move" data-move-state={move.state}>
      {move.state === 'moving' ? (
        <>
          <p className="library-move__text" role="status">
            Moving your outputs to <code>{move.to}</code>: {files} ({bytes})…
          </p>
          <ProgressBar
            label="Library move"
            value={move.totalBytes > 0 ? move.doneBytes / move.totalBytes : move.totalFiles > 0 ? move.doneFiles / move.totalFiles : 0}
            indeterminate={move.totalFiles === 0}
            valueText={`${files}, ${bytes}`}
          />
        </>
      ) : move.state === 'done' ? (
        <p className="conn-result conn-result--ok" role="status">
          <span aria-hidden="true">✓ </span>Moved {files} to <code>{move.to}</code>.
        </p>
      ) : (
        <div className="notice notice--error notice--compact" role="alert">
          <span className="notice__icon" aria-hidden="true">
            !
          </span>
          <p className="notice__body">
            <strong className="notice__advice">The library could not be moved to {move.to}.</strong>{' '}
            {move.message ?? 'No reason was given.'} Every output is still readable; choose the folder again to finish the move.
          </p>
        </div>
      )}
    </div>
  )
}

const plural = (n: number, one: string) => `${formatCount(n)} ${one}${n === 1 ? '' : 's'}`

/** One scan of an import folder (`library.importing`): a bar with Cancel while it runs, then how it ended. */
function ImportScan({ scan }: { scan: ImportProgress }) {
  const cancel = useCourier((s) => s.settings.cancelImport)
  const dismiss = useCourier((s) => s.settings.dismissImport)
  const counts = `${plural(scan.added, 'file')} added, ${plural(scan.duplicates, 'duplicate')}, ${formatCount(scan.failed)} failed`
  return (
    <li className="library-import" data-import-state={scan.state} data-import-id={scan.id}>
      {scan.state === 'scanning' ? (
        <>
          <p className="library-move__text" role="status">
            Scanning <code>{scan.folder}</code>: {formatCount(scan.done)} of {formatCount(scan.found)} found ({counts})…
          </p>
          <ProgressBar
            label={`Import of ${scan.folder}`}
            value={scan.found > 0 ? scan.done / scan.found : 0}
            indeterminate={scan.found === 0}
            valueText={`${formatCount(scan.done)} of ${formatCount(scan.found)} files`}
          />
          <button type="button" className="btn btn--small" onClick={() => void cancel(scan.id)}>
            Cancel
          </button>
        </>
      ) : (
        <p className={`conn-result${scan.state === 'failed' ? '' : ' conn-result--ok'}`} role="status">
          {scan.state === 'done' ? 'Imported' : scan.state === 'cancelled' ? 'Import cancelled for' : 'Import failed for'} <code>{scan.folder}</code>: {counts}.
          {scan.message !== null && <> {scan.message}</>}{' '}
          <button type="button" className="link link--small" onClick={() => dismiss(scan.id)}>
            Dismiss
          </button>
        </p>
      )}
    </li>
  )
}

/**
 * One import folder in the list: its counts, and what can be done with it: scan it again (not while it is
 * being scanned), watch it or not, take it out of the library (after a confirmation saying its files stay).
 */
function ImportFolderRow({ folder: f, onError }: { folder: ImportFolder; onError: (error: Failure | null) => void }) {
  const rescan = useCourier((s) => s.settings.rescanImport)
  const setWatch = useCourier((s) => s.settings.setImportWatch)
  const remove = useCourier((s) => s.settings.removeImport)
  const [confirming, setConfirming] = useState(false)
  const [removing, setRemoving] = useState(false)
  const [watchBusy, setWatchBusy] = useState(false)
  const scanning = f.scanning !== null
  const report = (res: { ok: true } | { ok: false; error: Failure }) => onError(res.ok ? null : res.error)

  const confirmRemove = async () => {
    setRemoving(true)
    const res = await remove(f.id)
    setRemoving(false)
    setConfirming(false)
    report(res)
  }

  return (
    <tr data-import-folder={f.folder}>
      <td>
        <code>{f.folder}</code>
      </td>
      <td>{formatCount(f.files)}</td>
      <td>{formatCount(f.missing)}</td>
      <td>{formatCount(f.duplicates)}</td>
      <td>{formatCount(f.failed)}</td>
      <td>
        <label className="check">
          <input
            type="checkbox"
            checked={f.watch}
            disabled={watchBusy}
            aria-label={`Watch ${f.folder} for new files`}
            onChange={async (e) => {
              setWatchBusy(true)
              report(await setWatch(f.id, e.target.checked))
              setWatchBusy(false)
            }}
          />{' '}
          {f.watch ? 'Yes' : 'No'}
        </label>
      </td>
      <td className="library-import__actions">
        <button
          type="button"
          className="btn btn--small"
          disabled={scanning}
          aria-label={`Rescan ${f.folder}`}
          title={scanning ? 'Being scanned now' : 'Look for new, changed and missing files'}
          onClick={async () => report(await rescan(f.id))}
        >
          Rescan
        </button>
        <button type="button" className="btn btn--small" aria-label={`Remove ${f.folder} from the library`} onClick={() => setConfirming(true)}>
          Remove…
        </button>
        {confirming && (
          <ConfirmDialog
            title="Remove this folder from the library?"
            confirmLabel="Remove from library"
            danger
            busy={removing}
            onConfirm={() => void confirmRemove()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              <code>{f.folder}</code>
            </p>
            <p>
              {f.files === 1 ? '1 output leaves' : `${formatCount(f.files)} outputs leave`} the gallery, with {f.files === 1 ? 'its' : 'their'} favourites and thumbnails.
              {scanning && ' The scan under way is cancelled.'}
            </p>
            <p>
              <strong>The files stay on disk</strong>: nothing in the folder is deleted or changed. Add it again to bring them back.
            </p>
          </ConfirmDialog>
        )}
      </td>
    </tr>
  )
}

/** "Add a folder to the library…": a path, whether to watch it, and every import folder with its counts. */
function ImportFolders() {
  const imports = useCourier((s) => s.settings.imports)
  const scans = useCourier((s) => s.settings.importScans)
  const loadImports = useCourier((s) => s.settings.loadImports)
  const startImport = useCourier((s) => s.settings.startImport)
  const [folder, setFolder] = useState('')
  const [watch, setWatch] = useState(false)
  const [error, setError] = useState<Failure | null>(null)
  /** What the last action on a listed folder (rescan, watch, remove) was refused for. */
  const [folderError, setFolderError] = useState<Failure | null>(null)
  const [busy, setBusy] = useState(false)
  const id = useId()

  useEffect(() => {
    void loadImports()
  }, [loadImports])

  // Not a form of its own: Settings is one form, and forms do not nest (Enter here adds, never saves settings).
  const submit = async () => {
    if (folder.trim() === '' || busy) return
    setBusy(true)
    const res = await startImport(folder.trim(), watch)
    setBusy(false)
    if (res.ok) {
      setError(null)
      setFolder('')
    } else setError(res.error)
  }

  const running = Object.values(scans)
  return (
    <div className="library-imports">
      <h3 className="card__subtitle">Add a folder to the library…</h3>
      <p className="field__help">
        A ComfyUI <code>output</code> folder, an A1111 <code>outputs</code> folder, any folder of pictures and videos: its files are indexed where they are (never
        copied), searchable by their prompts, and exact duplicates are recognised.
      </p>
      <div className="library-import__form" role="group" aria-label="Add a folder">
        <div className={`field${error ? ' field--invalid' : ''}`}>
          <label htmlFor={`${id}-folder`} className="field__label">
            Folder to add
          </label>
          <input
            id={`${id}-folder`}
            className="input input--mono"
            value={folder}
            placeholder="/home/you/ComfyUI/output"
            spellCheck={false}
            aria-invalid={error !== null}
            onChange={(e) => setFolder(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return
              e.preventDefault()
              void submit()
            }}
          />
        </div>
        <label className="check">
          <input type="checkbox" checked={watch} onChange={(e) => setWatch(e.target.checked)} /> Watch for new files
        </label>
        <button type="button" className="btn btn--small btn--primary" disabled={folder.trim() === ''} aria-busy={busy} onClick={() => void submit()}>
          Add
        </button>
      </div>
      {error !== null && <ErrorNotice error={error} className="notice--compact" settingsLink={false} />}
      {running.length > 0 && (
        <ul className="library-import__scans" aria-label="Imports">
          {running.map((scan) => (
            <ImportScan key={scan.id} scan={scan} />
          ))}
        </ul>
      )}
      {imports !== null && imports.length > 0 && (
        <table className="library-import__folders" aria-label="Imported folders">
          <thead>
            <tr>
              <th scope="col">Folder</th>
              <th scope="col">Files</th>
              <th scope="col">Missing</th>
              <th scope="col">Duplicates</th>
              <th scope="col">Failed</th>
              <th scope="col">Watched</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {imports.map((f) => (
              <ImportFolderRow key={f.id} folder={f} onError={setFolderError} />
            ))}
          </tbody>
        </table>
      )}
      {folderError !== null && <ErrorNotice error={folderError} className="notice--compact" settingsLink={false} />}
    </div>
  )
}

/** Where outputs are saved, and the move to a new folder while it runs. */
export function LibrarySection({ editor }: { editor: SettingsEditor }) {
  return (
    <section className="card" aria-labelledby="settings-library">
      <h2 id="settings-library" className="card__title">
        Library
      </h2>
      <TextSetting editor={editor} name="libraryDir" id="library-dir" label="Library folder" help="Every output is saved here, by date and deployment." mono what="the folder" />
      <LibraryMove />
      <ImportFolders />
    </section>
  )
}
