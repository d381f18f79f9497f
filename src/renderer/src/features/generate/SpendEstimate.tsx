import { useEffect, useId } from 'react'
import type { ProviderId } from '@shared/run'
import { formatUsd, formatUsdEstimate } from '../../format/money'
import { useCourier } from '../../store/context'
import { openBudgets } from '../../store/spend'

/** How long the count or deployment must stay put before the estimate is asked for again. */
export const QUOTE_DEBOUNCE_MS = 300

/**
 * What Generate would cost, before the click (`spend.quote`): "≈ $0.05 for 8 runs · median of 12 runs × A10G",
 * amber when the submit will ask first, red with the reason when the budget's hard stop will refuse it.
 */
export function SpendEstimate({ provider, deploymentId, count }: { provider: ProviderId; deploymentId: string; count: number }) {
  const loadQuote = useCourier((s) => s.spend.loadQuote)
  const quote = useCourier((s) => s.spend.quote)
  const go = useCourier((s) => s.nav.go)
  const reasonId = useId()
  const key = `${provider}/${deploymentId}/${count}`

  useEffect(() => {
    const timer = setTimeout(() => void loadQuote(provider, deploymentId, count), QUOTE_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [loadQuote, provider, deploymentId, count])

  // The last figure stays (dimmed) while a new one is on its way, so the row does not jump at each keystroke.
  const value = quote?.value ?? null
  const stale = quote === null || quote.key !== key || quote.status === 'loading'
  if (value === null) {
    if (quote?.status === 'error' && quote.key === key) {
      return (
        <p className="estimate estimate--unknown muted" data-verdict="unknown">
          No estimate: {quote.error?.message ?? 'the spend service did not answer'}.
        </p>
      )
    }
    return (
      <p className="estimate muted" data-verdict="loading" aria-busy="true">
        Estimating the cost…
      </p>
    )
  }

  const runs = `${value.count} ${value.count === 1 ? 'run' : 'runs'}`
  if (value.verdict === 'free') {
    return (
      <p className={`estimate estimate--free${stale ? ' estimate--stale' : ''}`} data-verdict="free" title="The Demo runs on this computer: its prices are simulated.">
        Free (Demo){value.usd > 0 ? ` · ${formatUsdEstimate(value.usd)} for ${runs} at simulated prices` : ' · simulated prices'}
      </p>
    )
  }
  const figure = value.basis === 'none' ? `Cost unknown for ${runs}` : `${formatUsdEstimate(value.usd)} for ${runs}`
  const monthLine =
    value.budget?.monthlyUsd != null ? `This month ${formatUsd(value.monthUsd)} of ${formatUsd(value.budget.monthlyUsd)}.` : `This month so far ${formatUsd(value.monthUsd)}.`
  return (
    <div
      className={`estimate estimate--${value.verdict}${stale ? ' estimate--stale' : ''}`}
      data-verdict={value.verdict}
      data-estimate-usd={value.usd}
      aria-describedby={value.reason !== null ? reasonId : undefined}
      // The bar's row may cut the lines short: the whole of them is here.
      title={[`${figure}.`, value.explanation, value.reason, monthLine].filter((part) => part !== null && part !== '').join(' ')}
    >
      <p className="estimate__line">
        <strong className="estimate__usd">{figure}</strong>
        {value.explanation !== '' && <span className="estimate__how"> · {value.explanation.replace(/\.$/, '')}</span>}
      </p>
      {value.reason !== null && (
        <p id={reasonId} className="estimate__reason">
          {value.verdict === 'refuse' ? 'Will be refused: ' : 'Asks first: '}
          {value.reason}{' '}
          {value.verdict === 'refuse' && (
            <button type="button" className="link link--small" onClick={() => openBudgets(go)}>
              Open budgets
            </button>
          )}
        </p>
      )}
    </div>
  )
}
