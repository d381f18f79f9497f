import type { ProviderId, Run, RunCost } from '@shared/run'

/**
 * Money and GPU time, the one way the app writes them (run rows, batches, the lightbox, Generate's estimate,
 * the Spend view). Dollars always in US format ("$1,234.50"): the services bill in USD whatever the locale.
 */

const cents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 })
const mills = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 3 })
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const tenth = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })

/**
 * "$0.00" for nothing, "< $0.01" under a cent, "$0.014" under a dollar (a third decimal where it says
 * something), "$1.23" and "$1,234.50" above. Negative amounts (a difference) keep their sign: "−$0.40".
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—'
  if (usd === 0) return '$0.00'
  const abs = Math.abs(usd)
  const sign = usd < 0 ? '−' : ''
  if (abs < 0.01) return `${sign}< $0.01`
  return sign + (abs < 1 ? mills.format(abs) : cents.format(abs))
}

/** A difference: "+$0.20", "−$0.17", and "< $0.01" (no sign) for one under a cent either way. */
export function formatUsdDelta(usd: number): string {
  if (!Number.isFinite(usd)) return '—'
  if (Math.abs(usd) < 0.01) return usd === 0 ? '$0.00' : '< $0.01'
  return usd > 0 ? `+${formatUsd(usd)}` : formatUsd(usd)
}

/** "≈ $0.05": an estimate said as one. */
export const formatUsdEstimate = (usd: number): string => (usd > 0 && usd < 0.01 ? '< $0.01' : `≈ ${formatUsd(usd)}`)

/** The raw figure for a CSV cell: dot decimals, no symbol, six places at most ("0.014375"). */
export function usdCell(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return ''
  return String(Math.round(usd * 1e6) / 1e6)
}

/** "42 GPU-s", "4.2 GPU-s", "1,234 GPU-s". */
export function formatGpuSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0 GPU-s'
  return `${seconds < 10 ? tenth.format(seconds) : whole.format(Math.round(seconds))} GPU-s`
}

/** "$1.21/h" from a price per second: how the services' price pages say it. */
export function formatHourly(usdPerSecond: number): string {
  return `${formatUsd(usdPerSecond * 3600)}/h`
}

/** What the "est." marker's tooltip says, everywhere a cost is an estimate. */
export const ESTIMATE_NOTE =
  'Estimated from the run’s own GPU time and the price of its GPU. The service bills whole GPU sessions, cold start and keep-warm time included, so your bill may be a little higher; the Spend view sets both side by side.'

export const DEMO_COST_TEXT = 'Free (Demo)'

/** What a run's cost says in a row: "$0.014 · 42 GPU-s", "Free (Demo)", or null while nothing is known yet. */
export function runCostText(run: Pick<Run, 'provider' | 'cost'>): string | null {
  if (run.provider === 'demo') return DEMO_COST_TEXT
  if (run.cost === null) return null
  return `${formatUsd(run.cost.usd)} · ${formatGpuSeconds(run.cost.gpuSeconds)}`
}

export interface CostSum {
  usd: number
  gpuSeconds: number
  /** Any of the costs summed is an estimate. */
  estimated: boolean
  /** How many of the runs have a cost so far. */
  priced: number
  total: number
  /** Every run is the Demo's (free). */
  free: boolean
}

/** The costs of several runs (a batch) added up, saying how many are known yet. */
export function sumCosts(runs: ReadonlyArray<Pick<Run, 'provider' | 'cost'>>): CostSum {
  let usd = 0
  let gpuSeconds = 0
  let estimated = false
  let priced = 0
  for (const run of runs) {
    const cost: RunCost | null = run.cost
    if (cost === null) continue
    usd += cost.usd
    gpuSeconds += cost.gpuSeconds
    estimated ||= cost.estimated
    priced++
  }
  return { usd, gpuSeconds, estimated, priced, total: runs.length, free: runs.length > 0 && runs.every((r) => r.provider === 'demo') }
}

export const providerNames: Record<ProviderId, string> = { demo: 'Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy', comfyui: 'ComfyUI' }
