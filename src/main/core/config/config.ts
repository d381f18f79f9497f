import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { NgrokDomain, TunnelMode } from '@shared/delivery'
import type { StoredSettings } from './settings-file'

export const DEFAULT_COMFYDEPLOY_URL = 'https://api.comfydeploy.com/api'
export const DEFAULT_RUNCOMFY_URL = 'https://api.runcomfy.net'

/** The effective configuration: flags win over the environment, the environment over settings.json. */
export interface CoreConfig {
  libraryDir: string
  listenerPort: number
  tunnelMode: TunnelMode
  /** A localtunnel server's base URL; null = the client's public default. */
  tunnelHost: string | null
  publicUrl: string | null
  ngrok: NgrokConfig
  comfydeploy: ProviderConfig
  runcomfy: ProviderConfig
}

export interface NgrokConfig {
  /** From `NGROK_AUTHTOKEN` (ngrok's own variable) or settings.json; never a flag, which `ps` would show. */
  authtoken: string | null
  authtokenFromEnv: boolean
  /** A domain reserved in the ngrok dashboard; null = ngrok picks the URL. */
  domain: string | null
}

export interface ProviderConfig {
  baseUrl: string
  apiKey: string | null
  apiKeyFromEnv: boolean
  /**
   * The key in use has passed a connection test (or a call made with it succeeded). A key from the
   * environment counts as verified: whoever started the app chose it on purpose, and no welcome typed it.
   */
  keyVerified: boolean
}

/** Where a setting that cannot be changed in the app comes from: a command-line flag or an environment variable. */
export interface FixedBy {
  by: 'flag' | 'env'
  /** `--library-dir`, `COURIER_LIBRARY_DIR`… */
  name: string
}

/** The settings a flag or the environment can fix, with the flag (if any) and the variable that do. */
const fixable: Record<string, { flag?: string; env: string }> = {
  libraryDir: { flag: 'library-dir', env: 'COURIER_LIBRARY_DIR' },
  tunnelMode: { flag: 'tunnel', env: 'COURIER_TUNNEL' },
  tunnelHost: { flag: 'tunnel-host', env: 'COURIER_TUNNEL_HOST' },
  publicUrl: { flag: 'public-url', env: 'COURIER_PUBLIC_URL' },
  ngrokDomain: { flag: 'ngrok-domain', env: 'COURIER_NGROK_DOMAIN' },
  ngrokAuthtoken: { env: 'NGROK_AUTHTOKEN' },
  comfydeployApiKey: { env: 'COMFYDEPLOY_API_KEY' },
  comfydeployBaseUrl: { env: 'COMFYDEPLOY_API_URL' },
  runcomfyApiKey: { env: 'RUNCOMFY_API_KEY' },
  runcomfyBaseUrl: { env: 'RUNCOMFY_API_URL' },
}

/** Which settings (by their `SettingsPatch` name) a flag or the environment fixes, so the app cannot change them. */
export function fixedSettings(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv): Record<string, FixedBy> {
  const fixed: Record<string, FixedBy> = {}
  for (const [setting, source] of Object.entries(fixable)) {
    if (source.flag !== undefined && pick(flags[source.flag]) !== undefined) fixed[setting] = { by: 'flag', name: `--${source.flag}` }
    else if (pick(env[source.env]?.trim()) !== undefined) fixed[setting] = { by: 'env', name: source.env }
  }
  return fixed
}

const Port = z.coerce.number().int().min(0).max(65535)
const Url = z.string().url()

function pick(...values: (string | undefined | null)[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value !== '')
}

function parseOr<T>(schema: z.ZodType<T>, value: string | undefined, name: string): T | undefined {
  if (value === undefined) return undefined
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new Error(`invalid ${name}: ${JSON.stringify(value)}`)
  return parsed.data
}

export function defaultLibraryDir(): string {
  return join(homedir(), 'Pictures', 'Comfy Courier')
}

export function resolveConfig(opts: {
  flags: Record<string, string | undefined>
  env: NodeJS.ProcessEnv
  settings: StoredSettings
  apiKeys: { comfydeploy: string | null; runcomfy: string | null }
  /** The ngrok authtoken from settings.json, already opened by the SecretBox. */
  ngrokAuthtoken?: string | null
}): CoreConfig {
  const { flags, env, settings } = opts
  type Stored = { baseUrl?: string | undefined; keyVerified?: boolean | undefined }
  const provider = (name: string, envPrefix: string, stored: Stored, fallback: string, key: string | null): ProviderConfig => {
    const envKey = pick(env[`${envPrefix}_API_KEY`])
    const baseUrl = parseOr(Url, pick(env[`${envPrefix}_API_URL`], stored.baseUrl), `${name} API URL`)
    const apiKey = envKey ?? key
    const keyVerified = apiKey !== null && (envKey !== undefined || stored.keyVerified === true)
    return { baseUrl: baseUrl ?? fallback, apiKey, apiKeyFromEnv: envKey !== undefined, keyVerified }
  }
  const ngrok = (): NgrokConfig => {
    const envToken = pick(env.NGROK_AUTHTOKEN?.trim())
    const domain = parseOr(NgrokDomain, pick(flags['ngrok-domain'], env.COURIER_NGROK_DOMAIN, settings.ngrok.domain), 'ngrok domain')
    return { authtoken: envToken ?? opts.ngrokAuthtoken ?? null, authtokenFromEnv: envToken !== undefined, domain: domain ?? null }
  }
  return {
    libraryDir: pick(flags['library-dir'], env.COURIER_LIBRARY_DIR, settings.libraryDir) ?? defaultLibraryDir(),
    listenerPort: parseOr(Port, pick(flags['listener-port'], env.COURIER_LISTENER_PORT), 'listener port') ?? 0,
    tunnelMode: parseOr(TunnelMode, pick(flags.tunnel, env.COURIER_TUNNEL, settings.tunnelMode), 'tunnel mode') ?? 'localtunnel',
    tunnelHost: parseOr(Url, pick(flags['tunnel-host'], env.COURIER_TUNNEL_HOST, settings.tunnelHost), 'tunnel host') ?? null,
    publicUrl: parseOr(Url, pick(flags['public-url'], env.COURIER_PUBLIC_URL, settings.publicUrl), 'public URL') ?? null,
    ngrok: ngrok(),
    comfydeploy: provider('ComfyDeploy', 'COMFYDEPLOY', settings.comfydeploy, DEFAULT_COMFYDEPLOY_URL, opts.apiKeys.comfydeploy),
    runcomfy: provider('RunComfy', 'RUNCOMFY', settings.runcomfy, DEFAULT_RUNCOMFY_URL, opts.apiKeys.runcomfy),
  }
}
