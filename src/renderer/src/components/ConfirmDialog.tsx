import { useId, useRef, type ReactNode } from 'react'
import { Modal } from './Modal'

interface Props {
  title: string
  children: ReactNode
  confirmLabel: string
  /** While the action runs: the buttons are disabled and the confirm button says so. */
  busy?: boolean
  danger?: boolean
  onConfirm(): void
  onCancel(): void
}

/** "Are you sure?": an alertdialog whose safe choice (Cancel) has focus first; Escape cancels. */
export function ConfirmDialog({ title, children, confirmLabel, busy = false, danger = false, onConfirm, onCancel }: Props) {
  const titleId = useId()
  const bodyId = useId()
  const cancelRef = useRef<HTMLButtonElement>(null)
  return (
    <Modal
      role="alertdialog"
      className="dialog dialog--confirm"
      labelledBy={titleId}
      describedBy={bodyId}
      onClose={() => !busy && onCancel()}
      initialFocus={cancelRef}
      closeOnBackdrop={false}
    >
      <header className="dialog__head">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
      </header>
      <div id={bodyId} className="dialog__body">
        {children}
      </div>
      <footer className="dialog__foot">
        <button ref={cancelRef} type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="button" className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`} onClick={onConfirm} disabled={busy} aria-busy={busy}>
          {busy && <span className="spinner spinner--small" aria-hidden="true" />}
          {confirmLabel}
        </button>
      </footer>
    </Modal>
  )
}
