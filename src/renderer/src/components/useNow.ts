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

// A second, slower clock for "5 min ago" labels: one shared interval, a render a minute, never a second.
const minuteListeners = new Set<() => void>()
let minuteNow = Date.now()
let minuteTimer: ReturnType<typeof setInterval> | undefined

function subscribeMinute(listener: () => void): () => void {
  minuteListeners.add(listener)
  if (minuteTimer === undefined) {
    minuteNow = Date.now()
    minuteTimer = setInterval(() => {
      minuteNow = Date.now()
      minuteListeners.forEach((l) => l())
    }, 30_000)
  }
  return () => {
    minuteListeners.delete(listener)
    if (minuteListeners.size === 0 && minuteTimer !== undefined) {
      clearInterval(minuteTimer)
      minuteTimer = undefined
    }
  }
}

const readMinute = (): number => minuteNow

/** The current time to the half minute, for relative dates ("5 min ago"): re-renders twice a minute. */
export function useMinuteNow(): number {
  return useSyncExternalStore(subscribeMinute, readMinute)
}
