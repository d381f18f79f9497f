import { useCourier } from '../store/context'
import { formatUsd, formatUsdEstimate, providerNames } from '../format/money'
import { ConfirmDialog } from './ConfirmDialog'

/**
 * The spend question (SPEND_CONFIRMATION_REQUIRED): what the action would cost as main estimated it, where
 * the month stands and the budget. Confirm sends the action again with `confirmUsd` = that estimate; Cancel
 * sends nothing. One for the whole app: every paid submit goes through `spend.submitWithSpendCheck`.
 */
const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1)

export function SpendConfirmDialog() {
  const confirmation = useCourier((s) => s.spend.confirmation)
  const answer = useCourier((s) => s.spend.answerConfirmation)
  if (confirmation === null) return null
  const { quote, estimateUsd, provider, what } = confirmation
  const name = providerNames[provider]
  const budget = quote?.budget ?? null
  const monthly = budget?.monthlyUsd ?? null
  const after = quote === null ? null : quote.monthUsd + estimateUsd
  const crosses = monthly !== null && after !== null && after > monthly
  return (
    <ConfirmDialog
      key={confirmation.id}
      title={`Spend ${formatUsdEstimate(estimateUsd)}?`}
      confirmLabel={`Spend ${formatUsdEstimate(estimateUsd)}`}
      onConfirm={() => answer(true)}
      onCancel={() => answer(false)}
    >
      <p className="spend-confirm__lead" data-estimate-usd={estimateUsd}>
        {/* `what` names the count already ("Generate 8 runs of …"). */}
        {what} on {name} is estimated at <strong>{formatUsd(estimateUsd)}</strong>.
      </p>
      {quote !== null && quote.explanation !== '' && <p className="muted">How: {lowerFirst(quote.explanation.replace(/\.$/, ''))}.</p>}
      <dl className="spend-confirm__facts">
        <div>
          <dt>{name} this month so far</dt>
          <dd>{quote === null ? 'Not known' : formatUsd(quote.monthUsd)}</dd>
        </div>
        <div>
          <dt>Monthly budget</dt>
          <dd>{monthly === null ? 'None set' : formatUsd(monthly)}</dd>
        </div>
        {after !== null && (
          <div>
            <dt>After this</dt>
            <dd className={crosses ? 'spend-confirm__over' : undefined}>
              {formatUsd(after)}
              {crosses && ' — over the budget'}
            </dd>
          </div>
        )}
      </dl>
      <p className="muted">
        {quote?.reason ?? confirmation.message}
        {budget !== null && ` You are asked above ${formatUsd(budget.confirmAboveUsd)} per action (Settings → Budgets).`}
      </p>
    </ConfirmDialog>
  )
}
