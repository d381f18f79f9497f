import type { CourierEvent } from '@shared/events'
import { errWith, err, ok, type Result } from '@shared/result'
import type { ProviderId, RunCost } from '@shared/run'
import {
  PaidProvider,
  type Budget,
  type SpendGroupBy,
  type SpendOverview,
  type SpendQuote,
  type SpendRow,
  type SpendSummaryArgs,
} from '@shared/spend'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import type { RunUsage } from '../providers/types'
import type { Db } from '../store/database'
import { AccountFigures } from './account-figures'
import { dayKey, momentMs, monthKey, monthStart, nextMonthStart, periodKey } from './periods'
import { PriceBook } from './prices'
import { median, priceRun, type Price } from './run-cost'
import { SpendRepo, type SpendRun } from './spend-repo'
import { formatUsd, spendVerdict } from './verdict'

/** How many of a deployment's latest runs its estimate is the median of. */
const HISTORY_RUNS = 20
/** With no run of a deployment yet, one run is assumed to take this long (cold start and a typical generation). */
export const ASSUMED_SECONDS_PER_RUN = 60

export interface SpendServiceDeps {
  db: Db
  providers: Pick<ProviderRegistry, 'get' | 'findDeployment'>
  budget: (provider: PaidProvider) => Budget
  runcomfyPricing: PriceBookDepsPricing
  events: Pick<EventHub<CourierEvent>, 'publish'>
  log: Logger
  now?: () => number
}
type PriceBookDepsPricing = ConstructorParameters<typeof PriceBook>[0]['runcomfyPricing']

/** A spend check passed: each run's share of the estimate, and the hold to release once the runs are recorded. */
export interface SpendAuthorization {
  perRunUsd: number | null
  release(): void
}

const LABELS: Record<ProviderId, string> = { demo: 'the Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy', comfyui: 'ComfyUI' }
const PAID = PaidProvider.options
const isPaid = (provider: ProviderId): provider is PaidProvider => provider === 'comfydeploy' || provider === 'runcomfy'
const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0)
const ceilTo = (value: number, digits: number) => Math.max(0, Math.ceil(value * 10 ** digits - 1e-9)) / 10 ** digits

/**
 * Spend (issue 17): what runs cost, what the month costs, and the budget check every paid submit passes
 * before anything is sent. Run costs go through the run ledger like every other run change; this service
 * prices them, estimates the next ones from a deployment's history, reads the services' account figures,
 * and groups it all for the Spend view.
 */
export class SpendService {
  private readonly repo: SpendRepo
  private readonly prices: PriceBook
  private readonly accounts: AccountFigures
  private readonly now: () => number
  /** Estimates of submits checked but whose runs are not all recorded yet, by provider. */
  private readonly held = new Map<ProviderId, number>()
  /** The budget alerts sent, by provider: `{month}:{level}`, so each is sent once a month. */
  private readonly alerted = new Map<ProviderId, Set<string>>()

  constructor(private readonly deps: SpendServiceDeps) {
    this.now = deps.now ?? Date.now
    this.repo = new SpendRepo(deps.db)
    this.prices = new PriceBook({
      repo: this.repo,
      runcomfyPricing: deps.runcomfyPricing,
      log: deps.log,
      now: this.now,
      hourlyRate: (deploymentId) => deps.providers.get('comfyui')?.hourlyRate?.(deploymentId) ?? null,
    })
    this.accounts = new AccountFigures({ repo: this.repo, log: deps.log, now: this.now })
  }

  // ── cost of a run ──────────────────────────────────────────────────────────────────────────────

  /** Prices what a run used (its service's timings); null when nothing is known to price it by. */
  async costOf(run: { provider: ProviderId; deploymentId: string }, usage: RunUsage): Promise<RunCost | null> {
    await this.prices.ensureFresh(run.provider, this.deps.providers.get(run.provider))
    return priceRun(usage, this.prices.price(run.provider, usage.gpu, run.deploymentId), run.provider === 'demo')
  }

