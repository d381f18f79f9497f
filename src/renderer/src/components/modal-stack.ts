import { useSyncExternalStore } from 'react'

// The modals open now, innermost last: the innermost one hosts the toasts, so they stay inside the focus trap.
let stack: readonly symbol[] = []
const listeners = new Set<() => void>()

export function pushModal(token: symbol): void {
  stack = [...stack, token]
  listeners.forEach((l) => l())
}

export function popModal(token: symbol): void {
  stack = stack.filter((t) => t !== token)
  listeners.forEach((l) => l())
}

/** Whether any modal is open (for key handlers outside React). */
export const modalOpen = (): boolean => stack.length > 0

const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

/** The innermost open modal, or null when none is open. */
export function useTopModal(): symbol | null {
  return useSyncExternalStore(subscribe, () => stack[stack.length - 1] ?? null)
}
