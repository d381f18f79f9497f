import { useEffect, useRef, useState, type HTMLAttributes, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import { createPortal } from 'react-dom'
import { keepTabInside } from './focus-trap'
import { popModal, pushModal, useTopModal } from './modal-stack'
import { Toasts } from './Toasts'

interface Props {
  /** The id of the element that names the dialog… */
  labelledBy?: string
  /** …or its name, when no element on it says it whole. */
  label?: string
  describedBy?: string
  role?: 'dialog' | 'alertdialog'
  /** `viewer` (the lightbox), `dialog` (forms), `dialog dialog--confirm`… */
  className: string
  onClose(): void
  /** Sees every key first; call `e.preventDefault()` to stop the modal's own handling (Escape, Tab). */
  onKeyDown?(e: KeyboardEvent<HTMLDivElement>): void
  /** What gets focus on opening (else the panel itself). */
  initialFocus?: RefObject<HTMLElement | null>
  /** Where focus goes on closing; by default back to what had it before, if it is still there. */
  returnFocus?: () => HTMLElement | null
  /** Clicking the backdrop closes (off for confirmations). */
  closeOnBackdrop?: boolean
  panelProps?: HTMLAttributes<HTMLDivElement> & Record<`data-${string}`, string | number | undefined>
  children: ReactNode
}

/**
 * The modal panel: rendered over everything, `aria-modal`, focus moved in on opening and given back on
 * closing, Tab kept inside, Escape closes. Keys never leak to a modal underneath, nor to the page. The
 * innermost modal shows the toasts, so messages about what is done inside it stay reachable.
 */
export function Modal({ labelledBy, label, describedBy, role = 'dialog', className, onClose, onKeyDown, initialFocus, returnFocus, closeOnBackdrop = true, panelProps, children }: Props) {
  const panelRef = useRef<HTMLDivElement>(null)
  const [token] = useState(() => Symbol('modal'))
  const top = useTopModal()
  const returnRef = useRef(returnFocus)
  useEffect(() => {
    returnRef.current = returnFocus
  })

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    pushModal(token)
    ;(initialFocus?.current ?? panelRef.current)?.focus()
    return () => {
      popModal(token)
      const target = returnRef.current ? returnRef.current() : opener?.isConnected ? opener : null
      target?.focus()
    }
    // Runs once per opening: the element to focus is read when the modal opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token])

  const keyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    onKeyDown?.(e)
    e.stopPropagation()
    if (e.defaultPrevented) return
    if (e.key === 'Escape') {
      e.preventDefault()
      onClose()
    } else {
      keepTabInside(e, panelRef.current)
    }
  }

  return createPortal(
    <div className="viewer-backdrop" onClick={(e) => closeOnBackdrop && e.target === e.currentTarget && onClose()}>
      <div
        {...panelProps}
        ref={panelRef}
        className={className}
        role={role}
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-label={label}
        aria-describedby={describedBy}
        tabIndex={-1}
        onKeyDown={keyDown}
      >
        {children}
        {top === token && <Toasts />}
      </div>
    </div>,
    document.body,
  )
}
