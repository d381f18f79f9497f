/**
 * The Spend view's ranges and periods, in local time as core counts them (`spend.summary`'s keys: `2026-12-06`,
 * `2026-W49`, `2026-12`). Pure: every function takes "now" from its caller.
 */

export type RangeKind = 'month' | '30d' | 'week' | 'custom'
export type PeriodGroup = 'day' | 'week' | 'month'

export interface SpendRange {
  /** First millisecond in the range. */
  from: number
  /** Last millisecond in the range (inclusive: whatever core makes of `to`, nothing after it is counted). */
  to: number
  /** "December 2026", "Last 30 days", "This week". */
  label: string
  /** For the CSV's file name: `2026-12`, `2026-11-07_2026-12-06`. */
  slug: string
}

export interface Period {
  key: string
  from: number
  to: number
  /** Short, for a chart's axis: "Dec 6", "W49", "Dec 2026". */
  label: string
}

const pad = (n: number): string => String(n).padStart(2, '0')

export const localDayKey = (ts: number): string => {
  const d = new Date(ts)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export const localMonthKey = (ts: number): string => {
  const d = new Date(ts)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
}

/** ISO 8601 week of a local date: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeekKey(ts: number): string {
  const d = new Date(ts)
  const day = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()))
  const weekday = day.getUTCDay() || 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday)
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1)
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7)
  return `${day.getUTCFullYear()}-W${pad(week)}`
}

const startOfDay = (ts: number): number => {
  const d = new Date(ts)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
}
const addDays = (ts: number, days: number): number => {
  const d = new Date(ts)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime()
}
const startOfWeek = (ts: number): number => {
  const d = new Date(startOfDay(ts))
  return addDays(d.getTime(), -((d.getDay() + 6) % 7))
}
const startOfMonth = (ts: number): number => {
  const d = new Date(ts)
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime()
}
const addMonths = (ts: number, months: number): number => {
  const d = new Date(ts)
  return new Date(d.getFullYear(), d.getMonth() + months, 1).getTime()
}

const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric' })
const monthShort = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric' })
const dayShort = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric' })

/** "2026-12" → the first millisecond of that month; null for anything else. */
export function parseMonth(month: string): number | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  if (m === null) return null
  const year = Number(m[1])
  const index = Number(m[2]) - 1
  if (index < 0 || index > 11 || year < 2000 || year > 2999) return null
  return new Date(year, index, 1).getTime()
}

/** "December 2026" for `2026-12`. */
export function monthLabel(month: string): string {
  const start = parseMonth(month)
  return start === null ? month : monthName.format(start)
}

/** The range a choice of the Spend view's range bar stands for. `month` is the custom month (`2026-11`). */
export function rangeOf(kind: RangeKind, now: number, month?: string): SpendRange {
  if (kind === 'week') {
    const from = startOfWeek(now)
    const to = addDays(from, 7) - 1
    return { from, to, label: `This week (${dayShort.format(from)} – ${dayShort.format(to)})`, slug: `${localDayKey(from)}_${localDayKey(to)}` }
  }
  if (kind === '30d') {
    const to = addDays(startOfDay(now), 1) - 1
    const from = addDays(startOfDay(now), -29)
    return { from, to, label: `Last 30 days (${dayShort.format(from)} – ${dayShort.format(to)})`, slug: `${localDayKey(from)}_${localDayKey(to)}` }
  }
  const chosen = kind === 'custom' && month !== undefined ? parseMonth(month) : null
  const from = chosen ?? startOfMonth(now)
  const to = addMonths(from, 1) - 1
  return { from, to, label: monthName.format(from), slug: localMonthKey(from) }
}

/** The periods of a range, each clipped to it, oldest first, keyed as core keys `spend.summary`'s rows. */
export function periodsOf(range: SpendRange, group: PeriodGroup): Period[] {
  const periods: Period[] = []
  const starts = group === 'day' ? startOfDay : group === 'week' ? startOfWeek : startOfMonth
  const next = (ts: number): number => (group === 'day' ? addDays(ts, 1) : group === 'week' ? addDays(ts, 7) : addMonths(ts, 1))
  for (let start = starts(range.from); start <= range.to && periods.length < 400; start = next(start)) {
    const from = Math.max(start, range.from)
    const to = Math.min(next(start) - 1, range.to)
    const key = group === 'day' ? localDayKey(start) : group === 'week' ? isoWeekKey(start) : localMonthKey(start)
    const label = group === 'day' ? dayShort.format(start) : group === 'week' ? `${key.slice(5)} (${dayShort.format(from)})` : monthShort.format(start)
    periods.push({ key, from, to, label })
  }
  return periods
}

/** The last twelve months up to now's, newest first: the custom month picker's choices. */
export function recentMonths(now: number, count = 12): string[] {
  return Array.from({ length: count }, (_, i) => localMonthKey(addMonths(startOfMonth(now), -i)))
}
