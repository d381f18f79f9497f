import { z } from 'zod'
import { ProviderId } from './run'

/** A budget per provider: a monthly limit (null: none), the confirmation threshold of one action, and a hard stop. */
export const Budget = z.object({
  monthlyUsd: z.number().nonnegative().max(1_000_000).nullable(),
  /** A submit estimated above this asks first (default $1); 0 asks before every paid submit. */
  confirmAboveUsd: z.number().nonnegative().max(1_000_000),
  /** Refuse any submit that would take the month past `monthlyUsd`, whatever was confirmed. */
  hardStop: z.boolean(),
})
export type Budget = z.infer<typeof Budget>

export const DEFAULT_BUDGET: Budget = { monthlyUsd: null, confirmAboveUsd: 1, hardStop: false }

/** The providers that bill: every provider but the Demo (the simulator, free). */
/** The services billed by a third party, which have budgets; your own ComfyUI (priced per server, if at all) has none. */
export const PaidProvider = ProviderId.exclude(['demo', 'comfyui'])
export type PaidProvider = z.infer<typeof PaidProvider>

export const Budgets = z.partialRecord(PaidProvider, Budget)
export type Budgets = z.infer<typeof Budgets>
/** A change of budgets: a provider's fields given replace its own, those left out keep theirs (or the defaults). */
export const BudgetsPatch = z.partialRecord(PaidProvider, Budget.partial().strict())
export type BudgetsPatch = z.infer<typeof BudgetsPatch>

/** RunComfy's machine tiers (its "about billing" page); a deployment's hardware SKU maps onto one. */
export const RunComfyTier = z.enum(['Medium', 'Large', 'X-Large', 'X-Large Plus', '2X-Large', '2X-Large Plus', '3X-Large'])
export type RunComfyTier = z.infer<typeof RunComfyTier>
export const RunComfyPlan = z.enum(['payg', 'pro'])
export type RunComfyPlan = z.infer<typeof RunComfyPlan>

/** How RunComfy runs are priced: the account's plan, and the tier the user confirmed for a deployment's hardware. */
export const RunComfyPricing = z.object({
  plan: RunComfyPlan,
  /** By deployment id: the tier chosen where the SKU's own (unpublished) mapping was guessed wrong. */
  tiers: z.record(z.string().max(200), RunComfyTier),
})
export type RunComfyPricing = z.infer<typeof RunComfyPricing>

/** A moment for `spend.summary`: epoch milliseconds, or an ISO date (`2026-12-01`) or date-time. */
const Moment = z.union([z.number().int().nonnegative(), z.iso.date(), z.iso.datetime({ offset: true })])

export const SpendGroupBy = z.enum(['day', 'week', 'month', 'deployment', 'provider'])
export type SpendGroupBy = z.infer<typeof SpendGroupBy>

export const SpendSummaryArgs = z.object({ from: Moment, to: Moment, groupBy: SpendGroupBy }).strict()
export type SpendSummaryArgs = z.infer<typeof SpendSummaryArgs>

/**
 * One group of runs created in the range. Keys: `2026-12-06` (day), `2026-W49` (ISO week), `2026-12`
 * (month), `{provider}/{deploymentId}`, `{provider}`; days, weeks and months in the core's local time.
 * `actualUsd` is what the services' own account figures say for the group, null where they say nothing
 * (a deployment, a provider without figures, a period not read).
 */
export const SpendRow = z.object({
  key: z.string(),
  runs: z.number().int().nonnegative(),
  gpuSeconds: z.number().nonnegative(),
  estimatedUsd: z.number().nonnegative(),
  actualUsd: z.number().nullable(),
})
export type SpendRow = z.infer<typeof SpendRow>

export const SpendEstimateArgs = z.object({ provider: ProviderId, deploymentId: z.string().min(1), count: z.number().int().min(1).max(10_000) }).strict()
/**
 * What `count` runs of a deployment would cost: `history` from the median of its recent runs; `price-only`
 * from its GPU's price and an assumed run length (no runs of it yet); `none` when no price is known.
 */
