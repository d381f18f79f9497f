import type { ReactNode, RefObject } from 'react'

interface Props {
  /** The id the dialog is labelled by (the `Modal`'s `labelledBy`). */
  titleId: string
  title: ReactNode
  onClose(): void
  /** The Close button, for dialogs that give it the focus when they open. */
  closeRef?: RefObject<HTMLButtonElement | null>
}

/** A dialog's title with its Close button, the same in every dialog that has one. */
export function DialogHead({ titleId, title, onClose, closeRef }: Props) {
  return (
    <header className="dialog__head">
      <h2 id={titleId} className="dialog__title">
        {title}
      </h2>
      <button ref={closeRef} type="button" className="btn btn--small btn--ghost dialog__close" onClick={onClose}>
        Close
      </button>
    </header>
  )
}
