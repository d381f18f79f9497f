import type { CourierClient } from '@shared/client'
import { createCourierStore } from './store'
import { connectEvents, type EventDelivery } from './store/connect-events'
import { cryptoRandom } from './store/form-model'
import { connectLocation } from './store/location'
import { connectKeyboard } from './keyboard/connect-keyboard'
import { guardFileDrops } from './components/file-drop-guard'
import { takeDroppedFiles } from './store/dropped-files'
import { connectBrowserNotifications } from './notifications/browser-notifications'
import type { Runtime } from './store/context'

export interface BootOptions {
  storage?: Storage | null
  random?: () => number
  window?: Window
  /** `each` for tests that emit an event and read the store at once; the app gathers them per frame. */
  eventDelivery?: EventDelivery
}

export interface App extends Runtime {
  /** Closes the event subscription and the location sync. */
  dispose(): void
}

/** Builds the store, connects it to main's events and the URL hash, and starts the initial fetches. */
export function bootstrap(courier: CourierClient, options: BootOptions = {}): App {
  const controller = new AbortController()
  const store = createCourierStore({
    courier,
    storage: options.storage === undefined ? safeLocalStorage() : options.storage,
    random: options.random ?? cryptoRandom,
  })
  // Subscribe before fetching so nothing that happens during the fetches is missed; merges keep the newest copy.
  const win = options.window ?? window
  connectEvents(courier, store, controller.signal, options.eventDelivery ?? 'frame', win)
  connectLocation(store, win, controller.signal)
  connectKeyboard(store, win, controller.signal)
  guardFileDrops(win, controller.signal, (files) => void takeDroppedFiles(store, courier, files))
  connectBrowserNotifications({ courier, store, window: win, signal: controller.signal })
  void store.getState().app.load()
  return { store, courier, dispose: () => controller.abort() }
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}
