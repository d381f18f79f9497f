import type { Budget, SpendBasis } from '@shared/spend'

export type Verdict = { kind: 'ok' } | { kind: 'confirm'; reason: string } | { kind: 'refuse'; reason: string }

const money = (usd: number) => (usd > 0 && usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`)
export { money as formatUsd }

/**
 * What a paid submit meets, from its estimate, the month so far and the provider's budget. A hard stop refuses
 * whatever was confirmed; otherwise crossing the per-action threshold or the monthly budget asks first. A
 * single run nothing can estimate goes (its cost is learnt from it, and the month's hard stop still holds);
 * several of them ask first: an unknown multiplied is never waved through.
 */
export function spendVerdict(args: { usd: number; basis: SpendBasis; count: number; monthUsd: number; budget: Budget; label: string }): Verdict {
  const { usd, basis, count, monthUsd, budget, label } = args
  const after = monthUsd + usd
  if (budget.monthlyUsd !== null && budget.hardStop && after > budget.monthlyUsd) {
    return {
      kind: 'refuse',
      reason: `${label}'s budget of ${money(budget.monthlyUsd)} this month has a hard stop: ${money(monthUsd)} is spent or under way, and this would add about ${money(usd)}.`,
    }
  }
  if (basis === 'none' && count > 1) {
    return { kind: 'confirm', reason: `No price is known for what this deployment runs on, so the cost of ${count} runs cannot be estimated.` }
  }
  if (budget.monthlyUsd !== null && after > budget.monthlyUsd) {
    return { kind: 'confirm', reason: `It would take ${label} past this month's budget of ${money(budget.monthlyUsd)} (${money(monthUsd)} so far).` }
  }
  if (usd > budget.confirmAboveUsd) return { kind: 'confirm', reason: `It is above your ${money(budget.confirmAboveUsd)} confirmation threshold for ${label}.` }
  return { kind: 'ok' }
}
