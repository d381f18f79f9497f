// Sizes are counted in 1024s, so they are named so: 67,108,864 bytes is 64 MiB, not "64 MB".
const units = ['KiB', 'MiB', 'GiB', 'TiB']

/** "512 B", "2.0 KiB", "64 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** "8s", "1m 05s", "2h 03m". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`
  return `${s}s`
}

// Intl formatters are costly to make and cheap to reuse: a gallery row formats dozens of times per frame.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const clockToday = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
const clockOtherDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
const counts = new Intl.NumberFormat()

export function formatTime(ts: number): string {
  return dateTime.format(ts)
}

/** "14:03:22" today, else date and time. */
export function formatClock(ts: number, now = Date.now()): string {
  const d = new Date(ts)
  const today = new Date(now)
  const sameDay = today.getFullYear() === d.getFullYear() && today.getMonth() === d.getMonth() && today.getDate() === d.getDate()
  return sameDay ? clockToday.format(d) : clockOtherDay.format(d)
}

export const shortId = (id: string): string => (id.length > 10 ? id.slice(0, 8) : id)

/** A run's one short name, the same as in its files' names: see `shortRunId`. */
export { shortRunId } from '@shared/run-id'

const MINUTE = 60_000
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayThisYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
const dayOtherYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })

/**
 * When something happened, the one way the app says it: relative while recent ("just now", "5 min ago"),
 * the time today ("14:03"), "Yesterday 14:03", then the date ("Dec 4, 14:03"; another year: "Dec 4, 2025").
 * The exact moment goes in a tooltip (`formatTime`).
 */
export function formatWhen(ts: number, now = Date.now()): string {
  const ago = now - ts
  if (ago >= -MINUTE && ago < MINUTE) return 'just now'
  if (ago >= MINUTE && ago < 60 * MINUTE) return `${Math.floor(ago / MINUTE)} min ago`
  const d = new Date(ts)
  const today = new Date(now)
  const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
  if (sameDay(d, today)) return timeOnly.format(d)
  const yesterday = new Date(now)
  yesterday.setDate(yesterday.getDate() - 1)
  if (sameDay(d, yesterday)) return `Yesterday ${timeOnly.format(d)}`
  return d.getFullYear() === today.getFullYear() ? dayThisYear.format(d) : dayOtherYear.format(d)
}

export const percent = (progress: number): number => Math.round(Math.min(1, Math.max(0, progress)) * 100)

/** A media length as players show it: "0:07", "2:05", "1:02:03". */
export function formatMediaDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** "12 s", "3 min 05 s", "1 h 02 min": a download's time left. */
export function formatEta(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds))
  if (total < 60) return `${total} s`
  const m = Math.floor(total / 60)
  if (m < 60) return `${m} min ${String(total % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

/** "1,234" in the user's locale. */
export const formatCount = (n: number): string => counts.format(n)
