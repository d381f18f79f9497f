import type { Budget, PaidProvider, RunComfyPlan, RunComfyTier } from '@shared/spend'
import type { SettingsPatch, SettingsView } from '@shared/settings'

export const paidProviders: readonly PaidProvider[] = ['comfydeploy', 'runcomfy']
const MAX_USD = 1_000_000

/** One provider's budget as typed: dollars as text, so "" (no budget) and "1." survive typing. */
export interface BudgetForm {
  monthly: string
  confirmAbove: string
  hardStop: boolean
}

export interface BudgetsForm {
  budgets: Record<PaidProvider, BudgetForm>
  plan: RunComfyPlan
  /** By RunComfy deployment id: the tier chosen, or "" for the SKU's own guess. */
  tiers: Record<string, RunComfyTier | ''>
}

export type BudgetsErrors = Partial<Record<`${PaidProvider}.${'monthly' | 'confirmAbove' | 'hardStop'}`, string>>

const moneyText = (usd: number | null): string => (usd === null ? '' : String(Math.round(usd * 100) / 100))

export function toBudgetsForm(settings: SettingsView): BudgetsForm {
  const budget = (b: Budget): BudgetForm => ({ monthly: moneyText(b.monthlyUsd), confirmAbove: moneyText(b.confirmAboveUsd), hardStop: b.hardStop })
  return {
    budgets: { comfydeploy: budget(settings.budgets.comfydeploy), runcomfy: budget(settings.budgets.runcomfy) },
    plan: settings.runcomfyPricing.plan,
    tiers: { ...settings.runcomfyPricing.tiers },
  }
}

/** "12.50", "$12.50", "1,000" → a number; "" → null; anything else → NaN. */
export function parseUsd(text: string): number | null {
  const clean = text.trim().replace(/^\$/, '').replace(/,/g, '').trim()
  if (clean === '') return null
  return /^\d+(\.\d*)?$|^\.\d+$/.test(clean) ? Number(clean) : Number.NaN
}

/** Each box's problem in words, or nothing; and the budgets it stands for when there is none. */
export function validateBudgets(form: BudgetsForm, names: Record<PaidProvider, string>): { errors: BudgetsErrors; budgets: Record<PaidProvider, Budget> | null } {
  const errors: BudgetsErrors = {}
  const budgets: Partial<Record<PaidProvider, Budget>> = {}
  for (const provider of paidProviders) {
    const typed = form.budgets[provider]
    const monthly = parseUsd(typed.monthly)
    const confirm = parseUsd(typed.confirmAbove)
    const name = names[provider]
    if (monthly !== null && (Number.isNaN(monthly) || monthly <= 0)) errors[`${provider}.monthly`] = `Type the ${name} budget in dollars, above 0 (such as 50), or leave it empty for none.`
    else if (monthly !== null && monthly > MAX_USD) errors[`${provider}.monthly`] = `A budget can be at most $1,000,000.`
    if (confirm === null) errors[`${provider}.confirmAbove`] = 'Type an amount in dollars: 1 asks before anything over $1, 0 before every paid submit.'
    else if (Number.isNaN(confirm) || confirm < 0) errors[`${provider}.confirmAbove`] = 'Type an amount in dollars, 0 or more (such as 1).'
    else if (confirm > MAX_USD) errors[`${provider}.confirmAbove`] = 'The threshold can be at most $1,000,000.'
    if (typed.hardStop && monthly === null) errors[`${provider}.hardStop`] = `A hard stop needs a monthly budget to stop at: set one for ${name}, or turn it off.`
    if (monthly !== null && confirm !== null && !Number.isNaN(monthly) && !Number.isNaN(confirm) && confirm > monthly && errors[`${provider}.confirmAbove`] === undefined) {
      errors[`${provider}.confirmAbove`] = `Above the monthly budget (${typed.monthly}): every submit over the budget asks anyway, so this would never ask first.`
    }
    budgets[provider] = { monthlyUsd: monthly === null || Number.isNaN(monthly) ? null : monthly, confirmAboveUsd: confirm ?? 0, hardStop: typed.hardStop }
  }
  return Object.keys(errors).length > 0 ? { errors, budgets: null } : { errors, budgets: budgets as Record<PaidProvider, Budget> }
}

/** What differs from what main has, as a patch (null: nothing to save). */
export function budgetsPatch(form: BudgetsForm, budgets: Record<PaidProvider, Budget>, settings: SettingsView): SettingsPatch | null {
  const patch: SettingsPatch = {}
  const changed = paidProviders.filter((p) => JSON.stringify(budgets[p]) !== JSON.stringify(settings.budgets[p]))
  if (changed.length > 0) patch.budgets = Object.fromEntries(changed.map((p) => [p, budgets[p]]))
  if (form.plan !== settings.runcomfyPricing.plan) patch.runcomfyPlan = form.plan
  const tiers: Record<string, RunComfyTier | null> = {}
  const ids = new Set([...Object.keys(form.tiers), ...Object.keys(settings.runcomfyPricing.tiers)])
  for (const id of ids) {
    const now = form.tiers[id] ?? ''
    const before = settings.runcomfyPricing.tiers[id] ?? ''
    if (now !== before) tiers[id] = now === '' ? null : now
  }
  if (Object.keys(tiers).length > 0) patch.runcomfyTiers = tiers
  return Object.keys(patch).length > 0 ? patch : null
}
