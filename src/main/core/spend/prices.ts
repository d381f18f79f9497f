import type { ProviderId } from '@shared/run'
import type { PaidProvider, PriceTable, RunComfyPricing } from '@shared/spend'
import type { Logger } from '../log/logger'
import type { ProviderClient } from '../providers/types'
import { COMFYDEPLOY_USD_PER_SECOND, guessRunComfyTier, PRICE_TABLE_AS_OF, RUNCOMFY_USD_PER_HOUR } from './price-tables'
import type { Price } from './run-cost'
import type { SpendRepo } from './spend-repo'
import { dayKey } from './periods'

/** A price list read from an endpoint is used for a day, then read again (prices change rarely). */
const PRICE_LIST_TTL_MS = 24 * 3_600_000
/** How long a quote waits for a price list before it uses the one it has (or the table). */
const PRICE_WAIT_MS = 3_000

export interface PriceBookDeps {
  repo: SpendRepo
  runcomfyPricing: () => RunComfyPricing
  log: Logger
  now: () => number
  /** Your own ComfyUI (issue 19): the $/hour set for the server a workflow runs on (null: $0), by deployment. */
  hourlyRate?: (deploymentId: string) => { name: string; usdPerHour: number | null } | null
}

/** The GPU names of the services and the Demo are ComfyDeploy's (the Demo plays ComfyDeploy's API). */
const pricedByGpu = (provider: ProviderId) => provider !== 'runcomfy' && provider !== 'comfyui'

/**
 * What GPU time costs, per provider. ComfyDeploy's price list comes from its own endpoint (cached for a day,
 * kept across restarts), with the dated table standing in until it has been read or when it cannot be;
 * RunComfy publishes no endpoint, so its tier prices come from the table, by the plan and the tier the user
 * chose for the deployment (or the tier its hardware SKU most likely bills as). The Demo's prices are the
 * simulator's: shown as simulated, and never charged.
 */
export class PriceBook {
  private readonly reading = new Map<ProviderId, Promise<void>>()

  constructor(private readonly deps: PriceBookDeps) {}

  /** ComfyDeploy-style prices by GPU for a provider: its endpoint's last answer, else the table. */
  private gpuPrices(provider: ProviderId): { prices: Record<string, number>; source: Price['source']; asOf: string } {
    const read = this.deps.repo.priceList(provider)
    if (provider === 'demo') return { prices: read?.prices ?? { ...COMFYDEPLOY_USD_PER_SECOND }, source: 'simulated', asOf: read ? dayKey(read.readAt) : PRICE_TABLE_AS_OF }
    if (read) return { prices: read.prices, source: 'endpoint', asOf: dayKey(read.readAt) }
    return { prices: { ...COMFYDEPLOY_USD_PER_SECOND }, source: 'table', asOf: PRICE_TABLE_AS_OF }
  }

  /** The price of `hardware` (a GPU name, or a RunComfy SKU) for a run of `deploymentId`; null when unknown. */
  price(provider: ProviderId, hardware: string | null, deploymentId: string): Price | null {
    if (pricedByGpu(provider)) {
      if (hardware === null) return null
      const { prices, source } = this.gpuPrices(provider)
      const usdPerSecond = prices[hardware] ?? prices[hardware.toUpperCase()]
      return usdPerSecond === undefined ? null : { name: hardware, usdPerSecond, source, guessed: false }
    }
    if (provider === 'comfyui') {
      // GPU time on the user's own machine: free unless they set what an hour of it costs (a rented GPU).
      const rate = this.deps.hourlyRate?.(deploymentId) ?? null
      return { name: rate?.name ?? hardware ?? 'ComfyUI', usdPerSecond: (rate?.usdPerHour ?? 0) / 3600, source: 'table', guessed: false }
    }
    const pricing = this.deps.runcomfyPricing()
    const chosen = pricing.tiers[deploymentId]
    const tier = chosen ?? (hardware === null ? null : guessRunComfyTier(hardware))
    if (tier === null) return null
    return {
      name: hardware === null ? tier : `${tier} (${hardware})`,
      usdPerSecond: RUNCOMFY_USD_PER_HOUR[tier][pricing.plan] / 3600,
      source: 'table',
      guessed: chosen === undefined,
    }
  }

  /** Reads a provider's price list from its endpoint when it has one and the last reading is older than a day. */
  async ensureFresh(provider: ProviderId, client: ProviderClient | undefined, force = false): Promise<void> {
    if (!client?.gpuPricing) return
    const read = this.deps.repo.priceList(provider)
    if (!force && read && this.deps.now() - read.readAt < PRICE_LIST_TTL_MS) return
    let pending = this.reading.get(provider)
    if (!pending) {
      pending = this.read(provider, client).finally(() => this.reading.delete(provider))
      this.reading.set(provider, pending)
    }
    // A quote never waits long on a slow endpoint: the price it has (or the table) serves meanwhile.
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([pending, new Promise<void>((resolve) => (timer = setTimeout(resolve, PRICE_WAIT_MS)))])
    clearTimeout(timer)
  }

  private async read(provider: ProviderId, client: ProviderClient): Promise<void> {
    try {
      const prices = await client.gpuPricing!()
      const valid = Object.fromEntries(Object.entries(prices).filter(([, usd]) => Number.isFinite(usd) && usd >= 0))
      if (Object.keys(valid).length === 0) throw new Error('the price list was empty')
      this.deps.repo.savePriceList(provider, valid, this.deps.now())
    } catch (error) {
      this.deps.log.warn('price list not read; using the last one or the dated table', { provider, error: (error as Error).message })
    }
  }

  /** The prices in effect, per provider, for the Spend view. */
  tables(providers: readonly PaidProvider[]): PriceTable[] {
    const tables: PriceTable[] = []
    for (const provider of providers) {
      if (provider === 'comfydeploy') {
        const { prices, source, asOf } = this.gpuPrices('comfydeploy')
        tables.push({ provider, source, asOf, usdPerSecond: prices })
      } else {
        const plan = this.deps.runcomfyPricing().plan
        const usdPerSecond = Object.fromEntries(Object.entries(RUNCOMFY_USD_PER_HOUR).map(([tier, byPlan]) => [tier, byPlan[plan] / 3600]))
        tables.push({ provider, source: 'table', asOf: PRICE_TABLE_AS_OF, usdPerSecond })
      }
    }
    return tables
  }
}
