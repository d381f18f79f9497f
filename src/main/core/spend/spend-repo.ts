import type { ProviderId } from '@shared/run'
import { first, statement, type Db } from '../store/database'

/** A run as spend figures see it. */
export interface SpendRun {
  provider: ProviderId
  deploymentId: string
  deploymentName: string
  createdAt: number
  gpuSeconds: number | null
  usd: number | null
}

/**
 * The SQL of spend, and nothing else: reads of the `runs` table (whose one writer stays the run ledger), and
 * the services' own figures as last read (`account_usage`, `balance_readings`, `price_lists`).
 */
export class SpendRepo {
  constructor(private readonly db: Db) {}

  /**
   * What a provider's month holds so far: the cost of every run priced; the estimate of each run still under
   * way (or ended without a price yet); nothing for a run the service never received.
   */
  committedUsd(provider: ProviderId, fromMs: number, toMs: number): number {
    const row = first<{ usd: number | null }>(
      statement(
        this.db,
        `SELECT SUM(CASE
            WHEN cost_usd IS NOT NULL THEN cost_usd
            WHEN status IN ('failed', 'cancelled', 'timed_out') AND provider_run_id IS NULL THEN 0
            ELSE COALESCE(estimate_usd, 0) END) AS usd
         FROM runs WHERE provider = ? AND created_at >= ? AND created_at < ?`,
      ).all(provider, fromMs, toMs),
    )
    return row?.usd ?? 0
  }

  /** The priced runs of a deployment, newest first: what its next runs are estimated from. */
  recentCosts(provider: ProviderId, deploymentId: string, limit: number): { usd: number; gpuSeconds: number; gpu: string | null }[] {
    return (
      statement(
        this.db,
        `SELECT cost_usd AS usd, cost_gpu_seconds AS gpuSeconds, cost_gpu AS gpu FROM runs
         WHERE provider = ? AND deployment_id = ? AND status = 'succeeded' AND cost_usd IS NOT NULL
         ORDER BY created_at DESC LIMIT ?`,
      ).all(provider, deploymentId, limit) as { usd: number; gpuSeconds: number; gpu: string | null }[]
    ).map(({ usd, gpuSeconds, gpu }) => ({ usd, gpuSeconds, gpu }))
  }

  /** Runs created in a range, for grouping. */
  runsBetween(fromMs: number, toMs: number): SpendRun[] {
    return (
      statement(
        this.db,
        `SELECT provider, deployment_id, deployment_name, created_at, cost_gpu_seconds, cost_usd FROM runs
         WHERE created_at >= ? AND created_at < ? ORDER BY created_at`,
      ).all(fromMs, toMs) as {
        provider: ProviderId
        deployment_id: string
        deployment_name: string
        created_at: number
        cost_gpu_seconds: number | null
        cost_usd: number | null
      }[]
    ).map((row) => ({
      provider: row.provider,
      deploymentId: row.deployment_id,
      deploymentName: row.deployment_name,
      createdAt: row.created_at,
      gpuSeconds: row.cost_gpu_seconds,
      usd: row.cost_usd,
    }))
  }

  /** The names of deployments that have runs, `{provider}/{deploymentId}` → the latest name. */
  deploymentNames(): Record<string, string> {
    const rows = statement(
      this.db,
      `SELECT provider, deployment_id, deployment_name FROM runs WHERE rowid IN (SELECT MAX(rowid) FROM runs GROUP BY provider, deployment_id)`,
    ).all() as { provider: string; deployment_id: string; deployment_name: string }[]
    return Object.fromEntries(rows.map((row) => [`${row.provider}/${row.deployment_id}`, row.deployment_name]))
  }

  // ── the services' own figures ──────────────────────────────────────────────────────────────────

  saveUsageDays(provider: ProviderId, days: readonly { day: string; usd: number }[], at: number): void {
    const upsert = statement(
      this.db,
      `INSERT INTO account_usage (provider, day, usd, read_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (provider, day) DO UPDATE SET usd = excluded.usd, read_at = excluded.read_at`,
    )
    this.db.transaction(() => {
      for (const { day, usd } of days) upsert.run(provider, day, usd, at)
    })()
  }

  /** Dollars per day (or per month, for a total without a breakdown) as the service reported them. */
  usageDays(provider: ProviderId): Map<string, number> {
    const rows = statement(this.db, 'SELECT day, usd FROM account_usage WHERE provider = ?').all(provider) as { day: string; usd: number }[]
    return new Map(rows.map((row) => [row.day, row.usd]))
  }

  addBalance(provider: ProviderId, usd: number, at: number): void {
    statement(this.db, 'INSERT INTO balance_readings (provider, at, usd) VALUES (?, ?, ?)').run(provider, at, usd)
  }

  balances(provider: ProviderId): { at: number; usd: number }[] {
    return statement(this.db, 'SELECT at, usd FROM balance_readings WHERE provider = ? ORDER BY at').all(provider) as { at: number; usd: number }[]
  }

  lastBalance(provider: ProviderId): { at: number; usd: number } | undefined {
    return first(statement(this.db, 'SELECT at, usd FROM balance_readings WHERE provider = ? ORDER BY at DESC LIMIT 1').all(provider))
  }

  savePriceList(provider: ProviderId, prices: Record<string, number>, at: number): void {
    statement(
      this.db,
      `INSERT INTO price_lists (provider, prices, read_at) VALUES (?, ?, ?)
       ON CONFLICT (provider) DO UPDATE SET prices = excluded.prices, read_at = excluded.read_at`,
    ).run(provider, JSON.stringify(prices), at)
  }

  priceList(provider: ProviderId): { prices: Record<string, number>; readAt: number } | undefined {
    const row = first<{ prices: string; read_at: number }>(statement(this.db, 'SELECT prices, read_at FROM price_lists WHERE provider = ?').all(provider))
    if (!row) return undefined
    try {
      return { prices: JSON.parse(row.prices) as Record<string, number>, readAt: row.read_at }
    } catch {
      return undefined
    }
  }
}
