import type { ProviderId } from '@shared/run'
import type { Failure, Result } from '@shared/result'
import type { BudgetAlert, SpendGroupBy, SpendRow } from '@shared/spend'
import { formatUsd, providerNames } from '../format/money'
import { periodsOf, rangeOf, type Period } from '../features/spend/spend-range'
import type { SliceContext, SpendReport, SpendSlice } from './types'

/** Where Settings keeps the budgets: "Open budgets" scrolls there once Settings is shown. */
export const BUDGETS_SECTION_ID = 'settings-budgets'

/** Opens Settings at its Budgets section (a budget refused a submit, or an alert asked for it). */
export function openBudgets(go: (view: 'settings') => void): void {
  go('settings')
  // The section is drawn once Settings has rendered (and its settings loaded).
  const tries = { left: 20 }
  const scroll = () => {
    const section = typeof document === 'undefined' ? null : document.getElementById(BUDGETS_SECTION_ID)
    if (section !== null) {
      section.scrollIntoView?.({ block: 'start' })
      section.querySelector<HTMLElement>('h2, h3')?.focus({ preventScroll: true })
      return
    }
    if (--tries.left > 0) setTimeout(scroll, 50)
  }
  setTimeout(scroll, 0)
}

/** "ComfyDeploy has used 82 % of its $50.00 budget for December". */
export function budgetAlertText(alert: BudgetAlert): string {
  const name = providerNames[alert.provider]
  const share = alert.monthlyUsd > 0 ? Math.round((alert.monthUsd / alert.monthlyUsd) * 100) : 100
  return alert.level === 'over'
    ? `${name} is over its monthly budget: ${formatUsd(alert.monthUsd)} spent of ${formatUsd(alert.monthlyUsd)} (estimated).`
    : `${name} has used ${share} % of its monthly budget: ${formatUsd(alert.monthUsd)} of ${formatUsd(alert.monthlyUsd)} (estimated).`
}

