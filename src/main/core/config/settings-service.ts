import { join } from 'node:path'
import type { SettingsPatch, SettingsView } from '@shared/settings'
import type { SecretBox } from '../core-types'
import { resolveConfig, type CoreConfig } from './config'
import { readSettingsFile, writeSettingsFile, type StoredSettings } from './settings-file'

/** In web mode keys sit in settings.json (mode 0600) as they are; the README and Settings say so. */
export const fileSecretBox: SecretBox = { kind: 'file', seal: (plain) => plain, open: (sealed) => sealed }

/** Holds settings.json and the effective configuration derived from flags, environment and it. */
export class SettingsService {
  private stored: StoredSettings
  private effective: CoreConfig
  private readonly file: string

  constructor(
    dataDir: string,
    private readonly flags: Record<string, string | undefined>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly secrets: SecretBox,
  ) {
    this.file = join(dataDir, 'settings.json')
    this.stored = readSettingsFile(this.file)
    this.effective = this.resolve()
  }

  private resolve(): CoreConfig {
    const sealed = this.stored.comfydeploy.sealedApiKey
    let key: string | null = null
    if (sealed) {
      try {
        key = this.secrets.open(sealed)
      } catch {
        key = null // a key sealed on another machine or user cannot be opened: treat as absent
      }
    }
    return resolveConfig({ flags: this.flags, env: this.env, settings: this.stored, apiKeyFromSettings: key })
  }

  config(): CoreConfig {
    return this.effective
  }

  view(): SettingsView {
    const config = this.effective
    return {
      libraryDir: config.libraryDir,
      tunnelMode: config.tunnelMode,
      tunnelHost: config.tunnelHost,
      publicUrl: config.publicUrl,
      comfydeploy: { apiKeySet: config.comfydeploy.apiKey !== null, baseUrl: config.comfydeploy.baseUrl },
    }
  }

  update(patch: SettingsPatch): CoreConfig {
    const next: StoredSettings = { ...this.stored, comfydeploy: { ...this.stored.comfydeploy } }
    if (patch.libraryDir !== undefined) next.libraryDir = patch.libraryDir
    if (patch.tunnelMode !== undefined) next.tunnelMode = patch.tunnelMode
    if (patch.tunnelHost !== undefined) next.tunnelHost = patch.tunnelHost
    if (patch.publicUrl !== undefined) next.publicUrl = patch.publicUrl
    if (patch.comfydeployBaseUrl !== undefined) next.comfydeploy.baseUrl = patch.comfydeployBaseUrl
    if (patch.comfydeployApiKey !== undefined) {
      const key = patch.comfydeployApiKey.trim()
      if (key) next.comfydeploy.sealedApiKey = this.secrets.seal(key)
      else delete next.comfydeploy.sealedApiKey
    }
    writeSettingsFile(this.file, next)
    this.stored = next
    this.effective = this.resolve()
    return this.effective
  }
}
