import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js'
import { useMemo } from 'react'
import { Bar, Chart } from 'react-chartjs-2'
import type { ProviderId } from '@shared/run'
import { formatUsd, providerNames } from '../../format/money'
import { providerOfKey } from '../../store/spend'
import type { SpendReport } from '../../store/types'

// Only what these two charts draw is registered (chart.js is tree-shaken; nothing it ships uses eval).
ChartJS.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend)

/** The theme's colours, read from the CSS custom properties (so both palettes, dark and light, apply). */
function themeColours() {
  const css = typeof window === 'undefined' ? null : window.getComputedStyle(document.documentElement)
  const read = (name: string, fallback: string): string => css?.getPropertyValue(name).trim() || fallback
  return {
    text: read('--text-dim', '#a3acba'),
    grid: read('--border', '#2a313d'),
    actual: read('--ok', '#4cc38a'),
    estimate: read('--accent', '#7c9cff'),
    provider: {
      comfydeploy: read('--provider-comfydeploy', '#7c9cff'),
      runcomfy: read('--provider-runcomfy', '#c38bff'),
      demo: read('--provider-demo', '#8a93a1'),
      comfyui: read('--provider-comfyui', '#5fb98a'),
    } satisfies Record<ProviderId, string>,
  }
}

const usdTick = (value: string | number): string => formatUsd(Number(value))
/** A tooltip's line: "ComfyDeploy: $0.42" (what chart.js passes, whichever chart type). */
function usdLabel(item: { dataset: { label?: string }; raw: unknown }): string {
  return `${item.dataset.label ?? ''}: ${item.raw === null ? 'not known' : formatUsd(Number(item.raw))}`
}

function baseOptions(stacked: boolean, colours: ReturnType<typeof themeColours>): ChartOptions<'bar'> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { color: colours.text, boxWidth: 12, boxHeight: 12 } },
      tooltip: { callbacks: { label: usdLabel } },
    },
    scales: {
      x: { stacked, ticks: { color: colours.text, maxRotation: 0, autoSkipPadding: 8 }, grid: { display: false } },
      y: { stacked, beginAtZero: true, ticks: { color: colours.text, callback: usdTick }, grid: { color: colours.grid } },
    },
  }
}

/** Estimated dollars per period, one stacked colour per provider (the Demo's simulated $0 is left out of the stack). */
export function ProviderBars({ report }: { report: SpendReport }) {
  const colours = useMemo(() => themeColours(), [])
  const data = useMemo<ChartData<'bar', number[], string>>(() => {
    const providers = [...new Set(Object.values(report.providersByPeriod).flatMap((rows) => rows.map((r) => r.key)))]
      .map(providerOfKey)
      .filter((p): p is ProviderId => p !== null)
      .sort()
    return {
      labels: report.periods.map((p) => p.label),
      datasets: providers.map((provider) => ({
        label: provider === 'demo' ? 'Demo (simulated, free)' : providerNames[provider],
        data: report.periods.map((p) => report.providersByPeriod[p.key]?.find((r) => r.key === provider)?.estimatedUsd ?? 0),
        backgroundColor: colours.provider[provider],
        borderRadius: 3,
        maxBarThickness: 36,
      })),
    }
  }, [report, colours.provider])
  const total = report.byPeriod.reduce((sum, r) => sum + r.estimatedUsd, 0)
  return (
    <div className="chart">
      <Bar
        data={data}
        options={baseOptions(true, colours)}
        role="img"
        aria-label={`Estimated spend per ${report.groupBy} by provider, ${report.range.label}: ${formatUsd(total)} in all. The same figures are in the tables below.`}
      />
    </div>
  )
}

/** Our estimate per period beside what the services' account figures say (a gap where they say nothing). */
export function EstimateVsActual({ report }: { report: SpendReport }) {
  const colours = useMemo(() => themeColours(), [])
  const data = useMemo<ChartData<'bar' | 'line', Array<number | null>, string>>(() => {
    const rowOf = (key: string) => report.byPeriod.find((r) => r.key === key)
    return {
      labels: report.periods.map((p) => p.label),
      datasets: [
        {
          type: 'bar' as const,
          label: 'Estimated',
          data: report.periods.map((p) => rowOf(p.key)?.estimatedUsd ?? 0),
          backgroundColor: colours.estimate,
          borderRadius: 3,
          maxBarThickness: 36,
          order: 2,
        },
        {
          type: 'line' as const,
          label: 'Actual (account figures)',
          data: report.periods.map((p) => rowOf(p.key)?.actualUsd ?? null),
          borderColor: colours.actual,
          backgroundColor: colours.actual,
          pointRadius: 3,
          spanGaps: false,
          order: 1,
        },
      ],
    }
  }, [report, colours.estimate, colours.actual])
  const known = report.byPeriod.filter((r) => r.actualUsd !== null)
  return (
    <div className="chart">
      <Chart
        type="bar"
        data={data}
        options={baseOptions(false, colours) as ChartOptions<'bar' | 'line'>}
        role="img"
        aria-label={`Estimated against actual spend per ${report.groupBy}, ${report.range.label}: ${
          known.length === 0 ? 'the services have no account figures for these periods yet' : `account figures for ${known.length} of ${report.byPeriod.length} periods with runs`
        }.`}
      />
    </div>
  )
}

/** Both charts, loaded on their own (chart.js stays out of the start-up bundle). */
export default function SpendCharts({ report }: { report: SpendReport }) {
  return (
    <div className="spend-charts">
      <figure className="spend-chart">
        <figcaption className="spend-chart__title">Estimated spend by provider</figcaption>
        <ProviderBars report={report} />
      </figure>
      <figure className="spend-chart">
        <figcaption className="spend-chart__title">Estimate against actual</figcaption>
        <EstimateVsActual report={report} />
      </figure>
    </div>
  )
}
