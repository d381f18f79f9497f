import { createHash, randomBytes } from 'node:crypto'
import type { ComfyServerInput, ComfyServerView } from '@shared/comfyui'
import { join } from 'node:path'
import type { KeyState, SettingsPatch, SettingsView } from '@shared/settings'
import { DEFAULT_BUDGET, type Budget, type PaidProvider, type RunComfyPricing } from '@shared/spend'
import type { SecretBox } from '../core-types'
import { defaultLibraryDir, fixedSettings, resolveConfig, type CoreConfig, type ProviderConfig } from './config'
import { readSettingsFile, writeSettingsFile, type StoredComfyServer, type StoredSettings } from './settings-file'
import { authHeaders, type ComfyServer } from '../providers/comfyui/server'

/** In web mode keys sit in settings.json (mode 0600) as they are; the README and Settings say so. */
export const fileSecretBox: SecretBox = { kind: 'file', seal: (plain) => plain, open: (sealed) => sealed }

export type KeyedProvider = 'comfydeploy' | 'runcomfy'

/** A key as remembered in memory once it passed a test: its hash only, never the key. */
const fingerprint = (provider: KeyedProvider, key: string): string => createHash('sha256').update(`${provider}\n${key.trim()}`).digest('hex')

const keyState = (config: ProviderConfig): KeyState => (config.apiKey === null ? 'none' : config.keyVerified ? 'verified' : 'unverified')

/** Holds settings.json and the effective configuration derived from flags, environment and it. */
export class SettingsService {
  private stored: StoredSettings
  private effective: CoreConfig
  private readonly file: string
  /** Keys typed but not saved that passed `providers.test` in this session (hashes): saved later, they are verified. */
  private readonly passed = new Set<string>()

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

  private openKey(sealed: string | undefined): string | null {
    if (!sealed) return null
    try {
      return this.secrets.open(sealed)
    } catch {
      return null // a key sealed on another machine or by another user cannot be opened: treat it as absent
    }
  }

