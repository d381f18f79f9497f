import type { KeyboardEvent } from 'react'

/** What Tab can reach inside a dialog: enabled controls, links, players with controls, tabbable elements. */
const FOCUSABLE =
  'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), video[controls], audio[controls], [tabindex]:not([tabindex="-1"])'

/** Keeps Tab and Shift+Tab cycling inside a modal dialog, as its role promises. */
export function keepTabInside(e: KeyboardEvent<HTMLElement>, dialog: HTMLElement | null): void {
  if (e.key !== 'Tab' || dialog === null) return
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)]
  const first = items[0]
  const last = items[items.length - 1]
  if (first === undefined || last === undefined) return
  if (e.shiftKey && (document.activeElement === first || document.activeElement === dialog)) {
    e.preventDefault()
    last.focus()
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault()
    first.focus()
  }
}
