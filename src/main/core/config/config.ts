import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { TunnelMode } from '@shared/delivery'
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
  comfydeploy: ProviderConfig
  runcomfy: ProviderConfig
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
}): CoreConfig {
  const { flags, env, settings } = opts
  const provider = (name: string, envPrefix: string, stored: { baseUrl?: string | undefined }, fallback: string, key: string | null): ProviderConfig => {
    const envKey = pick(env[`${envPrefix}_API_KEY`])
    const baseUrl = parseOr(Url, pick(env[`${envPrefix}_API_URL`], stored.baseUrl), `${name} API URL`)
    return { baseUrl: baseUrl ?? fallback, apiKey: envKey ?? key, apiKeyFromEnv: envKey !== undefined }
  }
  return {
    libraryDir: pick(flags['library-dir'], env.COURIER_LIBRARY_DIR, settings.libraryDir) ?? defaultLibraryDir(),
    listenerPort: parseOr(Port, pick(flags['listener-port'], env.COURIER_LISTENER_PORT), 'listener port') ?? 0,
    tunnelMode: parseOr(TunnelMode, pick(flags.tunnel, env.COURIER_TUNNEL, settings.tunnelMode), 'tunnel mode') ?? 'localtunnel',
    tunnelHost: parseOr(Url, pick(flags['tunnel-host'], env.COURIER_TUNNEL_HOST, settings.tunnelHost), 'tunnel host') ?? null,
    publicUrl: parseOr(Url, pick(flags['public-url'], env.COURIER_PUBLIC_URL, settings.publicUrl), 'public URL') ?? null,
    comfydeploy: provider('ComfyDeploy', 'COMFYDEPLOY', settings.comfydeploy, DEFAULT_COMFYDEPLOY_URL, opts.apiKeys.comfydeploy),
    runcomfy: provider('RunComfy', 'RUNCOMFY', settings.runcomfy, DEFAULT_RUNCOMFY_URL, opts.apiKeys.runcomfy),
  }
}