export const SpendBasis = z.enum(['history', 'price-only', 'none'])
export type SpendBasis = z.infer<typeof SpendBasis>
export const SpendEstimate = z.object({ usd: z.number().nonnegative(), basis: SpendBasis })
export type SpendEstimate = z.infer<typeof SpendEstimate>

/** The estimate as the Generate view shows it: the fixed `SpendEstimate`, with its reasoning and the month's budget. */
export const SpendQuote = SpendEstimate.extend({
  provider: ProviderId,
  count: z.number().int(),
  /** One sentence: where the figure comes from ("median of 12 runs × A10G at $1.21/h"). */
  explanation: z.string(),
  /** What one run is assumed to take, in GPU seconds (null: unknown). */
  secondsPerRun: z.number().nullable(),
  /** Dollars per GPU second of what it runs on (null: unknown). */
  usdPerSecond: z.number().nullable(),
  gpu: z.string().nullable(),
  /** This calendar month so far: finished runs' costs, plus estimates of runs still under way. */
  monthUsd: z.number(),
  budget: Budget.nullable(),
  /** What a submit of this would meet: nothing, a question, or a refusal (hard stop). */
  verdict: z.enum(['free', 'ok', 'confirm', 'refuse']),
  /** Why it asks or refuses, in words for the user; null for `free` and `ok`. */
  reason: z.string().nullable(),
})
export type SpendQuote = z.infer<typeof SpendQuote>

/** Where an account figure came from and how far to trust it. */
export const AccountStatus = z.object({
  provider: PaidProvider,
  /** `usage`: ComfyDeploy's usage endpoint; `balance`: RunComfy's balance read before and after our runs. */
  source: z.enum(['usage', 'balance']),
  /** null: never read (no key, or it failed: see `message`). */
  readAt: z.number().nullable(),
  /** The latest balance, for RunComfy; null otherwise. */
  balanceUsd: z.number().nullable(),
  message: z.string().nullable(),
})
export type AccountStatus = z.infer<typeof AccountStatus>

/** Prices in effect: the service's endpoint where it has one, else the dated table (`asOf`). */
export const PriceTable = z.object({
  provider: PaidProvider,
  source: z.enum(['endpoint', 'table', 'simulated']),
  /** The table's date, or when the endpoint was read (ISO date). */
  asOf: z.string(),
  /** Name (GPU or tier) → dollars per second. */
  usdPerSecond: z.record(z.string(), z.number()),
})
export type PriceTable = z.infer<typeof PriceTable>

/** Everything the Spend view shows beyond `spend.summary`: budgets in force, account figures, prices, names. */
export const SpendOverview = z.object({
  month: z.object({
    key: z.string(),
    byProvider: z.array(
      z.object({
        provider: ProviderId,
        runs: z.number().int(),
        estimatedUsd: z.number(),
        actualUsd: z.number().nullable(),
        budget: Budget.nullable(),
        /** `warning` from 80 % of the monthly budget, `over` past it. */
        budgetState: z.enum(['none', 'ok', 'warning', 'over']),
      }),
    ),
  }),
  accounts: z.array(AccountStatus),
  prices: z.array(PriceTable),
  /** `{provider}/{deploymentId}` → the deployment's name, for the rows keyed by deployment. */
  deploymentNames: z.record(z.string(), z.string()),
})
export type SpendOverview = z.infer<typeof SpendOverview>

/** A provider's month crossed 80 % of its budget, or the budget itself (sent once per month and level). */
export const BudgetAlert = z.object({
  provider: PaidProvider,
  level: z.enum(['warning', 'over']),
  monthUsd: z.number(),
  monthlyUsd: z.number(),
})
export type BudgetAlert = z.infer<typeof BudgetAlert>
