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
  const provider = (name: string, envPrefix: string, stored: { baseUrl?: string | undefined }, fallback: string, key: string | null): ProviderConfig => {
    const envKey = pick(env[`${envPrefix}_API_KEY`])
    const baseUrl = parseOr(Url, pick(env[`${envPrefix}_API_URL`], stored.baseUrl), `${name} API URL`)
    return { baseUrl: baseUrl ?? fallback, apiKey: envKey ?? key, apiKeyFromEnv: envKey !== undefined }
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
