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

/** The one subscription to main's events, made at start-up; components read the store and never subscribe. */
export function connectEvents(courier: CourierClient, store: CourierStore, signal: AbortSignal): void {
  courier.subscribe((event) => foldEvent(store, event), signal)
}
