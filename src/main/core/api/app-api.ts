import type { AppInfo } from '@shared/contract'
import type { TunnelStatus } from '@shared/delivery'
import { ok } from '@shared/result'
import type { SpendOverview } from '@shared/spend'
import type { SettingsService } from '../config/settings-service'
import { diagnosticsText, type RunCounts } from '../diagnostics/diagnostics'
import type { CoreApi } from './build-api'

export interface AppApiDeps {
  version: string
  mode: AppInfo['mode']
  dataDir: string
  settings: Pick<SettingsService, 'config' | 'view'>
  tunnelStatus: () => TunnelStatus
  listenerUrl: () => string | null
  runCounts: () => RunCounts
  /** The last warning and error log lines, already redacted. */
  recentLog: () => readonly string[]
  /** This month's spend per provider, the budgets and the prices in use. */
  spendOverview: () => SpendOverview
}

/** The runtimes this core runs on; `electron` and `chrome` exist only inside the desktop app. */
function runtimeVersions(app: string): Record<string, string> {
  const { node, electron, chrome, v8 } = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string }
  const versions: Record<string, string> = { app, node, v8 }
  if (electron) versions.electron = electron
  if (chrome) versions.chrome = chrome
  return versions
}

/** `app.info` and `app.diagnostics`: what this build is and where it keeps things. */
export function appApi(deps: AppApiDeps): Pick<CoreApi, 'app.info' | 'app.diagnostics'> {
  const info = (): AppInfo => ({
    version: deps.version,
    mode: deps.mode,
    dataDir: deps.dataDir,
    libraryDir: deps.settings.config().libraryDir,
    versions: runtimeVersions(deps.version),
    platform: `${process.platform} ${process.arch}`,
  })
  return {
    'app.info': async () => ok(info()),
    // Plain text for a bug report; secrets never in it (core/diagnostics/diagnostics.ts).
    'app.diagnostics': async () => {
      const config = deps.settings.config()
      return ok({
        text: diagnosticsText({
          info: info(),
          settings: deps.settings.view(),
          tunnel: deps.tunnelStatus(),
          listenerUrl: deps.listenerUrl(),
          runs: deps.runCounts(),
          recentLog: deps.recentLog(),
          spend: deps.spendOverview(),
          secrets: [config.comfydeploy.apiKey, config.runcomfy.apiKey, config.ngrok.authtoken],
          now: new Date(),
        }),
      })
    },
  }
}
