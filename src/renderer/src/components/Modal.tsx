import { createContext, useContext, useEffect, useRef, useState, type HTMLAttributes, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
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
  /** The children place the toasts (`<ModalToasts />`), e.g. the lightbox over its stage rather than its side panel. */
  placesToasts?: boolean
  panelProps?: HTMLAttributes<HTMLDivElement> & Record<`data-${string}`, string | number | undefined>
  children: ReactNode
}

/** Whether the modal around this is the innermost one (the one that shows the toasts). */
const InnermostModal = createContext(false)

/** The toasts, where a modal with `placesToasts` wants them (only while it is the innermost one). */
export function ModalToasts() {
  return useContext(InnermostModal) ? <Toasts /> : null
}

/** A copy of a key press, sent again to the panel when the element that had focus went away. */
const copyKey = (e: globalThis.KeyboardEvent): globalThis.KeyboardEvent =>
  new globalThis.KeyboardEvent('keydown', {
    key: e.key,
    code: e.code,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    shiftKey: e.shiftKey,
    repeat: e.repeat,
    bubbles: true,
    cancelable: true,
  })

/**
 * The modal panel: rendered over everything, `aria-modal`, focus moved in on opening and given back on
 * closing, Tab kept inside, Escape closes. Keys never leak to a modal underneath, nor to the page. The
 * innermost modal shows the toasts, so messages about what is done inside it stay reachable.
 */
export function Modal({
  labelledBy,
  label,
  describedBy,
  role = 'dialog',
  className,
  onClose,
  onKeyDown,
  initialFocus,
  returnFocus,
  closeOnBackdrop = true,
  placesToasts = false,
  panelProps,
  children,
}: Props) {
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

  // A focused button that is disabled or removed (a finished action, a deleted output) drops focus to the page,
  // where the modal's keys would no longer reach it: focus comes back to the panel and the key is handled there.
  const innermost = top === token
  useEffect(() => {
    if (!innermost) return
    const recover = (e: globalThis.KeyboardEvent) => {
      const panel = panelRef.current
      const lost = document.activeElement === null || document.activeElement === document.body
      if (!lost || panel === null || !e.isTrusted) return
      panel.focus()
      const copy = copyKey(e)
      panel.dispatchEvent(copy)
      if (copy.defaultPrevented) e.preventDefault()
      e.stopPropagation()
    }
    document.addEventListener('keydown', recover, true)
    return () => document.removeEventListener('keydown', recover, true)
  }, [innermost])

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
        <InnermostModal.Provider value={innermost}>
          {children}
          {innermost && !placesToasts && <Toasts />}
        </InnermostModal.Provider>
      </div>
    </div>,
    document.body,
  )
}
