import { lazy, Suspense, useEffect, useId, useState, type ReactNode } from 'react'
import type { ProviderId } from '@shared/run'
import type { AccountStatus, SpendOverview, SpendRow } from '@shared/spend'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatTime, formatWhen } from '../../components/format'
import { ViewHeader } from '../../components/ViewHeader'
import { formatGpuSeconds, formatHourly, formatUsd, formatUsdDelta, providerNames } from '../../format/money'
import { useCourier } from '../../store/context'
import { openBudgets, providerOfKey } from '../../store/spend'
import type { SpendReport } from '../../store/types'
import { csvFileName, downloadText, spendCsv } from './spend-csv'
import { monthLabel, recentMonths, type PeriodGroup, type RangeKind } from './spend-range'

const SpendCharts = lazy(() => import('./SpendCharts'))

const rangeChoices: Array<{ kind: Exclude<RangeKind, 'custom'>; label: string }> = [
  { kind: 'month', label: 'This month' },
  { kind: '30d', label: 'Last 30 days' },
  { kind: 'week', label: 'This week' },
]
const groupChoices: Array<{ group: PeriodGroup; label: string }> = [
  { group: 'day', label: 'Day' },
  { group: 'week', label: 'Week' },
  { group: 'month', label: 'Month' },
]

const DEMO_LABEL = 'simulated prices · free'

/** "ComfyDeploy", or "Demo" with its label: the Demo's figures are the simulator's, and cost nothing. */
function ProviderName({ provider }: { provider: ProviderId | null }) {
  if (provider === null) return <>—</>
  return (
    <>
      {providerNames[provider]}
      {provider === 'demo' && <span className="tag tag--muted spend__demo">{DEMO_LABEL}</span>}
    </>
  )
}

/** Actual minus estimate, signed: what the services billed beyond (or below) our figure. */
function Difference({ row }: { row: Pick<SpendRow, 'key' | 'estimatedUsd' | 'actualUsd'> }) {
  // The Demo bills nothing: no difference to explain.
  if (row.actualUsd === null || providerOfKey(row.key) === 'demo') return <span className="muted">—</span>
  const diff = row.actualUsd - row.estimatedUsd
  return (
    <span className={diff >= 0.01 ? 'spend__diff spend__diff--up' : 'spend__diff'} title={diff >= 0.01 ? 'Billed beyond our estimate: see why below' : undefined}>
      {formatUsdDelta(diff)}
    </span>
  )
}

const actualCell = (row: SpendRow): ReactNode => (row.actualUsd === null ? <span className="muted" title="The service gives no figure for this group">—</span> : formatUsd(row.actualUsd))

