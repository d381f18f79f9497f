import { useCourier } from '../store/context'
import { useTopModal } from './modal-stack'

/**
 * Short messages about what was just done ("Prompt copied", "Moved to the trash", "Started a new run" with
 * "Show run"). Shown by the app, or by the innermost open modal while one is open (see Modal).
 */
export function Toasts({ outside = false }: { outside?: boolean }) {
  const items = useCourier((s) => s.toasts.items)
  const dismiss = useCourier((s) => s.toasts.dismiss)
  const top = useTopModal()
  if (outside && top !== null) return null
  return (
    <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} className={`toast toast--${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'} data-toast-tone={t.tone}>
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
      ))}
    </div>
  )
}
