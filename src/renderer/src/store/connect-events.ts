import type { CourierClient } from '@shared/client'
import type { CourierEvent } from '@shared/events'
import type { CourierStore } from './types'

/** Folds one event from main into the store. */
export function foldEvent(store: CourierStore, event: CourierEvent): void {
  const s = store.getState()
  switch (event.type) {
    case 'run.updated':
      s.runs.receive(event.run)
      return
    case 'output.saved':
      s.outputs.receive(event.output)
      return
    case 'download.progress':
      s.downloads.receive(event.progress)
      return
    case 'upload.progress':
      s.uploads.receiveProgress(event.progress)
      return
    case 'tunnel.changed':
      s.tunnel.receive(event.tunnel)
      return
    case 'webhook.received':
      s.webhooks.receive(event.webhook)
      return
    case 'app.open':
      s.nav.open(event.target)
      return
    case 'library.moving':
      s.settings.receiveLibraryMove(event.progress)
      return
    case 'library.importing':
      s.settings.receiveImport(event.progress)
      return
    case 'library.importRemoved':
      s.settings.receiveImportRemoved(event.importId, event.folder)
      return
    case 'spend.budget':
      s.spend.receiveAlert(event.alert)
      return
    case 'grid.updated':
      s.grids.receive(event.grid)
      return
  }
}

/**
 * How main's events reach the store. `frame` folds those that arrive before the next frame as one store change
 * (a 20×20 grid filling sends over a hundred events a second: folded one by one, each ran every cell's selector
 * and re-rendered, and frames ran long); `each` folds each as it arrives, for tests that emit and read at once.
 */
export type EventDelivery = 'frame' | 'each'

/** Gathered events wait at most this long where no frame comes (a hidden tab draws none). */
const MAX_WAIT_MS = 100

/** The one subscription to main's events, made at start-up; components read the store and never subscribe. */
export function connectEvents(courier: CourierClient, store: CourierStore, signal: AbortSignal, delivery: EventDelivery = 'frame', win: Window = window): void {
  if (delivery === 'each') {
    courier.subscribe((event) => foldEvent(store, event), signal)
    return
  }
  let waiting: CourierEvent[] = []
  let frame: number | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = () => {
    if (frame !== null) win.cancelAnimationFrame(frame)
    if (timer !== null) clearTimeout(timer)
    frame = null
    timer = null
    const events = waiting
    waiting = []
    // In arrival order, as one change.
    store.batch(() => {
      for (const event of events) foldEvent(store, event)
    })
  }
  courier.subscribe((event) => {
    waiting.push(event)
    if (timer !== null) return
    frame = win.requestAnimationFrame(flush)
    timer = setTimeout(flush, MAX_WAIT_MS)
  }, signal)
  signal.addEventListener('abort', () => {
    if (frame !== null) win.cancelAnimationFrame(frame)
    if (timer !== null) clearTimeout(timer)
  })
}