  /** A run's cost was recorded: reads RunComfy's balance after it, and alerts at 80 % and 100 % of a budget. */
  afterCost(provider: ProviderId): void {
    this.accounts.noteRun(provider, this.deps.providers.get(provider), true)
    if (!isPaid(provider)) return
    const budget = this.deps.budget(provider)
    if (budget.monthlyUsd === null) return
    const now = this.now()
    const spent = this.repo.committedUsd(provider, monthStart(now), nextMonthStart(now))
    const level = spent > budget.monthlyUsd ? 'over' : spent >= budget.monthlyUsd * 0.8 ? 'warning' : null
    if (level === null) return
    const sent = this.alerted.get(provider) ?? new Set<string>()
    this.alerted.set(provider, sent)
    const key = `${monthKey(now)}:${level}`
    if (sent.has(key)) return
    sent.add(key)
    this.deps.events.publish({ type: 'spend.budget', alert: { provider, level, monthUsd: spent, monthlyUsd: budget.monthlyUsd } })
  }

  // ── before a submit ────────────────────────────────────────────────────────────────────────────

  /** What `count` runs of a deployment would cost, why, and what a submit of them would meet. */
  async quote(provider: ProviderId, deploymentId: string, count: number): Promise<Result<SpendQuote>> {
    const client = this.deps.providers.get(provider)
    if (!client) return err('NOT_CONFIGURED', `${LABELS[provider]} has no API key yet`)
    await this.prices.ensureFresh(provider, client)
    const history = this.repo.recentCosts(provider, deploymentId, HISTORY_RUNS)
    let hardware: string | null = null
    try {
      hardware = (await this.deps.providers.findDeployment(provider, deploymentId))?.hardware ?? null
    } catch {
      // the service is unreachable: the deployment's past runs still say what it runs on
    }
    const price = this.priceFor(provider, deploymentId, hardware, history)
    const free = provider === 'demo'
    let perRun: number
    let seconds: number | null
    let basis: SpendQuote['basis']
    let explanation: string
    const rate = price ? `${price.name} at ${formatUsd(price.usdPerSecond * 3600)}/h${price.guessed ? ' (tier guessed from its hardware)' : ''}` : null
    if (history.length > 0) {
      seconds = median(history.map((run) => run.gpuSeconds))!
      perRun = free && price ? seconds * price.usdPerSecond : median(history.map((run) => run.usd))!
      basis = 'history'
      explanation = `Median of its last ${history.length} run${history.length === 1 ? '' : 's'}: ${Math.round(seconds)} GPU-s${rate ? ` on ${rate}` : ''}.`
    } else if (price) {
      seconds = ASSUMED_SECONDS_PER_RUN
      perRun = seconds * price.usdPerSecond
      basis = 'price-only'
      explanation = `No runs of this deployment yet: about ${ASSUMED_SECONDS_PER_RUN} GPU-s a run is assumed, on ${rate}.`
    } else {
      seconds = null
      perRun = 0
      basis = 'none'
      explanation = 'No runs of this deployment yet, and no price is known for what it runs on.'
    }
    const usd = free ? 0 : ceilTo(perRun * count, 4)
    if (free) explanation = `The Demo is free. With simulated prices this would be about ${formatUsd(perRun * count)}. ${explanation}`
    const now = this.now()
    const monthUsd = this.repo.committedUsd(provider, monthStart(now), nextMonthStart(now)) + (this.held.get(provider) ?? 0)
    const budget = isPaid(provider) ? this.deps.budget(provider) : null
    const verdict = budget ? spendVerdict({ usd, basis, count, monthUsd, budget, label: LABELS[provider] }) : ({ kind: 'ok' } as const)
    return ok({
      usd,
      basis,
      provider,
      count,
      explanation,
      secondsPerRun: seconds,
      usdPerSecond: price?.usdPerSecond ?? null,
      gpu: price?.name ?? hardware,
      monthUsd,
      budget,
      verdict: free ? 'free' : verdict.kind,
      reason: verdict.kind === 'ok' ? null : verdict.reason,
    })
  }

