import { modalOpen } from '../components/modal-stack'
import type { CourierStore } from '../store/types'
import { globalShortcuts, matchesChord, shortcuts, type KeyPress, type Shortcut, type ShortcutId } from './shortcuts'

/** A sequence (G then R) must be finished within this pause. */
const SEQUENCE_MS = 1500

/** Inputs where typed letters are text; a checkbox or a button is not one. */
const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color', 'image', 'range'])

export function isTextEntry(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !NOT_TEXT.has(target.type)
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Meta', 'Alt', 'AltGraph', 'CapsLock'])

/** What each app-wide shortcut does; the keys themselves come from the shortcut table. */
function act(store: CourierStore, id: ShortcutId, win: Window): boolean {
  const s = store.getState()
  if (id === 'search') {
    // The view's own search box, when it has one (the Gallery's and the Webhooks' filter bars).
    const box = win.document.querySelector<HTMLInputElement>('main [role="search"] input[type="search"]')
    if (box === null) return false
    box.focus()
    box.select()
    return true
  }
  if (id === 'help') {
    s.nav.setHelpOpen(true)
    return true
  }
  if (id === 'generate.submit') {
    if (s.nav.view !== 'generate') return false
    // A grid or a prompt list is submitted by its own button (it has its own checks and estimate).
    if (s.grids.mode !== 'one') win.document.querySelector<HTMLButtonElement>('[data-compose-submit]:not(:disabled)')?.click()
    else void s.generate.submit()
    return true
  }
  const view = (shortcuts[id] as Shortcut).view
  if (view === undefined) return false
  s.nav.go(view)
  return true
}

/**
 * The app-wide keys (view switching, `?`, Ctrl/⌘+Enter in Generate), from one window listener. Keys a
 * control already handled (`defaultPrevented`), keys inside a modal (it keeps its own), and everything
 * while the first-run welcome is up are left alone; letters and `?` do nothing while typing in a text box.
 */
export function connectKeyboard(store: CourierStore, win: Window, signal: AbortSignal): void {
  const table = globalShortcuts()
  let pending: { key: KeyPress; at: number } | null = null

  win.addEventListener(
    'keydown',
    (e) => {
      if (e.defaultPrevented || e.repeat || MODIFIER_KEYS.has(e.key)) return
      const s = store.getState()
      if (s.app.state !== 'loaded' || s.settings.view?.onboarded === false || modalOpen()) {
        pending = null
        return
      }
      const typing = isTextEntry(e.target)
      const previous = pending !== null && e.timeStamp - pending.at <= SEQUENCE_MS ? pending.key : null
      pending = null
      for (const { id, keys, outsideText } of table) {
        if (typing && outsideText) continue
        const [first, second] = keys
        if (first === undefined) continue
        const hit = second === undefined ? matchesChord(first, e) : previous !== null && matchesChord(first, previous) && matchesChord(second, e)
        if (hit && act(store, id, win)) {
          e.preventDefault()
          return
        }
      }
      // The first key of a sequence waits for the second.
      if (!typing && table.some(({ keys }) => keys.length > 1 && keys[0] !== undefined && matchesChord(keys[0], e))) {
        pending = { key: { key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, shiftKey: e.shiftKey }, at: e.timeStamp }
      }
    },
    { signal },
  )
}
