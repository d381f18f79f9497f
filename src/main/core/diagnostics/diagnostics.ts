import type { AppInfo } from '@shared/contract'
import type { TunnelStatus } from '@shared/delivery'
import { RunStatus, terminalStatuses } from '@shared/run'
import type { SettingsView } from '@shared/settings'
import type { SpendOverview } from '@shared/spend'
import { redact } from '../log/logger'
import type { Db } from '../store/database'

/** Everything the diagnostics text is made of, gathered by `createCore` at the moment it is asked for. */
export interface DiagnosticsSource {
  info: AppInfo
  /** The settings as the UI sees them: keys only as "set" or not (`SettingsView` never holds a key). */
  settings: SettingsView
  tunnel: TunnelStatus
  listenerUrl: string | null
  runs: RunCounts
  /** The last warning and error log lines (already redacted by the logger). */
  recentLog: readonly string[]
  /** This month's spend per provider against its budget, and the prices in use (absent: not gathered). */
  spend?: SpendOverview
  /** Secret values in effect (API keys, ngrok authtoken): scrubbed from the text wherever they appear. */
  secrets: readonly (string | null | undefined)[]
  now: Date
}

export interface RunCounts {
  byStatus: Partial<Record<RunStatus, number>>
  /** Runs whose outputs are still on their way to disk (the download queue). */
  downloadsPending: number
}

/** Counts runs by status and those with downloads pending, in two small aggregate queries. */
export function countRuns(db: Db): RunCounts {
  const byStatus: Partial<Record<RunStatus, number>> = {}
  for (const row of db.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as Array<{ status: string; n: number }>) {
    const status = RunStatus.safeParse(row.status)
    if (status.success) byStatus[status.data] = Number(row.n)
  }
  const pending = db.prepare("SELECT count(*) AS n FROM runs WHERE downloads = 'pending'").all()[0] as { n: number } | undefined
  return { byStatus, downloadsPending: Number(pending?.n ?? 0) }
}

/** A URL for a bug report: no credentials, no query or fragment (where tokens travel), path kept. */
export function safeUrl(url: string | null): string {
  if (url === null) return 'none'
  try {
    const parsed = new URL(url)
    const hidden = parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== ''
    parsed.username = ''
    parsed.password = ''
    parsed.search = ''
    parsed.hash = ''
    return hidden ? `${parsed.href} (credentials/query removed)` : parsed.href
  } catch {
    return '(not a URL)'
  }
}

const yesNo = (set: boolean): string => (set ? 'set' : 'not set')

/**
 * Plain text to paste into a bug report (`app.diagnostics`). Built from views that never hold a secret
 * (`SettingsView` says "set" / "not set"), URLs stripped of credentials and queries, and then, as a
 * second net, every known secret value and everything `redact` recognizes is scrubbed from the result.
 */
export function diagnosticsText(source: DiagnosticsSource): string {
  const { info, settings, tunnel, runs } = source
  const live = RunStatus.options
    .filter((status) => !terminalStatuses.includes(status))
    .reduce((sum, status) => sum + (runs.byStatus[status] ?? 0), 0)
  const total = Object.values(runs.byStatus).reduce((sum, n) => sum + (n ?? 0), 0)

  const lines = [
    `Comfy Courier ${info.version} — diagnostics, ${source.now.toISOString()}`,
    '',
    '## App',
    `mode: ${info.mode}`,
    `platform: ${info.platform}`,
    ...Object.entries(info.versions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, version]) => `${name}: ${version}`),
    `data folder: ${info.dataDir}`,
    `library folder: ${info.libraryDir}`,
    '',
    '## Settings',
    `ComfyDeploy API key: ${yesNo(settings.comfydeploy.apiKeySet)}; base URL: ${safeUrl(settings.comfydeploy.baseUrl)}`,
    `RunComfy API key: ${yesNo(settings.runcomfy.apiKeySet)}; base URL: ${safeUrl(settings.runcomfy.baseUrl)}`,
    `keys kept in: ${settings.keyStorage === 'safeStorage' ? 'the OS keychain (safeStorage)' : 'settings.json (this user only)'}`,
    `tunnel mode: ${settings.tunnelMode}`,
    `tunnel host: ${settings.tunnelHost === null ? 'default' : safeUrl(settings.tunnelHost)}`,
    `public URL (url mode): ${safeUrl(settings.publicUrl)}`,
    `ngrok auth token: ${yesNo(settings.ngrok.authtokenSet)}; ngrok domain: ${settings.ngrok.domain ?? 'none'}`,
    `onboarded: ${settings.onboarded ? 'yes' : 'no'}`,
    '',
    '## Delivery',
    `listener: ${safeUrl(source.listenerUrl)}`,
    `tunnel: ${tunnel.state} (${tunnel.mode}), public URL: ${safeUrl(tunnel.publicUrl)}`,
    ...(tunnel.error ? [`tunnel error: ${tunnel.error}`] : []),
    '',
    '## Runs',
    `live: ${live}; total: ${total}`,
    ...RunStatus.options.map((status) => `${status}: ${runs.byStatus[status] ?? 0}`),
    `runs with downloads pending: ${runs.downloadsPending}`,
    ...(source.spend ? ['', ...spendLines(source.spend)] : []),
    '',
    `## Recent warnings and errors (last ${source.recentLog.length})`,
    ...(source.recentLog.length > 0 ? source.recentLog : ['none']),
  ]
  return scrub(lines.join('\n'), source.secrets)
}

const usd = (value: number | null) => (value === null ? 'unknown' : `$${value.toFixed(4)}`)

/** This month's spend as a bug report needs it: per provider, estimated beside actual, the budget, and the prices' source. */
function spendLines(spend: SpendOverview): string[] {
  return [
    `## Spend (${spend.month.key})`,
    ...spend.month.byProvider.map((row) => {
      const budget = row.budget
      const limit = budget === null ? 'free' : budget.monthlyUsd === null ? 'no monthly budget' : `budget ${usd(budget.monthlyUsd)}${budget.hardStop ? ' (hard stop)' : ''}, ${row.budgetState}`
      const confirm = budget === null ? '' : `; confirm above ${usd(budget.confirmAboveUsd)}`
      return `${row.provider}: ${row.runs} runs, estimated ${usd(row.estimatedUsd)}, actual ${usd(row.actualUsd)}; ${limit}${confirm}`
    }),
    ...spend.prices.map((table) => `${table.provider} prices: ${table.source}, as of ${table.asOf}`),
    ...spend.accounts.map((account) => `${account.provider} account (${account.source}): ${account.readAt === null ? 'never read' : `read ${new Date(account.readAt).toISOString()}`}${account.message ? ` — ${account.message}` : ''}`),
  ]
}

/** Removes every occurrence of the known secret values, then whatever `redact` recognizes. */
export function scrub(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text
  // Longest first, so a secret containing another is removed whole. Very short values are skipped: they
  // would blank out ordinary words (no real key is this short).
  const known = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.trim().length >= 6))].sort((a, b) => b.length - a.length)
  for (const secret of known) out = out.split(secret).join('[redacted]')
  return redact(out)
}