  private priceFor(provider: ProviderId, deploymentId: string, hardware: string | null, history: { gpu: string | null }[]): Price | null {
    const fromDeployment = this.prices.price(provider, hardware, deploymentId)
    if (fromDeployment) return fromDeployment
    // A run's `gpu` is the priced name (RunComfy's carries its tier): a deployment's GPU is learnt from its runs.
    const ranOn = history.find((run) => run.gpu !== null)?.gpu ?? null
    return ranOn === null ? null : this.prices.price(provider, ranOn.replace(/^.*\((.*)\)$/, '$1'), deploymentId)
  }

  /**
   * The check before any paid submit (nothing is sent before it passes): a hard stop refuses; crossing the
   * per-action threshold or the month's budget needs `confirmUsd` at or above the estimate. The estimate is
   * held against the month until the runs are recorded, so submits racing each other cannot slip past it.
   */
  async authorize(args: { provider: ProviderId; deploymentId: string; count: number; confirmUsd?: number | undefined }): Promise<Result<SpendAuthorization>> {
    const quoted = await this.quote(args.provider, args.deploymentId, args.count)
    if (!quoted.ok) return quoted
    const quote = quoted.value
    if (quote.verdict === 'refuse') {
      this.deps.log.info('submit refused by the budget', { provider: args.provider, estimateUsd: quote.usd, monthUsd: quote.monthUsd })
      return errWith('BUDGET_EXCEEDED', `Not sent: ${quote.reason}`, { estimateUsd: quote.usd })
    }
    if (quote.verdict === 'confirm' && !(args.confirmUsd !== undefined && args.confirmUsd + 1e-9 >= quote.usd)) {
      const what = args.count === 1 ? 'This run' : `These ${args.count} runs`
      return errWith(
        'SPEND_CONFIRMATION_REQUIRED',
        `${what} would cost about ${formatUsd(quote.usd)} on ${LABELS[args.provider]}. ${quote.reason} Confirm the estimate to go ahead.`,
        { estimateUsd: quote.usd },
      )
    }
    const hold = quote.verdict === 'free' ? 0 : quote.usd
    this.held.set(args.provider, (this.held.get(args.provider) ?? 0) + hold)
    let released = false
    this.accounts.noteRun(args.provider, this.deps.providers.get(args.provider))
    return ok({
      perRunUsd: quote.verdict === 'free' ? null : quote.usd / args.count,
      release: () => {
        if (released) return
        released = true
        this.held.set(args.provider, Math.max(0, (this.held.get(args.provider) ?? 0) - hold))
      },
    })
  }

  // ── figures for the Spend view ─────────────────────────────────────────────────────────────────

  summary(args: SpendSummaryArgs): Result<SpendRow[]> {
    const from = momentMs(args.from, 'from')
    const to = momentMs(args.to, 'to')
    if (!Number.isFinite(from) || !Number.isFinite(to)) return err('BAD_INPUT', 'from and to must be dates, date-times or epoch milliseconds')
    if (to <= from) return err('BAD_INPUT', 'to must come after from', 'to')
    if (to - from > 3 * 366 * 86_400_000) return err('BAD_INPUT', 'a summary covers at most three years', 'to')
    return ok(this.group(this.repo.runsBetween(from, to), args.groupBy, from, to))
  }

