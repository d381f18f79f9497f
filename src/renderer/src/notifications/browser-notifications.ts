import type { CourierClient } from '@shared/client'
import { RunWatch, describeRunEnd, firstOutput } from '@shared/run-watch'
import type { Run } from '@shared/run'
import { thumbUrl } from '../api/media-url'
import type { CourierState, CourierStore } from '../store/types'

/** The page's Notification permission, or `unsupported` where the browser has no Notification API. */
export type NotificationState = NotificationPermission | 'unsupported'

type WithNotifications = Window & { Notification?: typeof Notification }

export function notificationState(win: Window): NotificationState {
  const api = (win as WithNotifications).Notification
  return api ? api.permission : 'unsupported'
}

/** Asks the browser (it shows its own prompt; only from a click). */
export async function askForNotifications(win: Window): Promise<NotificationState> {
  const api = (win as WithNotifications).Notification
  return api ? api.requestPermission() : 'unsupported'
}

export interface BrowserNotificationsDeps {
  /** For the ended run's outputs and their thumbnails; never subscribed to here (see below). */
  courier: Pick<CourierClient, 'invoke' | 'mediaUrl'>
  /** Where the app's info and the runs are read, as `connectEvents` and the start-up fetches keep them. */
  store: CourierStore
  window: Window
  signal: AbortSignal
}

/** The runs whose copy in the list changed between two states of the store (an event, an answer, a re-fetch). */
function changedRuns(now: readonly Run[], before: readonly Run[]): Run[] {
  if (now === before) return []
  const previous = new Map(before.map((run) => [run.id, run]))
  return now.filter((run) => previous.get(run.id) !== run)
}

/**
 * Web mode's counterpart of the desktop app's OS notifications: when a run ends while this tab is in the
 * background and the user allowed notifications, the browser shows one, with the first output's
 * thumbnail; clicking it brings the tab forward on that output (or on the run). The same `RunWatch` as the
 * desktop shell decides which updates end a run. Nothing here in the desktop app, whose main process
 * notifies by itself.
 *
 * It follows the store's runs rather than main's events: the window keeps one event stream
 * (`connectEvents`), and a run that ended while the stream was reconnecting still arrives, through the
 * re-fetch.
 */
export function connectBrowserNotifications({ courier, store, window: win, signal }: BrowserNotificationsDeps): void {
  const api = (win as WithNotifications).Notification
  if (!api) return
  const startedAt = Date.now()
  let watch: RunWatch | null = null

  const announce = async (run: Run): Promise<void> => {
    const outputs = run.status === 'succeeded' && run.outputCount > 0 ? await courier.invoke('outputs.list', { runId: run.id, limit: 100 }) : null
    const first = outputs?.ok ? firstOutput(outputs.value) : null
    const notice = describeRunEnd(run, first)
    const icon = first ? new URL(thumbUrl(courier, first.id), win.location.href).toString() : undefined
    const shown = new api(notice.title, { body: notice.body, tag: run.id, ...(icon ? { icon } : {}) })
    shown.onclick = () => {
      win.focus()
      store.getState().nav.open(notice.target)
      shown.close()
    }
  }

  const follow = (watching: RunWatch, runs: readonly Run[]): void => {
    for (const run of runs) {
      const ended = watching.update(run)
      // Someone looking at the tab sees the run end in Runs; the browser asks once, from Settings.
      if (!ended || win.document.visibilityState !== 'hidden' || api.permission !== 'granted') continue
      void announce(ended).catch(() => {})
    }
  }

  // Watching starts once start-up has the app's mode and the runs as they stood: those already final are
  // never announced.
  const ready = (s: CourierState) => s.app.info !== null && s.runs.status === 'loaded'
  function start(s: CourierState): void {
    if (s.app.info?.mode === 'web') watch = new RunWatch(s.runs.items, startedAt)
    else unsubscribe()
  }
  const unsubscribe = store.subscribe((s, before) => {
    if (watch !== null) follow(watch, changedRuns(s.runs.items, before.runs.items))
    else if (ready(s)) start(s)
  })
  signal.addEventListener('abort', unsubscribe, { once: true })
  if (ready(store.getState())) start(store.getState())
}
