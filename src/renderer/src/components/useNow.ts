import { useSyncExternalStore } from 'react'

// One shared one-second clock for every elapsed-time label, running only while someone shows a live one.
const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | undefined

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (timer === undefined) {
    now = Date.now()
    timer = setInterval(() => {
      now = Date.now()
      listeners.forEach((l) => l())
    }, 1000)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

const still = (): (() => void) => () => {}
const read = (): number => now

/** The current time, re-rendering every second while `live`; a fixed reading otherwise. */
export function useNow(live: boolean): number {
  return useSyncExternalStore(live ? subscribe : still, read)
}