  private group(runs: SpendRun[], groupBy: SpendGroupBy, from: number, to: number): SpendRow[] {
    const rows = new Map<string, SpendRow>()
    const providersOf = new Map<string, Set<ProviderId>>()
    const rowFor = (key: string) => {
      let row = rows.get(key)
      if (!row) rows.set(key, (row = { key, runs: 0, gpuSeconds: 0, estimatedUsd: 0, actualUsd: null }))
      return row
    }
    const keyOf = (run: SpendRun) =>
      groupBy === 'deployment' ? `${run.provider}/${run.deploymentId}` : groupBy === 'provider' ? run.provider : periodKey(groupBy, run.createdAt)
    for (const run of runs) {
      const row = rowFor(keyOf(run))
      providersOf.set(row.key, (providersOf.get(row.key) ?? new Set()).add(run.provider))
      row.runs++
      row.gpuSeconds += run.gpuSeconds ?? 0
      row.estimatedUsd += run.usd ?? 0
    }
    if (groupBy !== 'deployment') this.addActuals(rowFor, groupBy, from, to)
    for (const row of rows.values()) {
      // The Demo is free: a group of its runs alone is known to have cost $0.
      const providers = providersOf.get(row.key)
      if (row.actualUsd === null && providers?.size === 1 && providers.has('demo')) row.actualUsd = 0
      row.gpuSeconds = Math.round(row.gpuSeconds * 1000) / 1000
      row.estimatedUsd = Math.round(row.estimatedUsd * 1e6) / 1e6
      if (row.actualUsd !== null) row.actualUsd = Math.round(row.actualUsd * 1e6) / 1e6
    }
    return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  /**
   * Adds the services' own figures to the rows: each day a service reported within the range goes to its
   * period (a period no service reported on stays null), even a period with no run of ours (another client
   * on the same account spent it).
   */
  private addActuals(rowFor: (key: string) => SpendRow, groupBy: Exclude<SpendGroupBy, 'deployment'>, from: number, to: number): void {
    const firstDay = dayKey(from)
    const lastDay = dayKey(to - 1)
    for (const provider of PAID) {
      const days = [...this.accounts.actualByDay(provider)].filter(([day]) => day >= firstDay && day <= lastDay)
      const totals = [...this.accounts.actualMonthTotals(provider)].filter(([month]) => month >= firstDay.slice(0, 7) && month <= lastDay.slice(0, 7))
      if (groupBy === 'provider') {
        if (days.length > 0 || totals.length > 0) rowFor(provider).actualUsd = sum(days.map(([, usd]) => usd)) + sum(totals.map(([, usd]) => usd))
        continue
      }
      for (const [day, usd] of days) {
        const row = rowFor(periodKey(groupBy, new Date(`${day}T12:00:00`).getTime()))
        row.actualUsd = (row.actualUsd ?? 0) + usd
      }
      if (groupBy === 'month') {
        for (const [month, usd] of totals) {
          const row = rowFor(month)
          row.actualUsd = (row.actualUsd ?? 0) + usd
        }
      }
    }
  }

  /** This month per provider against its budget, the account figures and the prices in use. */
  overview(): SpendOverview {
    const now = this.now()
    const from = monthStart(now)
    const to = nextMonthStart(now)
    const byProvider = new Map(this.group(this.repo.runsBetween(from, to), 'provider', from, to).map((row) => [row.key, row]))
    const shown = (['demo', ...PAID] as const).filter((provider) => provider !== 'demo' || byProvider.has('demo'))
    return {
      month: {
        key: monthKey(now),
        byProvider: shown.map((provider) => {
          const row = byProvider.get(provider)
          const budget = isPaid(provider) ? this.deps.budget(provider) : null
          const committed = this.repo.committedUsd(provider, from, to)
          const budgetState =
            budget?.monthlyUsd == null ? 'none' : committed > budget.monthlyUsd ? 'over' : committed >= budget.monthlyUsd * 0.8 ? 'warning' : 'ok'
          return { provider, runs: row?.runs ?? 0, estimatedUsd: row?.estimatedUsd ?? 0, actualUsd: row?.actualUsd ?? null, budget, budgetState }
        }),
      },
      accounts: PAID.map((provider) => this.accounts.accountStatus(provider, this.deps.providers.get(provider) !== undefined)),
      prices: this.prices.tables(PAID),
      deploymentNames: this.repo.deploymentNames(),
    }
  }

  /** Reads every configured service's prices and account figures now. */
  async refresh(): Promise<SpendOverview> {
    await Promise.all(
      (['demo', ...PAID] as const).map(async (provider) => {
        const client = this.deps.providers.get(provider)
        if (!client) return
        await this.prices.ensureFresh(provider, client, true)
        if (isPaid(provider)) await this.accounts.refresh(provider, client)
      }),
    )
    return this.overview()
  }
}
