import type { ErrorCode } from '@shared/errors'
import { failureText } from '../components/failure-text'
import { openBudgets } from './spend'
import type { SliceContext, Toast, ToastsSlice } from './types'

/** How long an info toast stays; errors stay until dismissed. */
export const TOAST_MS = 6000
const MAX_TOASTS = 3

/** Codes the user fixes in Settings (a missing or refused key). */
export const fixedInSettings = (code: ErrorCode): boolean =>
  code === 'PROVIDER_AUTH' || code === 'NOT_CONFIGURED' || code === 'PROVIDER_NAME_NOT_FOUND' || code === 'PROVIDER_TLS' || code === 'BUDGET_EXCEEDED'

/** Codes where the same request may well work a moment later (a network hiccup, a busy service). */
export const worthRetrying = (code: ErrorCode): boolean =>
  code === 'INTERNAL' ||
  code === 'PROVIDER_UNAVAILABLE' ||
  code === 'PROVIDER_TIMEOUT' ||
  code === 'PROVIDER_RATE_LIMITED' ||
  code === 'PROVIDER_BAD_REPLY' ||
  code === 'PROVIDER_OFFLINE' ||
  code === 'PROVIDER_CONNECTION_REFUSED'

export function createToastsSlice({ get, patch }: SliceContext): ToastsSlice {
  let next = 0
  const timers = new Map<number, ReturnType<typeof setTimeout>>()
  const expire = (id: number): void => {
    clearTimeout(timers.get(id))
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id)
        get().toasts.dismiss(id)
      }, TOAST_MS),
    )
  }
  return {
    items: [],
    show(toast) {
      const same = get().toasts.items.find((t) => t.tone === toast.tone && t.text === toast.text)
      const id = same?.id ?? ++next
      const shown: Toast = { ...toast, id, count: same ? (same.count ?? 1) + 1 : 1 }
      if (!shown.action) delete shown.action
      // Shown again, it moves to the end (newest) rather than stacking a copy.
      patch('toasts', (s) => ({ items: [...s.items.filter((t) => t.id !== id), shown].slice(-MAX_TOASTS) }))
      clearTimeout(timers.get(id))
      timers.delete(id)
      if (toast.tone === 'info') expire(id)
      return id
    },
    failure(what, failure, retry) {
      // The next step, where there is one: a key to fix in Settings, or the same request again.
      const action: Toast['action'] =
        failure.code === 'BUDGET_EXCEEDED'
          ? { label: 'Open budgets', run: () => openBudgets(get().nav.go) }
          : fixedInSettings(failure.code)
        ? { label: 'Open Settings', run: () => get().nav.go('settings') }
        : retry !== undefined && worthRetrying(failure.code)
          ? { label: 'Retry', run: retry }
          : undefined
      return get().toasts.show({ tone: 'error', text: `${what}: ${failureText(failure)}`, ...(action ? { action } : {}) })
    },
    hold(id, on) {
      if (!timers.has(id)) return
      if (on) clearTimeout(timers.get(id))
      else expire(id)
    },
    dismiss(id) {
      clearTimeout(timers.get(id))
      timers.delete(id)
      patch('toasts', (s) => (s.items.some((t) => t.id === id) ? { items: s.items.filter((t) => t.id !== id) } : {}))
    },
  }
}
