/**
 * A per-key token bucket: each key may spend `burst` requests at once and earns them back at `requests`
 * per `perMs`. Memory is bounded: a bucket that has refilled completely is the same as no bucket, so such
 * buckets are dropped, and past `maxKeys` the least recently used ones go first.
 */
export interface RateLimitOptions {
  /** Requests earned back per `perMs`. */
  requests: number
  perMs: number
  /** Bucket size: how many requests may arrive at once; default `requests`. */
  burst?: number
  /** Most keys kept at once; default 10 000. */
  maxKeys?: number
  now?: () => number
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number }

interface Bucket {
  tokens: number
  at: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly perMsRate: number
  private readonly burst: number
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(opts: RateLimitOptions) {
    if (!(opts.requests > 0) || !(opts.perMs > 0)) throw new RangeError('rate limit: requests and perMs must be > 0')
    this.perMsRate = opts.requests / opts.perMs
    this.burst = Math.max(1, opts.burst ?? opts.requests)
    this.maxKeys = Math.max(1, opts.maxKeys ?? 10_000)
    this.now = opts.now ?? Date.now
  }

  /** Spends one token of `key`'s bucket, or says how long until one is there. */
  take(key: string): RateDecision {
    const now = this.now()
    let bucket = this.buckets.get(key)
    if (bucket) {
      this.buckets.delete(key) // re-inserted below: the map's order is least recently used first
      bucket.tokens = this.refilled(bucket, now)
      bucket.at = now
    } else {
      if (this.buckets.size >= this.maxKeys) this.evict(now)
      bucket = { tokens: this.burst, at: now }
    }
    this.buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { ok: true }
    }
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMsRate)) }
  }

  /** Keys currently remembered (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMsRate)
  }

  /**
   * Drops every full bucket, then the least recently used ones until a quarter of the room is free, so a
   * sweep happens at most once per `maxKeys / 4` new keys.
   */
  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) if (this.refilled(bucket, now) >= this.burst) this.buckets.delete(key)
    const target = Math.floor((this.maxKeys * 3) / 4)
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break
      this.buckets.delete(key)
    }
  }
}
