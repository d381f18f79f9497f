import { mkdirSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { CourierEvent, LibraryMoveProgress } from '@shared/events'
import type { SettingsPatch } from '@shared/settings'
import { err, ok } from '@shared/result'
import type { CoreConfig } from '../config/config'
import type { SettingsService } from '../config/settings-service'
import type { EventHub } from '../events/event-hub'
import { moveLibrary } from '../library/move-library'
import type { Logger } from '../log/logger'
import type { OutputsRepo } from '../store/outputs-repo'
import type { CoreApi } from './build-api'

export interface SettingsApiDeps {
  settings: Pick<SettingsService, 'config' | 'view' | 'update' | 'fixed'>
  /** The saved outputs, which follow the library folder when it changes. */
  outputs: OutputsRepo
  events: Pick<EventHub<CourierEvent>, 'publish'>
  /** Rebuilds provider clients and the tunnel wish after a change, so it applies without a restart. */
  applyConfig: () => void
  /** The library folder that would be in effect with `libraryDir` saved (flags and environment still win). */
  effectiveLibraryFor: (libraryDir: string) => string
  log: Logger
}

/** Reading and changing settings; a new library folder takes the saved outputs with it. */
/** Each patchable setting's value in effect now, by its `SettingsPatch` name (a removed key is ''). */
function inEffect(config: CoreConfig): Required<Omit<SettingsPatch, 'onboarded' | 'budgets' | 'runcomfyPlan' | 'runcomfyTiers'>> {
  return {
    libraryDir: config.libraryDir,
    tunnelMode: config.tunnelMode,
    tunnelHost: config.tunnelHost,
    publicUrl: config.publicUrl,
    ngrokAuthtoken: config.ngrok.authtoken ?? '',
    ngrokDomain: config.ngrok.domain,
    comfydeployApiKey: config.comfydeploy.apiKey ?? '',
    comfydeployBaseUrl: config.comfydeploy.baseUrl,
    runcomfyApiKey: config.runcomfy.apiKey ?? '',
    runcomfyBaseUrl: config.runcomfy.baseUrl,
  }
}

export function settingsApi(deps: SettingsApiDeps): Pick<CoreApi, 'settings.get' | 'settings.update'> {
  const { settings, outputs, events, log } = deps
  /** Set while the library folder is being moved: another change of folder meanwhile is refused, not queued. */
  let moving = false

  return {
    'settings.get': async () => ok(settings.view()),
    'settings.update': async (patch) => {
      // A setting a flag or the environment fixes would be saved and never used: a change to it is refused,
      // naming what fixes it. Its own value again (a form sent whole) changes nothing and passes.
      const fixed = settings.fixed()
      const current = inEffect(settings.config())
      const blocked = Object.keys(patch).find((name) => {
        const value = (patch as Record<string, unknown>)[name]
        return fixed[name] !== undefined && value !== undefined && value !== current[name as keyof typeof current]
      })
      if (blocked !== undefined) {
        const source = fixed[blocked] as { by: 'flag' | 'env'; name: string }
        return err('BAD_INPUT', `${blocked} is set by ${source.by === 'flag' ? 'the flag' : 'the environment variable'} ${source.name}`, blocked)
      }
      if (patch.libraryDir !== undefined && !isAbsolute(patch.libraryDir)) {
        return err('BAD_INPUT', 'the library folder must be an absolute path', 'libraryDir')
      }
      const from = settings.config().libraryDir
      const to = patch.libraryDir === undefined ? from : deps.effectiveLibraryFor(patch.libraryDir)
      if (resolve(to) === resolve(from) || outputs.count() === 0) {
        settings.update(patch)
        deps.applyConfig()
        return ok(settings.view())
      }
      // The saved outputs follow the library to its new folder before the setting changes.
      if (moving) return err('CONFLICT', 'the library folder is already being moved; wait for that to finish', 'libraryDir')
      moving = true
      // `library.moving` while the files move; its end (done or failed) is held until the setting has changed.
      let end: LibraryMoveProgress | null = null
      const onProgress = (progress: LibraryMoveProgress) =>
        progress.state === 'moving' ? events.publish({ type: 'library.moving', progress }) : void (end = progress)
      try {
        const outcome = await moveLibrary({ outputs, from, to, log, onProgress })
        if (!outcome.ok) return err('BAD_INPUT', outcome.message, 'libraryDir')
        settings.update(patch)
        deps.applyConfig()
        mkdirSync(to, { recursive: true })
        // Outputs saved into the old folder while the files were moving follow them now.
        const late = await moveLibrary({ outputs, from, to, log, checkTarget: false })
        if (!late.ok) log.warn('outputs saved during the move stay in the old folder', { message: late.message })
        return ok(settings.view())
      } catch (error) {
        if (end) end = { ...(end as LibraryMoveProgress), state: 'failed', message: `The move did not finish: ${(error as Error).message}` }
        throw error
      } finally {
        moving = false
        if (end) events.publish({ type: 'library.moving', progress: end })
      }
    },
  }
}
