import { describe, expect, it } from 'vitest'
import { fullJitter, parseRetryAfter } from './backoff'

describe('fullJitter', () => {
  it('waits a uniform share of a ceiling that doubles up to the cap', () => {
    const options = { baseMs: 500, capMs: 10_000 }
    expect([0, 1, 2, 3, 4, 5, 10].map((retry) => fullJitter(retry, options, () => 0.999999))).toEqual([499, 999, 1999, 3999, 7999, 9999, 9999])
    expect(fullJitter(3, options, () => 0)).toBe(0)
    expect(fullJitter(2, options, () => 0.5)).toBe(1000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2025-06-01T12:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(undefined, now)).toBeNull()
  })
})
