import { views, type CourierStore, type View } from './types'

export function viewFromHash(hash: string): View | null {
  const name = hash.replace(/^#\/?/, '')
  if (gridFromHash(hash) !== null) return 'runs'
  return (views as readonly string[]).includes(name) ? (name as View) : null
}

/** The grid a `#/grids/<id>` address shows (the live grid view, under Runs), or null. */
export function gridFromHash(hash: string): string | null {
  const m = /^#?\/?grids\/([A-Za-z0-9_-]{1,64})$/.exec(hash)
  return m?.[1] ?? null
}

/** The address of what the store shows: a grid's own, else its view's. */
const hashOf = (view: View, grid: string | null): string => (grid !== null ? `#/grids/${grid}` : `#/${view}`)

/** Keeps the shown view and `#/view` in step, so reload and back/forward work (also under file:// in Electron). */
export function connectLocation(store: CourierStore, win: Window, signal: AbortSignal): void {
  const initial = viewFromHash(win.location.hash)
  const initialGrid = gridFromHash(win.location.hash)
  if (initialGrid !== null) store.getState().nav.showGrid(initialGrid)
  else if (initial !== null) store.getState().nav.go(initial)
  // The first entry names its view too, so Back to it (from the Gallery, say) shows that view again.
  else if (win.location.hash.replace(/^#\/?/, '') === '') win.history.replaceState(win.history.state, '', `#/${store.getState().nav.view}`)
  const unsubscribe = store.subscribe((state, previous) => {
    const { view, grid } = state.nav
    if (view === previous.nav.view && grid === previous.nav.grid) return
    // After a layer's own history entry is taken back (a closed lightbox), not before: the step back would undo it.
    afterHistorySettles(() => {
      const now = store.getState().nav
      if (now.view === view && now.grid === grid && win.location.hash !== hashOf(view, grid)) win.history.pushState(null, '', hashOf(view, grid))
    })
  })
  win.addEventListener(
    'hashchange',
    () => {
      const grid = gridFromHash(win.location.hash)
      const nav = store.getState().nav
      if (grid !== null) {
        if (grid !== nav.grid) nav.showGrid(grid)
        return
      }
      const view = viewFromHash(win.location.hash)
      if (view !== null && (view !== nav.view || nav.grid !== null)) nav.go(view)
    },
    { signal },
  )
  signal.addEventListener('abort', unsubscribe, { once: true })
}

/** A step back that a closed layer asked for and the browser has yet to take. */
let settling: Promise<void> | null = null

/** Runs `fn` once the browser has taken the step back a closed layer asked for (at once when none is pending). */
export function afterHistorySettles(fn: () => void): void {
  if (settling === null) fn()
  else void settling.then(fn)
}

export interface HistoryLayer {
  /** Closed by the app (Escape, ×): its history entry is taken back, so Back then leaves the view as before. */
  close(): void
}

let layers = 0

/**
 * Something shown over the view (the lightbox) that browser Back closes: it gets a history entry of its own with
 * the same address, and `onBack` runs when the user goes back past it.
 */
export function openHistoryLayer(win: Window, onBack: () => void): HistoryLayer {
  const token = `layer-${++layers}`
  const ours = () => (win.history.state as { courierLayer?: string } | null)?.courierLayer === token
  win.history.pushState({ courierLayer: token }, '', win.location.href)
  let open = true
  const onPop = () => {
    if (!open || ours()) return
    open = false
    win.removeEventListener('popstate', onPop)
    onBack()
  }
  win.addEventListener('popstate', onPop)
  return {
    close() {
      if (!open) return
      open = false
      win.removeEventListener('popstate', onPop)
      // Only while its entry is the current one: after a view change it is history the user may go back to.
      if (!ours()) return
      const done = new Promise<void>((resolve) => {
        const settled = () => {
          win.removeEventListener('popstate', settled)
          clearTimeout(timer)
          if (settling === done) settling = null
          resolve()
        }
        // A browser that never answers (no history to go back in) does not hold navigation up for long.
        const timer = setTimeout(settled, 500)
        win.addEventListener('popstate', settled)
      })
      settling = done
      win.history.back()
    },
  }
}
