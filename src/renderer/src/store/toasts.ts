import type { SliceContext, ToastsSlice } from './types'

/** How long an info toast stays; errors stay until dismissed. */
export const TOAST_MS = 6000
const MAX_TOASTS = 3

export function createToastsSlice({ get, patch }: SliceContext): ToastsSlice {
  let next = 0
  return {
    items: [],
    show(toast) {
      const id = ++next
      patch('toasts', (s) => ({ items: [...s.items, { ...toast, id }].slice(-MAX_TOASTS) }))
      if (toast.tone === 'info') setTimeout(() => get().toasts.dismiss(id), TOAST_MS)
      return id
    },
    dismiss(id) {
      patch('toasts', (s) => (s.items.some((t) => t.id === id) ? { items: s.items.filter((t) => t.id !== id) } : {}))
    },
  }
}
