import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limit'

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t }
  return c
}

describe('RateLimiter', () => {
  it('lets a burst through, then refuses with the wait until the next token', () => {
    const c = clock()
    const limiter = new RateLimiter({ requests: 60, perMs: 10_000, now: c.now })
    for (let i = 0; i < 60; i++) expect(limiter.take('a')).toEqual({ ok: true })
    // One token every 10 000 / 60 ≈ 166.7 ms.
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 167 })
    c.t += 100
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 67 })
    c.t += 67
    expect(limiter.take('a')).toEqual({ ok: true })
    expect(limiter.take('a').ok).toBe(false)
  })

  it('refills at the configured rate, never above the burst', () => {
    const c = clock()
    const limiter = new RateLimiter({ requests: 2, perMs: 1000, burst: 3, now: c.now })
    for (let i = 0; i < 3; i++) expect(limiter.take('a').ok).toBe(true)
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 500 })
    c.t += 60_000 // idle a long time: back to the burst, not to 120 tokens
    for (let i = 0; i < 3; i++) expect(limiter.take('a').ok).toBe(true)
    expect(limiter.take('a').ok).toBe(false)
  })

  it('refused requests do not dig the hole deeper', () => {
    const c = clock()
    const limiter = new RateLimiter({ requests: 1, perMs: 1000, now: c.now })
    expect(limiter.take('a').ok).toBe(true)
    for (let i = 0; i < 50; i++) expect(limiter.take('a').ok).toBe(false)
    c.t += 1000
    expect(limiter.take('a').ok).toBe(true)
  })

  it('keeps one bucket per key', () => {
    const c = clock()
    const limiter = new RateLimiter({ requests: 1, perMs: 1000, now: c.now })
    expect(limiter.take('a').ok).toBe(true)
    expect(limiter.take('a').ok).toBe(false)
    expect(limiter.take('b').ok).toBe(true)
    expect(limiter.take('b').ok).toBe(false)
  })

  it('drops refilled buckets before busy ones when it runs out of room', () => {
    const c = clock()
    const limiter = new RateLimiter({ requests: 1, perMs: 1000, maxKeys: 4, now: c.now })
    for (const key of ['a', 'b', 'c']) limiter.take(key)
    c.t += 2000 // a, b and c are full again: the same as never seen
    limiter.take('busy')
    expect(limiter.size).toBe(4)
    limiter.take('d')
    expect(limiter.size).toBe(2)
    expect(limiter.take('busy').ok).toBe(false)
    expect(limiter.take('a').ok).toBe(true)
  })

  it('under a flood of fresh keys, evicts the least recently used and stays bounded', () => {
    const c = clock()
    const limiter = new RateLimiter({ requests: 1, perMs: 60_000, maxKeys: 100, now: c.now })
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`flood-${i}`)
      expect(limiter.size).toBeLessThanOrEqual(100)
    }
    limiter.take('recent')
    expect(limiter.take('recent').ok).toBe(false)
    expect(limiter.take('flood-9999').ok).toBe(false)
  })

  it('rejects a nonsense configuration', () => {
    expect(() => new RateLimiter({ requests: 0, perMs: 1000 })).toThrow(RangeError)
    expect(() => new RateLimiter({ requests: 1, perMs: Number.NaN })).toThrow(RangeError)
  })
})
