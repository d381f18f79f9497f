import type { SpendGroupBy } from '@shared/spend'

/**
 * Days, ISO weeks and months in the core's local time: a creator's "today" and "this month" are their own,
 * not UTC's. Every spend figure is grouped by these keys (`2026-12-06`, `2026-W49`, `2026-12`).
 */
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

export function dayKey(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export function monthKey(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
}

/** The ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday). */
export function weekKey(ms: number): string {
  const d = new Date(ms)
  // A week belongs to the year of its Thursday, and is that Thursday's seventh of the year (rounded up).
  const thursday = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 3 - ((d.getDay() + 6) % 7))
  const ordinal = Math.round((thursday.getTime() - new Date(thursday.getFullYear(), 0, 1).getTime()) / 86_400_000) + 1
  return `${thursday.getFullYear()}-W${pad(Math.ceil(ordinal / 7))}`
}

/** The first millisecond of the local month holding `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms)
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime()
}

/** The first millisecond of the next local month. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms)
  return new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime()
}

/** The key of `ms` for a time grouping. */
export function periodKey(groupBy: Extract<SpendGroupBy, 'day' | 'week' | 'month'>, ms: number): string {
  return groupBy === 'day' ? dayKey(ms) : groupBy === 'week' ? weekKey(ms) : monthKey(ms)
}

/** The local midnight a `YYYY-MM-DD` day key starts at. */
export function dayStart(key: string): number {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number]
  return new Date(y, m - 1, d).getTime()
}

/**
 * A `spend.summary` bound as epoch ms: numbers as they are; a date (`2026-12-31`) is its local midnight, or for
 * `to` the end of that day, so a range of dates includes its last day; a date-time as written.
 */
export function momentMs(value: number | string, edge: 'from' | 'to'): number {
  if (typeof value === 'number') return value
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = dayStart(value)
    return edge === 'to' ? new Date(new Date(start).setDate(new Date(start).getDate() + 1)).getTime() : start
  }
  return Date.parse(value)
}
