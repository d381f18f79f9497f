/** Rate smoothing window: an exponentially weighted moving average with this time constant. */
export const RATE_WINDOW_MS = 2000
/** `downloading` events go out at most this often per file. */
export const PROGRESS_EVERY_MS = 250
const MIN_SPAN_MS = 50

export interface RateSample {
  bytesPerSecond: number | null
  etaSeconds: number | null
}

/**
 * Turns a stream of byte counts into a smoothed rate and an ETA. Each sample's instant rate is blended in
 * with weight 1 − e^(−Δt/τ), so the figure follows real changes within about τ = 2 s without jumping on
 * every chunk; the ETA is what is left at that rate. Time is injectable for tests.
 */
export class ProgressMeter {
  private rate: number | null = null
  private lastAt: number | null = null
  private lastBytes = 0
  private lastPublishAt = -Infinity

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts (or restarts, after a retry) measuring from `bytes` already on disk. */
  start(bytes: number): void {
    this.lastAt = this.now()
    this.lastBytes = bytes
  }

  /** Folds in the count so far; returns the current figures. */
  sample(bytes: number, total: number | null): RateSample {
    const at = this.now()
    if (this.lastAt === null) this.start(bytes)
    const dt = at - (this.lastAt ?? at)
    // Too short a span says nothing about the rate (and a zero one would read as 0 B/s).
    if (dt >= MIN_SPAN_MS) {
      const instant = ((bytes - this.lastBytes) * 1000) / dt
      const weight = 1 - Math.exp(-dt / RATE_WINDOW_MS)
      this.rate = this.rate === null ? instant : this.rate + weight * (instant - this.rate)
      this.lastAt = at
      this.lastBytes = bytes
    }
    const rate = this.rate
    const eta = rate !== null && rate > 0 && total !== null ? Math.max(0, (total - bytes) / rate) : null
    return { bytesPerSecond: rate === null ? null : Math.round(rate), etaSeconds: eta === null ? null : Math.round(eta * 10) / 10 }
  }

  /**
   * True when a `downloading` event may go out now (at most every 250 ms, or at once when `force`d: the
   * first after another state); records that it did.
   */
  due(force = false): boolean {
    const at = this.now()
    if (!force && at - this.lastPublishAt < PROGRESS_EVERY_MS) return false
    this.lastPublishAt = at
    return true
  }
}
