import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { CourierClient } from '@shared/client'
import type { CourierState, CourierStore, View } from './types'

export interface Runtime {
  store: CourierStore
  courier: CourierClient
}

const RuntimeContext = createContext<Runtime | null>(null)

export function RuntimeProvider({ runtime, children }: { runtime: Runtime; children: ReactNode }) {
  return <RuntimeContext.Provider value={runtime}>{children}</RuntimeContext.Provider>
}

function useRuntime(): Runtime {
  const runtime = useContext(RuntimeContext)
  if (runtime === null) throw new Error('RuntimeProvider is missing above this component')
  return runtime
}

/** Reads from the store; pass `useShallow(…)` for selectors that build new arrays or objects. */
export function useCourier<T>(selector: (state: CourierState) => T): T {
  return useStore(useRuntime().store, selector)
}

/**
 * Opens a view, or null outside a RuntimeProvider (so components such as ErrorNotice also render on their
 * own). It reads no state, so it never re-renders its caller.
 */
export function useOpenView(): ((view: View) => void) | null {
  const runtime = useContext(RuntimeContext)
  if (runtime === null) return null
  return (view) => runtime.store.getState().nav.go(view)
}

/** For `mediaUrl`; calls go through store actions. */
export function useCourierClient(): CourierClient {
  return useRuntime().courier
}
