import type { ProviderId } from '@shared/run'
import type { AccountStatus, PaidProvider } from '@shared/spend'
import type { Logger } from '../log/logger'
import type { ProviderClient } from '../providers/types'
import { dayKey, monthKey, monthStart } from './periods'
import type { SpendRepo } from './spend-repo'

/** A balance read more recently than this is not read again before a run (RunComfy's before-and-after). */
const BALANCE_FRESH_MS = 60_000

/**
 * The services' own account figures, read and kept: ComfyDeploy's usage (dollars per day, and the period's
 * total), RunComfy's balance (read before and after our runs, so its drops are what they cost). They are
 * what `actualUsd` is made of; a figure that could not be read is null, with the reason kept for the view.
 */
export class AccountFigures {
  private readonly status = new Map<PaidProvider, { readAt: number | null; message: string | null }>()

  constructor(private readonly deps: { repo: SpendRepo; log: Logger; now: () => number }) {}

  /** Reads what the service offers for this month (and the month before, early in a month) now. */
  async refresh(provider: PaidProvider, client: ProviderClient): Promise<void> {
    try {
      if (client.accountUsage) {
        const now = this.deps.now()
        const from = monthStart(now - 7 * 86_400_000) // last week's days stay right at a month's start
        const usage = await client.accountUsage({ fromMs: from, toMs: now })
        this.deps.repo.saveUsageDays(provider, usage.days, now)
        // The period's total stands for the month where the service gave no breakdown by day.
        if (usage.days.length === 0) this.deps.repo.saveUsageDays(provider, [{ day: monthKey(now), usd: usage.totalUsd }], now)
      } else if (client.balance) {
        this.deps.repo.addBalance(provider, await client.balance(), this.deps.now())
      } else {
        return
      }
      this.status.set(provider, { readAt: this.deps.now(), message: null })
    } catch (error) {
      const message = (error as Error).message
      this.status.set(provider, { readAt: this.status.get(provider)?.readAt ?? null, message })
      this.deps.log.warn('account figures not read', { provider, error: message })
    }
  }

  /** RunComfy: reads the balance around a run (before it, and once it ended), unless read within the minute. */
  noteRun(provider: ProviderId, client: ProviderClient | undefined, force = false): void {
    if (provider === 'demo' || provider === 'comfyui' || !client?.balance) return
    const last = this.deps.repo.lastBalance(provider)
    if (!force && last && this.deps.now() - last.at < BALANCE_FRESH_MS) return
    void this.refresh(provider, client)
  }

  accountStatus(provider: PaidProvider, configured: boolean): AccountStatus {
    const known = this.status.get(provider)
    const source = provider === 'comfydeploy' ? 'usage' : 'balance'
    const balance = provider === 'runcomfy' ? (this.deps.repo.lastBalance(provider) ?? null) : null
    return {
      provider,
      source,
      readAt: known?.readAt ?? balance?.at ?? null,
      balanceUsd: balance?.usd ?? null,
      message: configured ? (known?.message ?? null) : 'No API key: the account cannot be read.',
    }
  }

  /**
   * What the service's own figures say a provider spent, per local day: ComfyDeploy's usage by day;
   * RunComfy's balance drops, each on the day of the reading that saw it (a rise is a top-up, not spend).
   */
  actualByDay(provider: ProviderId): Map<string, number> {
    if (provider === 'demo') return new Map()
    if (provider === 'comfydeploy') {
      return new Map([...this.deps.repo.usageDays(provider)].filter(([key]) => key.length === 10))
    }
    const byDay = new Map<string, number>()
    const readings = this.deps.repo.balances(provider)
    for (let i = 1; i < readings.length; i++) {
      const drop = readings[i - 1]!.usd - readings[i]!.usd
      const day = dayKey(readings[i]!.at)
      byDay.set(day, (byDay.get(day) ?? 0) + Math.max(0, drop))
    }
    // A day with readings and no drop spent nothing, which is a figure too.
    for (const reading of readings) if (!byDay.has(dayKey(reading.at))) byDay.set(dayKey(reading.at), 0)
    return byDay
  }

  /** Month totals the service gave without a breakdown by day (`2026-12` → dollars). */
  actualMonthTotals(provider: ProviderId): Map<string, number> {
    if (provider !== 'comfydeploy') return new Map()
    return new Map([...this.deps.repo.usageDays(provider)].filter(([key]) => key.length === 7))
  }
}
