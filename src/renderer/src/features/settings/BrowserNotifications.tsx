import { useState } from 'react'
import { askForNotifications, notificationState, type NotificationState } from '../../notifications/browser-notifications'
import { useCourier } from '../../store/context'

const explained: Record<Exclude<NotificationState, 'unsupported'>, string> = {
  granted: 'On: when a run ends while this tab is in the background, your browser says so, with its picture. Click it to open the output.',
  default: 'Off: turn them on to hear when a run ends while you work in another tab or app.',
  denied: "Blocked by your browser: allow notifications for this page in the browser's site settings, then reload it.",
}

/**
 * Web mode only (the desktop app always uses the OS's notifications): lets the user allow the browser's
 * notifications, which the browser accepts only from a click.
 */
export function BrowserNotifications() {
  const mode = useCourier((s) => s.app.info?.mode)
  const [state, setState] = useState<NotificationState>(() => notificationState(window))
  if (mode !== 'web' || state === 'unsupported') return null
  return (
    <section className="card" aria-labelledby="settings-notifications">
      <h2 id="settings-notifications" className="card__title">
        Browser notifications
      </h2>
      <p className="field__help" data-notification-state={state}>
        {explained[state]}
      </p>
      {state === 'default' && (
        <button type="button" className="btn btn--small" onClick={() => void askForNotifications(window).then(setState)}>
          Turn on notifications
        </button>
      )}
    </section>
  )
}