function SpendTable({ caption, first, rows, nameOf, withDifference = true }: {
  caption: string
  first: string
  rows: SpendRow[]
  nameOf(row: SpendRow): ReactNode
  withDifference?: boolean
}) {
  return (
    <div className="table-scroll">
      <table className="table spend-table">
        <caption className="spend-table__caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col" className="num">Runs</th>
            <th scope="col" className="num">GPU time</th>
            <th scope="col" className="num">Estimated</th>
            <th scope="col" className="num">Actual</th>
            {withDifference && <th scope="col" className="num">Difference</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-spend-key={row.key}>
              <th scope="row">{nameOf(row)}</th>
              <td className="num">{row.runs}</td>
              <td className="num">{formatGpuSeconds(row.gpuSeconds)}</td>
              <td className="num">{providerOfKey(row.key) === 'demo' ? `${formatUsd(row.estimatedUsd)} (free)` : formatUsd(row.estimatedUsd)}</td>
              <td className="num">{actualCell(row)}</td>
              {withDifference && (
                <td className="num">
                  <Difference row={row} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** This month per provider against its budget: amber from 80 %, red past it. */
function Budgets({ overview }: { overview: SpendOverview }) {
  const go = useCourier((s) => s.nav.go)
  const paid = (['comfydeploy', 'runcomfy'] as const).map((provider) => overview.month.byProvider.find((p) => p.provider === provider) ?? null)
  const demo = overview.month.byProvider.find((p) => p.provider === 'demo')
  return (
    <section className="spend-section" aria-labelledby="spend-budgets">
      <div className="spend-section__head">
        <h2 id="spend-budgets" className="section-title">
          Budgets in {monthLabel(overview.month.key)}
        </h2>
        <button type="button" className="btn btn--small btn--ghost" onClick={() => openBudgets(go)}>
          Edit budgets
        </button>
      </div>
      <ul className="budget-cards">
        {paid.map((entry, i) => {
          const provider = (['comfydeploy', 'runcomfy'] as const)[i] ?? 'comfydeploy'
          const spent = entry?.estimatedUsd ?? 0
          const limit = entry?.budget?.monthlyUsd ?? null
          const state = entry?.budgetState ?? 'none'
          const share = limit === null ? 0 : spent / limit
          return (
            <li key={provider} className={`budget-card budget-card--${state}`} data-provider-id={provider} data-budget-state={state}>
              <div className="budget-card__head">
                <span className="budget-card__name">{providerNames[provider]}</span>
                <span className="budget-card__figure">
                  {formatUsd(spent)}
                  {limit !== null && <span className="muted"> of {formatUsd(limit)}</span>}
                </span>
              </div>
              {limit !== null ? (
                <>
                  <div
                    className="meter"
                    role="meter"
                    aria-label={`${providerNames[provider]} budget used`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(Math.min(share, 9.99) * 100)}
                    aria-valuetext={`${Math.round(share * 100)} % of ${formatUsd(limit)}`}
                  >
                    <span className="meter__fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
                    <span className="meter__mark" aria-hidden="true" />
                  </div>
                  <p className="budget-card__note">
                    {state === 'over'
                      ? `Over the budget by ${formatUsd(spent - limit)}${entry?.budget?.hardStop ? ': paid submits are refused until next month or a higher budget.' : '.'}`
                      : state === 'warning'
                        ? `${Math.round(share * 100)} % used: ${formatUsd(limit - spent)} left this month.`
                        : `${Math.round(share * 100)} % used${entry?.budget?.hardStop ? ' · hard stop on' : ''}.`}
                  </p>
                </>
              ) : (
                <p className="budget-card__note muted">No monthly budget{entry !== null && entry.runs > 0 ? ` · ${entry.runs} runs this month` : ''}.</p>
              )}
              {entry?.actualUsd != null && <p className="budget-card__note muted">The service’s own figure: {formatUsd(entry.actualUsd)}.</p>}
            </li>
          )
        })}
      </ul>
      {demo !== undefined && demo.runs > 0 && (
        <p className="muted spend__demo-note">
          The Demo ran {demo.runs} {demo.runs === 1 ? 'time' : 'times'} this month: {formatUsd(demo.estimatedUsd)} at simulated prices, and free.
        </p>
      )}
    </section>
  )
}

const sourceText: Record<AccountStatus['source'], string> = {
  usage: 'the usage endpoint of your account (what the service billed, per day)',
  balance: 'your account balance, read before and after our runs (the difference is what was billed)',
}

/** Where the actual figures come from, when they were read, RunComfy's balance; Refresh reads them now. */
function Accounts({ overview }: { overview: SpendOverview }) {
  const refresh = useCourier((s) => s.spend.refresh)
  const refreshing = useCourier((s) => s.spend.refreshing)
  const refreshError = useCourier((s) => s.spend.refreshError)
  return (
    <section className="spend-section" aria-labelledby="spend-accounts">
      <div className="spend-section__head">
        <h2 id="spend-accounts" className="section-title">
          Account figures
        </h2>
        <button type="button" className="btn btn--small" onClick={() => void refresh()} disabled={refreshing} aria-busy={refreshing}>
          {refreshing && <span className="spinner spinner--small" aria-hidden="true" />}
          {refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {overview.accounts.length === 0 ? (
        <p className="muted">No paid service is connected: the figures here are our estimates only. Add a key in Settings to read your accounts.</p>
      ) : (
        <ul className="account-list">
          {overview.accounts.map((account) => (
            <li key={account.provider} className="account" data-provider-id={account.provider} data-read-at={account.readAt ?? ''}>
              <strong>{providerNames[account.provider]}</strong>: from {sourceText[account.source]}.{' '}
              {account.readAt === null ? (
                <span className="muted">Not read yet{account.message ? `: ${account.message}` : '.'}</span>
              ) : (
                <>
                  Read <time title={formatTime(account.readAt)}>{formatWhen(account.readAt)}</time>.
                  {account.balanceUsd !== null && <> Balance: <strong>{formatUsd(account.balanceUsd)}</strong>.</>}
                  {account.message && <span className="muted"> {account.message}</span>}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {refreshError && <ErrorNotice error={refreshError} className="notice--compact" />}
      {overview.prices.length > 0 && (
        <details className="spend-prices">
          <summary>Prices in use</summary>
          <ul>
            {overview.prices.map((table) => (
              <li key={table.provider}>
                <strong>{providerNames[table.provider]}</strong>:{' '}
                {table.source === 'endpoint' ? `the service’s pricing, read ${table.asOf}` : table.source === 'table' ? `the published price list of ${table.asOf}` : 'simulated prices'}
                {' — '}
                {Object.entries(table.usdPerSecond)
                  .map(([name, price]) => `${name} ${formatHourly(price)}`)
                  .join(', ')}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}

function RangeBar() {
  const range = useCourier((s) => s.spend.range)
  const groupBy = useCourier((s) => s.spend.groupBy)
  const setRange = useCourier((s) => s.spend.setRange)
  const setGroupBy = useCourier((s) => s.spend.setGroupBy)
  const monthId = useId()
  // The months offered are those up to the one the view was opened in.
  const [months] = useState(() => recentMonths(Date.now()))
  return (
    <div className="spend-bar">
      <div className="segmented" role="group" aria-label="Range">
        {rangeChoices.map(({ kind, label }) => (
          <button key={kind} type="button" className="segmented__item" aria-pressed={range.kind === kind} data-range={kind} onClick={() => setRange(kind)}>
            {label}
          </button>
        ))}
      </div>
      <div className="spend-bar__month">
        <label htmlFor={monthId}>Month</label>
        <select
          id={monthId}
          className="input input--select"
          value={range.kind === 'custom' && range.month !== null ? range.month : ''}
          onChange={(e) => (e.target.value === '' ? setRange('month') : setRange('custom', e.target.value))}
        >
          <option value="">Choose a month…</option>
          {months.map((m) => (
            <option key={m} value={m}>
              {monthLabel(m)}
            </option>
          ))}
        </select>
      </div>
      <div className="segmented" role="group" aria-label="Group by">
        {groupChoices.map(({ group, label }) => (
          <button key={group} type="button" className="segmented__item" aria-pressed={groupBy === group} data-group={group} onClick={() => setGroupBy(group)}>
            {label}
          </button>
        ))}
      </div>
    </div>
  )
}

function Report({ report, names }: { report: SpendReport; names: Record<string, string> }) {
  const periodRows = report.periods.map((p) => report.byPeriod.find((r) => r.key === p.key)).filter((r): r is SpendRow => r !== undefined && r.runs > 0)
  const labelOf = new Map(report.periods.map((p) => [p.key, p.label]))
  const total = report.byProvider.reduce(
    (t, r) => ({ runs: t.runs + r.runs, usd: t.usd + (providerOfKey(r.key) === 'demo' ? 0 : r.estimatedUsd), actual: r.actualUsd === null ? t.actual : (t.actual ?? 0) + r.actualUsd }),
    { runs: 0, usd: 0, actual: null as number | null },
  )
  return (
    <>
      <dl className="spend-totals" aria-label={`Totals, ${report.range.label}`}>
        <div>
          <dt>Runs</dt>
          <dd>{total.runs}</dd>
        </div>
        <div>
          <dt>Estimated (paid services)</dt>
          <dd data-total-estimated={total.usd}>{formatUsd(total.usd)}</dd>
        </div>
        <div>
          <dt>Actual (account figures)</dt>
          <dd>{total.actual === null ? <span className="muted">Not known</span> : formatUsd(total.actual)}</dd>
        </div>
      </dl>
      <Suspense fallback={<p className="muted spend-charts__loading">Drawing the charts…</p>}>
        <SpendCharts report={report} />
      </Suspense>
      <div className="spend-tables">
        <SpendTable caption="By provider" first="Provider" rows={report.byProvider} nameOf={(row) => <ProviderName provider={providerOfKey(row.key)} />} />
        <SpendTable
          caption="By deployment"
          first="Deployment"
          rows={report.byDeployment}
          withDifference={false}
          nameOf={(row) => {
            const provider = providerOfKey(row.key)
            return (
              <>
                {names[row.key] ?? row.key.slice(row.key.indexOf('/') + 1)}
                <span className="spend__sub muted"> · </span>
                <span className="spend__sub muted">
                  <ProviderName provider={provider} />
                </span>
              </>
            )
          }}
        />
        <SpendTable caption={`By ${report.groupBy}`} first={report.groupBy === 'day' ? 'Day' : report.groupBy === 'week' ? 'Week' : 'Month'} rows={periodRows} nameOf={(row) => labelOf.get(row.key) ?? row.key} />
      </div>
    </>
  )
}

/** Why our estimate and the bill differ, in a few plain lines. */
function WhyTheyDiffer() {
  return (
    <section className="spend-section spend-why" aria-labelledby="spend-why">
      <h2 id="spend-why" className="section-title">
        Why the estimate and the bill differ
      </h2>
      <ul>
        <li>
          <strong>Our estimate</strong> is each run’s own GPU time (from the service’s timings) times the price of its GPU or machine tier. Failed and
          cancelled runs count too: the time they ran was billed.
        </li>
        <li>
          <strong>Cold starts, keep-warm and idle time</strong>: the services bill whole GPU sessions, including the minutes a machine boots, and the
          time it is kept warm after your last run. None of it belongs to one run, so the actual figure is usually a little higher.
        </li>
        <li>
          <strong>Other clients on the same account</strong> (the service’s web app, scripts, a teammate) are in the account’s figures but not in
          our runs.
        </li>
        <li>
          <strong>Timing</strong>: the services settle usage in their own time and day boundaries; refresh later for the final figures.
        </li>
      </ul>
    </section>
  )
}

/** The Spend view: what the runs cost per period, provider and deployment, against the budgets and the services' own figures. */
export function SpendView() {
  const report = useCourier((s) => s.spend.report)
  const status = useCourier((s) => s.spend.reportStatus)
  const error = useCourier((s) => s.spend.reportError)
  const overview = useCourier((s) => s.spend.overview)
  const overviewError = useCourier((s) => s.spend.overviewError)
  const loadReport = useCourier((s) => s.spend.loadReport)
  const loadOverview = useCourier((s) => s.spend.loadOverview)
  const go = useCourier((s) => s.nav.go)
  const toast = useCourier((s) => s.toasts.show)

  useEffect(() => {
    void loadOverview()
    void loadReport()
  }, [loadOverview, loadReport])

  // Runs priced while the view is open (a batch finishing) move the figures: read them again after a pause.
  const priced = useCourier((s) => s.runs.items.reduce((n, r) => (r.cost === null ? n : n + 1), 0))
  const [pricedSeen, setPricedSeen] = useState(priced)
  useEffect(() => {
    if (priced === pricedSeen) return
    const timer = setTimeout(() => {
      setPricedSeen(priced)
      void loadOverview()
      void loadReport()
    }, 1500)
    return () => clearTimeout(timer)
  }, [priced, pricedSeen, loadOverview, loadReport])

  const empty = report !== null && report.byProvider.every((r) => r.runs === 0)
  const exportCsv = () => {
    if (report === null) return
    const name = csvFileName(report)
    downloadText(name, spendCsv(report, overview?.deploymentNames))
    toast({ tone: 'info', text: `Saved ${name} to your downloads.` })
  }

  return (
    <section className="view spend" aria-labelledby="spend-title" aria-busy={status === 'loading'}>
      <ViewHeader id="spend-title" title="Spend" sub="What your runs cost: our estimates per run beside the services’ own account figures.">
        <button type="button" className="btn" onClick={exportCsv} disabled={report === null || empty}>
          Export CSV
        </button>
      </ViewHeader>
      <RangeBar />
      {report !== null && <p className="spend__range muted">{report.range.label}</p>}
      {error && <ErrorNotice error={error} live onRetry={() => void loadReport()} />}
      {report === null && status === 'loading' && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Adding up your runs…
        </p>
      )}
      {overview !== null && <Budgets overview={overview} />}
      {overviewError && <ErrorNotice error={overviewError} onRetry={() => void loadOverview()} />}
      {report !== null &&
        (empty ? (
          <EmptyState
            title={`No runs in ${report.range.label.replace(/ \(.*\)$/, '').replace(/^This/, 'this').replace(/^Last/, 'the last')}`}
            action={
              <button type="button" className="btn btn--primary" onClick={() => go('generate')}>
                Open Generate
              </button>
            }
          >
            Every run you start is counted here with its GPU time and cost, failed and cancelled runs too. The Demo’s runs show at simulated prices,
            and are free.
          </EmptyState>
        ) : (
          <Report report={report} names={overview?.deploymentNames ?? {}} />
        ))}
      {overview !== null && <Accounts overview={overview} />}
      <WhyTheyDiffer />
    </section>
  )
}
