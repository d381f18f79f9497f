/**
 * The simulator's own books: what each run or request it played used and cost, by the same session model
 * its usage, machine-events and balance routes report from, so tests can compare the app's figures with
 * the simulator's (`GET /__sim/ledger`).
 *
 * The model: every run gets a GPU session of its own (the real services share a warm container between
 * runs; one session per run keeps the arithmetic checkable). A session spans
 * - ComfyDeploy: from `queued_at` (the container has the input) to `ended_at`, plus the keep-warm tail;
 * - RunComfy: from `created_at` (the wake signal) to `finished_at`, plus the keep-warm tail;
 * and a RunComfy request cancelled while still queued opens none. So what the account is billed exceeds
 * the client's per-run estimate (`estimateUsd`, the same span without the tail) by exactly the keep-warm.
 */

export type LedgerProvider = 'comfydeploy' | 'runcomfy'

/**
 * The idle time billed after each run, at timeScale 1. The seeded deployments say 60 s (ComfyDeploy's
 * `idle_timeout`, RunComfy's `keep_warm_duration_in_seconds`); the simulator bills a short stand-in so its
 * figures stay readable next to its few-second runs and tests need not wait a minute for a session to close.
 */
export const KEEP_WARM_MS = 2_000

export interface LedgerEntry {
  provider: LedgerProvider
  /** ComfyDeploy's run id or RunComfy's request id. */
  runId: string
  deploymentId: string
  /** ComfyDeploy's machine (whose `/machine/{id}/events` list the session); null on RunComfy. */
  machineId: string | null
  /** The GPU name (ComfyDeploy) or hardware SKU (RunComfy) it ran on. */
  gpu: string
  /** RunComfy's tier for the SKU; null on ComfyDeploy. */
  tier: string | null
  /** The terminal status word the service reports. */
  status: string
  /** ComfyDeploy's `gpu_event_id`; RunComfy names no session (null), as does a run that never started. */
  sessionId: string | null
  /** Epoch ms; null when no session was opened. */
  sessionStartMs: number | null
  /** When the keep-warm tail ends and the session closes (epoch ms). */
  sessionEndMs: number | null
  keepWarmSeconds: number
  /** The whole session, keep-warm included: what the account is charged for. */
  billedSeconds: number
  /** Dollars per second of `gpu` (null: not in the price table, billed nothing). */
  usdPerSecond: number | null
  billedUsd: number
  /** The client's formula on the timings the service reports: queued → ended (ComfyDeploy), created → finished (RunComfy). */
  estimateSeconds: number | null
  estimateUsd: number | null
}

/** The run's timings as the service reports them, in whole epoch ms (what a client parses back). */
export interface LedgerRun extends Pick<LedgerEntry, 'provider' | 'runId' | 'deploymentId' | 'machineId' | 'gpu' | 'tier' | 'status' | 'sessionId' | 'usdPerSecond'> {
  /** Where the priced span starts (ComfyDeploy `queued_at`, RunComfy `created_at`); null: it never started. */
  fromMs: number | null
  toMs: number
}

export class SimLedger {
  private readonly list: LedgerEntry[] = []

  /** `timeScale` shortens the keep-warm tail along with every other duration. */
  constructor(private readonly timeScale: number) {}

  get keepWarmMs(): number {
    return KEEP_WARM_MS * this.timeScale
  }

  /** Books an ended run: its session (keep-warm included) and the estimate a client would make of it. */
  record(run: LedgerRun): LedgerEntry {
    const price = run.usdPerSecond
    const started = run.fromMs !== null
    const keepWarmMs = started ? this.keepWarmMs : 0
    const estimateSeconds = started ? (run.toMs - (run.fromMs ?? run.toMs)) / 1000 : null
    const billedSeconds = (estimateSeconds ?? 0) + keepWarmMs / 1000
    const entry: LedgerEntry = {
      provider: run.provider,
      runId: run.runId,
      deploymentId: run.deploymentId,
      machineId: run.machineId,
      gpu: run.gpu,
      tier: run.tier,
      status: run.status,
      sessionId: started ? run.sessionId : null,
      sessionStartMs: run.fromMs,
      sessionEndMs: started ? run.toMs + keepWarmMs : null,
      keepWarmSeconds: keepWarmMs / 1000,
      billedSeconds,
      usdPerSecond: price,
      billedUsd: price === null ? 0 : billedSeconds * price,
      estimateSeconds,
      estimateUsd: estimateSeconds === null || price === null ? null : estimateSeconds * price,
    }
    this.list.push(entry)
    return entry
  }

  entries(provider?: LedgerProvider): readonly LedgerEntry[] {
    return provider === undefined ? this.list : this.list.filter((entry) => entry.provider === provider)
  }

  /** Sessions whose keep-warm tail is over at `nowMs`: the only ones a usage query counts, as on the real service. */
  closedSessions(provider: LedgerProvider, nowMs: number): LedgerEntry[] {
    return this.list.filter((e) => e.provider === provider && e.sessionEndMs !== null && e.sessionStartMs !== null && e.sessionEndMs <= nowMs)
  }

  /**
   * Dollars charged so far: each session metered up to `nowMs`, so a keep-warm tail is charged as it runs.
   * (A session is booked when its run ends; its span up to then is charged at once.)
   */
  chargedUsd(provider: LedgerProvider, nowMs: number): number {
    let usd = 0
    for (const e of this.list) {
      if (e.provider !== provider || e.usdPerSecond === null || e.sessionStartMs === null || e.sessionEndMs === null) continue
      usd += ((Math.min(nowMs, e.sessionEndMs) - e.sessionStartMs) / 1000) * e.usdPerSecond
    }
    return usd
  }

  clear(): void {
    this.list.length = 0
  }
}

export interface LedgerTotals {
  runs: number
  billedSeconds: number
  billedUsd: number
  estimateSeconds: number
  estimateUsd: number
}

/** `GET /__sim/ledger`'s body: the settings of the model, totals per provider and every entry, oldest first. */
export function ledgerReport(ledger: SimLedger, runComfyBalanceUsd: number) {
  const totals = (provider: LedgerProvider): LedgerTotals =>
    ledger.entries(provider).reduce<LedgerTotals>(
      (sum, e) => ({
        runs: sum.runs + 1,
        billedSeconds: sum.billedSeconds + e.billedSeconds,
        billedUsd: sum.billedUsd + e.billedUsd,
        estimateSeconds: sum.estimateSeconds + (e.estimateSeconds ?? 0),
        estimateUsd: sum.estimateUsd + (e.estimateUsd ?? 0),
      }),
      { runs: 0, billedSeconds: 0, billedUsd: 0, estimateSeconds: 0, estimateUsd: 0 },
    )
  return {
    keepWarmSeconds: ledger.keepWarmMs / 1000,
    runComfyBalanceUsd,
    totals: { comfydeploy: totals('comfydeploy'), runcomfy: totals('runcomfy') },
    entries: ledger.entries(),
  }
}
