export interface BackoffOptions {
  /** First wait's ceiling (default 500 ms); each retry doubles it. */
  baseMs: number
  /** No wait's ceiling exceeds this (default 10 s). */
  capMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 10_000 }

/**
 * "Full jitter" (AWS Architecture Blog, *Exponential Backoff and Jitter*): a uniform wait between 0 and
 * min(cap, base·2^retry). Clients that failed together spread out instead of retrying in lock-step.
 * `retry` counts from 0; `random` is injectable for tests.
 */
export function fullJitter(retry: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, retry))
  return Math.floor(random() * ceiling)
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an HTTP date) as milliseconds from `now`;
 * null when absent or unreadable. A date in the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  if (!Number.isFinite(date)) return null
  return Math.max(0, date - now)
}