  private resolve(): CoreConfig {
    return resolveConfig({
      flags: this.flags,
      env: this.env,
      settings: this.stored,
      apiKeys: { comfydeploy: this.openKey(this.stored.comfydeploy.sealedApiKey), runcomfy: this.openKey(this.stored.runcomfy.sealedApiKey) },
      ngrokAuthtoken: this.openKey(this.stored.ngrok.sealedAuthtoken),
    })
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
      ngrok: { authtokenSet: config.ngrok.authtoken !== null, domain: config.ngrok.domain },
      comfydeploy: { apiKeySet: config.comfydeploy.apiKey !== null, baseUrl: config.comfydeploy.baseUrl, keyState: keyState(config.comfydeploy) },
      runcomfy: { apiKeySet: config.runcomfy.apiKey !== null, baseUrl: config.runcomfy.baseUrl, keyState: keyState(config.runcomfy) },
      keyStorage: this.secrets.kind,
      // Someone who set a key before the welcome existed has clearly found their way already.
      onboarded: this.stored.onboarded ?? (config.comfydeploy.apiKey !== null || config.runcomfy.apiKey !== null),
      fixed: this.fixed(),
      defaultLibraryDir: defaultLibraryDir(),
      budgets: { comfydeploy: this.budget('comfydeploy'), runcomfy: this.budget('runcomfy') },
      runcomfyPricing: this.runcomfyPricing(),
    }
  }

  /** A paid provider's budget, the defaults where the user set none. */
  budget(provider: PaidProvider): Budget {
    return this.stored.budgets?.[provider] ?? DEFAULT_BUDGET
  }

  runcomfyPricing(): RunComfyPricing {
    return { plan: this.stored.runcomfyPricing?.plan ?? 'payg', tiers: { ...this.stored.runcomfyPricing?.tiers } }
  }

  /** Settings a flag or the environment fixes (by `SettingsPatch` name): the app cannot change them. */
  fixed(): Record<string, { by: 'flag' | 'env'; name: string }> {
    return fixedSettings(this.flags, this.env)
  }

  /** A typed key passed `providers.test`: if it is saved later in this session, it is saved as verified. */
  rememberPassed(provider: KeyedProvider, key: string): void {
    this.passed.add(fingerprint(provider, key))
  }

  /**
   * What a test of (or a call with) the saved key showed: it works, or the service refused it. Returns true
   * when that changed the key's state (the caller then re-applies the configuration). A key from the
   * environment is left alone: it is not the app's to doubt or vouch for.
   */
  markKey(provider: KeyedProvider, verified: boolean): boolean {
    const config = this.effective[provider]
    if (config.apiKey === null || config.apiKeyFromEnv || config.keyVerified === verified) return false
    const next: StoredSettings = { ...this.stored, [provider]: { ...this.stored[provider], keyVerified: verified } }
    writeSettingsFile(this.file, next)
    this.stored = next
    this.effective = this.resolve()
    return true
  }

  private setKey(provider: KeyedProvider, target: { sealedApiKey?: string | undefined; keyVerified?: boolean | undefined }, key: string | undefined): void {
    if (key === undefined) return
    const trimmed = key.trim()
    if (trimmed) {
      target.sealedApiKey = this.secrets.seal(trimmed)
      // A new key is verified only if it passed a test before it was saved; otherwise the user chose to keep it untested.
      target.keyVerified = this.passed.has(fingerprint(provider, trimmed))
    } else {
      delete target.sealedApiKey
      delete target.keyVerified
    }
  }

  private setAuthtoken(target: { sealedAuthtoken?: string | undefined }, token: string | undefined): void {
    if (token === undefined) return
    const trimmed = token.trim()
    if (trimmed) target.sealedAuthtoken = this.secrets.seal(trimmed)
    else delete target.sealedAuthtoken
  }

  // ── ComfyUI servers (issue 19) ─────────────────────────────────────────────────────────────────────

  /** The server `COMFYUI_URL` defines (id `env`, bearer `COMFYUI_TOKEN`), if set; an invalid URL is an error the user sees. */
  private envComfyServer(): (ComfyServerView & { secret: string | null }) | null {
    const url = this.env.COMFYUI_URL?.trim()
    if (!url) return null
    try {
      const parsed = new URL(url)
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)')
    } catch {
      throw new Error(`invalid COMFYUI_URL: ${JSON.stringify(url)} (expected http://host:port or https://…)`)
    }
    const token = this.env.COMFYUI_TOKEN?.trim() || null
    return {
      id: 'env',
      name: 'ComfyUI (COMFYUI_URL)',
      url,
      auth: token ? 'bearer' : 'none',
      username: null,
      headerName: null,
      secretSet: token !== null,
      usdPerHour: null,
      fromEnv: true,
      isDefault: true,
      secret: token,
    }
  }

  private storedComfyServers(): StoredComfyServer[] {
    return this.stored.comfyui?.servers ?? []
  }

  /** The servers as the renderer sees them (no secrets): the environment's first, which is then the default. */
  comfyServerViews(): ComfyServerView[] {
    const envServer = this.envComfyServer()
    const saved = this.storedComfyServers().map((server, index) => ({
      id: server.id,
      name: server.name,
      url: server.url,
      auth: server.auth,
      username: server.username ?? null,
      headerName: server.headerName ?? null,
      secretSet: server.sealedSecret !== undefined && this.openKey(server.sealedSecret) !== null,
      usdPerHour: server.usdPerHour ?? null,
      fromEnv: false,
      isDefault: envServer === null && index === 0,
    }))
    if (!envServer) return saved
    const { secret: _secret, ...view } = envServer
    return [view, ...saved]
  }

  /** The servers with their auth as headers, for the client; and which is the default. */
  comfyServers(): { servers: ComfyServer[]; defaultServerId: string | null } {
    const servers: ComfyServer[] = []
    const envServer = this.envComfyServer()
    if (envServer) servers.push({ id: 'env', name: envServer.name, url: envServer.url, headers: authHeaders({ kind: envServer.auth, secret: envServer.secret }), usdPerHour: null })
    for (const server of this.storedComfyServers()) {
      const secret = this.openKey(server.sealedSecret)
      servers.push({
        id: server.id,
        name: server.name,
        url: server.url,
        headers: authHeaders({ kind: server.auth, secret, username: server.username ?? null, headerName: server.headerName ?? null }),
        usdPerHour: server.usdPerHour ?? null,
      })
    }
    return { servers, defaultServerId: servers[0]?.id ?? null }
  }

  /** Adds or edits a saved server (not the environment's). Throws with a message the user can act on. */
  saveComfyServer(input: ComfyServerInput): void {
    if (input.id === 'env') throw new Error('the server from COMFYUI_URL is set by the environment and cannot be edited here')
    const url = new URL(input.url)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('a ComfyUI server URL starts with http:// or https://')
    if (url.username || url.password) throw new Error('put the credentials in the auth fields, not in the URL')
    if (input.auth === 'basic' && !input.username) throw new Error('basic auth needs a user name')
    if (input.auth === 'header' && !input.headerName) throw new Error('a custom header needs its name')
    const servers = [...this.storedComfyServers()]
    const at = input.id ? servers.findIndex((server) => server.id === input.id) : -1
    if (input.id && at < 0) throw new Error(`no ComfyUI server ${input.id}`)
    const before = at >= 0 ? servers[at] : undefined
    const next: StoredComfyServer = {
      id: before?.id ?? `cs_${randomBytes(5).toString('hex')}`,
      name: input.name.trim(),
      url: input.url.replace(/\/+$/, ''),
      auth: input.auth,
      username: input.auth === 'basic' ? (input.username ?? null) : null,
      headerName: input.auth === 'header' ? (input.headerName ?? null) : null,
      usdPerHour: input.usdPerHour === undefined ? (before?.usdPerHour ?? null) : input.usdPerHour,
    }
    const secret = input.secret === undefined ? undefined : input.secret.trim()
    if (secret === undefined) {
      if (before?.sealedSecret && input.auth !== 'none') next.sealedSecret = before.sealedSecret
    } else if (secret !== '' && input.auth !== 'none') {
      next.sealedSecret = this.secrets.seal(secret)
    }
    if (at >= 0) servers[at] = next
    else servers.push(next)
    this.writeComfy(servers)
  }

  removeComfyServer(id: string): boolean {
    const servers = this.storedComfyServers()
    const kept = servers.filter((server) => server.id !== id)
    if (kept.length === servers.length) return false
    this.writeComfy(kept)
    return true
  }

  private writeComfy(servers: StoredComfyServer[]): void {
    const next: StoredSettings = { ...this.stored, comfyui: { servers } }
    writeSettingsFile(this.file, next)
    this.stored = next
  }

  update(patch: SettingsPatch): CoreConfig {
    const next: StoredSettings = { ...this.stored, ngrok: { ...this.stored.ngrok }, comfydeploy: { ...this.stored.comfydeploy }, runcomfy: { ...this.stored.runcomfy } }
    if (patch.libraryDir !== undefined) next.libraryDir = patch.libraryDir
    if (patch.tunnelMode !== undefined) next.tunnelMode = patch.tunnelMode
    if (patch.tunnelHost !== undefined) next.tunnelHost = patch.tunnelHost
    if (patch.publicUrl !== undefined) next.publicUrl = patch.publicUrl
    if (patch.onboarded !== undefined) next.onboarded = patch.onboarded
    if (patch.budgets !== undefined) {
      next.budgets = { ...this.stored.budgets }
      for (const [provider, change] of Object.entries(patch.budgets) as [PaidProvider, Partial<Budget>][]) {
        next.budgets[provider] = { ...this.budget(provider), ...change }
      }
    }
    if (patch.runcomfyPlan !== undefined || patch.runcomfyTiers !== undefined) {
      const tiers = { ...this.stored.runcomfyPricing?.tiers }
      for (const [deploymentId, tier] of Object.entries(patch.runcomfyTiers ?? {})) {
        if (tier === null) delete tiers[deploymentId]
        else tiers[deploymentId] = tier
      }
      next.runcomfyPricing = { plan: patch.runcomfyPlan ?? this.stored.runcomfyPricing?.plan ?? 'payg', tiers }
    }
    if (patch.ngrokDomain !== undefined) next.ngrok.domain = patch.ngrokDomain
    this.setAuthtoken(next.ngrok, patch.ngrokAuthtoken)
    if (patch.comfydeployBaseUrl !== undefined) next.comfydeploy.baseUrl = patch.comfydeployBaseUrl
    if (patch.runcomfyBaseUrl !== undefined) next.runcomfy.baseUrl = patch.runcomfyBaseUrl
    this.setKey('comfydeploy', next.comfydeploy, patch.comfydeployApiKey)
    this.setKey('runcomfy', next.runcomfy, patch.runcomfyApiKey)
    writeSettingsFile(this.file, next)
    this.stored = next
    this.effective = this.resolve()
    return this.effective
  }
}
