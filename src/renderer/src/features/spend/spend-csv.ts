import type { SpendOverview, SpendRow } from '@shared/spend'
import { providerNames, usdCell } from '../../format/money'
import { providerOfKey } from '../../store/spend'
import type { SpendReport } from '../../store/types'

/** Columns of the export: one table a spreadsheet can pivot, each row saying what it groups. */
export const CSV_COLUMNS = ['level', 'period', 'provider', 'deployment_id', 'deployment', 'runs', 'gpu_seconds', 'estimated_usd', 'actual_usd', 'note'] as const

const DEMO_NOTE = 'simulated prices · free'

/** A CSV cell: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function cell(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

const gpu = (seconds: number): string => String(Math.round(seconds * 10) / 10)

function line(level: string, period: string, providerKey: string, deploymentId: string, deployment: string, row: SpendRow): string {
  const provider = providerOfKey(providerKey)
  const note = provider === 'demo' ? DEMO_NOTE : row.actualUsd === null ? '' : 'actual from the service’s account figures'
  return [level, period, provider === null ? providerKey : providerNames[provider], deploymentId, deployment, row.runs, gpu(row.gpuSeconds), usdCell(row.estimatedUsd), usdCell(row.actualUsd), note]
    .map(cell)
    .join(',')
}

/**
 * The Spend view's range as CSV: each period's total and its providers, then the range per provider and per
 * deployment. Dollars as plain numbers (dot decimals, no symbol); an empty `actual_usd` means the service says
 * nothing for that group.
 */
export function spendCsv(report: SpendReport, names: SpendOverview['deploymentNames'] = {}): string {
  const lines: string[] = [CSV_COLUMNS.join(',')]
  for (const period of report.periods) {
    const total = report.byPeriod.find((r) => r.key === period.key)
    if (total === undefined || total.runs === 0) continue
    lines.push(line(report.groupBy, period.key, 'all', '', '', total))
    for (const row of report.providersByPeriod[period.key] ?? []) lines.push(line(`${report.groupBy}-provider`, period.key, row.key, '', '', row))
  }
  const range = report.range.slug
  for (const row of report.byProvider) lines.push(line('provider', range, row.key, '', '', row))
  for (const row of report.byDeployment) {
    const slash = row.key.indexOf('/')
    const deploymentId = slash < 0 ? row.key : row.key.slice(slash + 1)
    lines.push(line('deployment', range, row.key.slice(0, Math.max(0, slash)), deploymentId, names[row.key] ?? deploymentId, row))
  }
  // A final line break, and CRLF as RFC 4180 and spreadsheet programs expect.
  return `${lines.join('\r\n')}\r\n`
}

/** `comfy-courier-spend-2026-12.csv`. */
export const csvFileName = (report: SpendReport): string => `comfy-courier-spend-${report.range.slug}.csv`

/** Saves text as a file through the browser's download (Blob + a link clicked): works in Electron and web mode alike. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A byte-order mark, so spreadsheet programs read the file as UTF-8 (names with accents, "·").
  const blob = new Blob(['\ufeff', text], { type })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // Revoked after the click has been handled (a download started synchronously from a click keeps its blob).
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
