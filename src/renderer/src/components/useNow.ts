import { useSyncExternalStore } from 'react'

/**
 * A clock shared by every label that reads it: one interval, running only while someone is subscribed,
 * so a screen of relative times costs one timer and one render per tick, not one per label.
 */
function sharedClock(everyMs: number): { subscribe(listener: () => void): () => void; read(): number } {
  const listeners = new Set<() => void>()
  let now = Date.now()
  let timer: ReturnType<typeof setInterval> | undefined
  return {
    subscribe(listener) {
      listeners.add(listener)
      if (timer === undefined) {
        now = Date.now()
        timer = setInterval(() => {
          now = Date.now()
          listeners.forEach((l) => l())
        }, everyMs)
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer)
          timer = undefined
        }
      }
    },
    read: () => now,
  }
}

// Elapsed times and countdowns tick every second; "5 min ago" labels twice a minute, never every second.
const seconds = sharedClock(1000)
const halfMinutes = sharedClock(30_000)
const still = (): (() => void) => () => {}

/** The current time, re-rendering every second while `live`; a fixed reading otherwise. */
export function useNow(live: boolean): number {
  return useSyncExternalStore(live ? seconds.subscribe : still, seconds.read)
}

/** The current time to the half minute, for relative dates ("5 min ago"): re-renders twice a minute. */
export function useMinuteNow(): number {
  return useSyncExternalStore(halfMinutes.subscribe, halfMinutes.read)
}
