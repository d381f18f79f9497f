import type { RunCost } from '@shared/run'
import type { RunUsage } from '../providers/types'

/** A price for GPU time: what it is called, dollars per second, where it came from. */
export interface Price {
  /** What was priced, as shown to the user: a GPU (`A10G`), or a RunComfy tier and its SKU (`X-Large (AMPERE_48)`). */
  name: string
  usdPerSecond: number
  source: 'endpoint' | 'table' | 'simulated'
  /** RunComfy's SKU → tier mapping is not published: true when the tier was guessed, not chosen by the user. */
  guessed: boolean
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/**
 * What a run cost: its GPU seconds × the price of what it ran on. Always an estimate for a paid service, which
 * bills GPU sessions (cold start, execution and keep-warm) rather than runs; the Demo's is $0, and no estimate.
 * Null when nothing is known to price it by.
 */
export function priceRun(usage: RunUsage, price: Price | null, free: boolean): RunCost | null {
  const gpuSeconds = round(Math.max(0, usage.seconds), 3)
  if (free) return { gpuSeconds, usd: 0, estimated: false, gpu: price?.name ?? usage.gpu }
  if (price === null) return null
  return { gpuSeconds, usd: round(gpuSeconds * price.usdPerSecond, 6), estimated: true, gpu: price.name }
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
