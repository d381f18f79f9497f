import { useEffect, useRef } from 'react'
import { useCourier } from '../store/context'
import type { Toast } from '../store/types'
import { useTopModal } from './modal-stack'

/**
 * Short messages about what was just done ("Prompt copied", "Moved to the trash", "Started a new run" with
 * "Show run", "The form is back to its defaults" with "Undo"). Shown by the app, or by the innermost open
 * modal while one is open (see Modal). A toast stays while the pointer or the focus is on it.
 */
export function Toasts({ outside = false }: { outside?: boolean }) {
  const items = useCourier((s) => s.toasts.items)
  const top = useTopModal()
  if (outside && top !== null) return null
  return (
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {items.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  )
}

function ToastItem({ toast: t }: { toast: Toast }) {
  const dismiss = useCourier((s) => s.toasts.dismiss)
  const hold = useCourier((s) => s.toasts.hold)
  const actionRef = useRef<HTMLButtonElement>(null)
  // An "Undo" takes the focus once, when it appears, so the keyboard reaches it at once.
  useEffect(() => {
    if (t.focusAction) actionRef.current?.focus()
  }, [t.focusAction])
  return (
    <div
      className={`toast toast--${t.tone}`}
      role={t.tone === 'error' ? 'alert' : 'status'}
      data-toast-tone={t.tone}
      onMouseEnter={() => hold(t.id, true)}
      onMouseLeave={(e) => {
        if (!e.currentTarget.contains(document.activeElement)) hold(t.id, false)
      }}
      onFocus={() => hold(t.id, true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) hold(t.id, false)
      }}
    >
      <span className="toast__text">
        {t.text}
        {(t.count ?? 1) > 1 && (
          <>
            {' '}
            <span className="toast__count" aria-hidden="true">
              ×{t.count}
            </span>
            <span className="visually-hidden">({t.count} times)</span>
          </>
        )}
      </span>
      {t.action && (
        <button
          ref={actionRef}
          type="button"
          className="btn btn--small"
          onClick={() => {
            dismiss(t.id)
            t.action?.run()
          }}
        >
          {t.action.label}
        </button>
      )}
      <button type="button" className="icon-btn toast__close" aria-label="Dismiss notification" onClick={() => dismiss(t.id)}>
        ×
      </button>
    </div>
  )
}