export function createSpendSlice({ get, patch, deps }: SliceContext): SpendSlice {
  /** Answers the confirmation dialog on screen (true: spend it). */
  let answer: ((confirmed: boolean) => void) | null = null
  let quoteSeq = 0
  let reportSeq = 0
  let confirmSeq = 0

  const summary = (from: number, to: number, groupBy: SpendGroupBy): Promise<Result<SpendRow[]>> =>
    deps.courier.invoke('spend.summary', { from, to, groupBy })

  return {
    quote: null,
    confirmation: null,
    range: { kind: 'month', month: null },
    groupBy: 'day',
    report: null,
    reportStatus: 'idle',
    reportError: null,
    overview: null,
    overviewError: null,
    refreshing: false,
    refreshError: null,

    async loadQuote(provider, deploymentId, count) {
      const key = `${provider}/${deploymentId}/${count}`
      const seq = ++quoteSeq
      patch('spend', (s) => ({ quote: { key, status: 'loading' as const, value: s.quote?.key === key ? s.quote.value : null, error: null } }))
      const res = await deps.courier.invoke('spend.quote', { provider, deploymentId, count })
      // A newer question (another deployment or count) answers for itself.
      if (seq !== quoteSeq) return
      patch('spend', { quote: res.ok ? { key, status: 'loaded', value: res.value, error: null } : { key, status: 'error', value: null, error: res.error } })
    },

    async submitWithSpendCheck(request, send) {
      const first = await send(undefined)
      if (first.ok || first.error.code !== 'SPEND_CONFIRMATION_REQUIRED') return first
      // The month so far and the budget, for the question; the estimate itself is the refusal's own.
      const quote =
        request.deploymentId === null ? null : await deps.courier.invoke('spend.quote', { provider: request.provider, deploymentId: request.deploymentId, count: request.count })
      const estimateUsd = first.error.details?.estimateUsd ?? (quote?.ok ? quote.value.usd : undefined)
      // Nothing to agree to: said as the failure it is.
      if (estimateUsd === undefined) return first
      // A question still open (a second submit meanwhile) is taken as "no": one question at a time.
      answer?.(false)
      const id = ++confirmSeq
      const confirmed = await new Promise<boolean>((resolve) => {
        answer = resolve
        patch('spend', {
          confirmation: {
            id,
            what: request.what,
            provider: request.provider,
            count: request.count,
            estimateUsd,
            message: first.error.message,
            quote: quote?.ok ? quote.value : null,
          },
        })
      })
      if (get().spend.confirmation?.id === id) patch('spend', { confirmation: null })
      if (!confirmed) return null
      const second = await send(estimateUsd)
      // The figures moved between the question and the answer (another run finished): ask again, once.
      if (!second.ok && second.error.code === 'SPEND_CONFIRMATION_REQUIRED' && (second.error.details?.estimateUsd ?? 0) > estimateUsd) {
        return get().spend.submitWithSpendCheck(request, send)
      }
      return second
    },

    answerConfirmation(confirmed) {
      const resolve = answer
      answer = null
      patch('spend', { confirmation: null })
      resolve?.(confirmed)
    },

    setRange(kind, month = null) {
      patch('spend', { range: { kind, month: kind === 'custom' ? month : null } })
      void get().spend.loadReport()
    },

    setGroupBy(groupBy) {
      patch('spend', { groupBy })
      void get().spend.loadReport()
    },

    async loadReport() {
      const { range: choice, groupBy } = get().spend
      const range = rangeOf(choice.kind, Date.now(), choice.month ?? undefined)
      const periods: Period[] = periodsOf(range, groupBy)
      const seq = ++reportSeq
      patch('spend', { reportStatus: 'loading', reportError: null })
      // Totals per period, per provider and per deployment; and each period's providers, for the stacked bars
      // (one `provider` summary per period: the summary groups by one thing at a time).
      const [byPeriod, byProvider, byDeployment, ...perPeriod] = await Promise.all([
        summary(range.from, range.to, groupBy),
        summary(range.from, range.to, 'provider'),
        summary(range.from, range.to, 'deployment'),
        ...periods.map((p) => summary(p.from, p.to, 'provider')),
      ])
      if (seq !== reportSeq) return
      const failed: Failure | undefined = [byPeriod, byProvider, byDeployment, ...perPeriod].find((r) => r !== undefined && !r.ok)?.error
      if (failed !== undefined || !byPeriod?.ok || !byProvider?.ok || !byDeployment?.ok) {
        patch('spend', { reportStatus: 'error', reportError: failed ?? null })
        return
      }
      const providersByPeriod: Record<string, SpendRow[]> = {}
      periods.forEach((p, i) => {
        const res = perPeriod[i]
        providersByPeriod[p.key] = res?.ok ? res.value : []
      })
      const report: SpendReport = {
        range,
        groupBy,
        periods,
        byPeriod: byPeriod.value,
        providersByPeriod,
        byProvider: byProvider.value,
        byDeployment: byDeployment.value,
      }
      patch('spend', { report, reportStatus: 'loaded', reportError: null })
    },

    async loadOverview() {
      const res = await deps.courier.invoke('spend.overview', {})
      patch('spend', res.ok ? { overview: res.value, overviewError: null } : { overviewError: res.error })
    },

    async refresh() {
      if (get().spend.refreshing) return
      patch('spend', { refreshing: true, refreshError: null })
      const res = await deps.courier.invoke('spend.refresh', {})
      patch('spend', res.ok ? { refreshing: false, overview: res.value, overviewError: null } : { refreshing: false, refreshError: res.error })
      // The account figures fill the summaries' actual column.
      if (res.ok) void get().spend.loadReport()
      else get().toasts.failure('Could not read the account figures', res.error, () => void get().spend.refresh())
    },

    receiveAlert(alert) {
      const s = get()
      s.toasts.show({
        tone: alert.level === 'over' ? 'error' : 'warning',
        text: budgetAlertText(alert),
        action: { label: 'Open Spend', run: () => get().nav.go('spend') },
      })
      // The overview's budget bars follow, if they were read.
      if (s.spend.overview !== null) void s.spend.loadOverview()
    },
  }
}

/** The provider of a `{provider}/{deploymentId}` key, or of a provider key. */
export function providerOfKey(key: string): ProviderId | null {
  const provider = key.split('/')[0]
  return provider === 'demo' || provider === 'comfydeploy' || provider === 'runcomfy' ? provider : null
}
