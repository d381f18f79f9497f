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

/** Where outputs are saved, and the move to a new folder while it runs. */
export function LibrarySection({ editor }: { editor: SettingsEditor }) {
  return (
    <section className="card" aria-labelledby="settings-library">
      <h2 id="settings-library" className="card__title">
        Library
      </h2>
      <TextSetting editor={editor} name="libraryDir" id="library-dir" label="Library folder" help="Every output is saved here, by date and deployment." mono what="the folder" />
      <LibraryMove />
    </section>
  )
}
