import { views, type CourierStore, type View } from './types'

export function viewFromHash(hash: string): View | null {
  const name = hash.replace(/^#\/?/, '')
  return (views as readonly string[]).includes(name) ? (name as View) : null
}

/** Keeps the shown view and `#/view` in step, so reload and back/forward work (also under file:// in Electron). */
export function connectLocation(store: CourierStore, win: Window, signal: AbortSignal): void {
  const initial = viewFromHash(win.location.hash)
  if (initial !== null) store.getState().nav.go(initial)
  const unsubscribe = store.subscribe((state, previous) => {
    const view = state.nav.view
    if (view !== previous.nav.view && viewFromHash(win.location.hash) !== view) win.history.pushState(null, '', `#/${view}`)
  })
  win.addEventListener(
    'hashchange',
    () => {
      const view = viewFromHash(win.location.hash)
      if (view !== null && view !== store.getState().nav.view) store.getState().nav.go(view)
    },
    { signal },
  )
  signal.addEventListener('abort', unsubscribe, { once: true })
}
