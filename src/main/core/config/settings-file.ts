import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import { NgrokDomain, TunnelMode } from '@shared/delivery'
import { Budgets, RunComfyPlan, RunComfyTier } from '@shared/spend'

/** `keyVerified`: the saved key passed a connection test, or a call made with it succeeded (see SettingsService). */
const ProviderSettings = z.object({ sealedApiKey: z.string().optional(), baseUrl: z.string().url().optional(), keyVerified: z.boolean().optional() })
/** The ngrok authtoken is a secret like an API key: sealed by the SecretBox. */
const NgrokSettings = z.object({ sealedAuthtoken: z.string().optional(), domain: NgrokDomain.nullable().optional() })

/** A ComfyUI server (issue 19); its token, password or header value sealed like an API key. */
export const StoredComfyServer = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  url: z.string().url(),
  auth: z.enum(['none', 'bearer', 'basic', 'header']),
  username: z.string().nullable().optional(),
  headerName: z.string().nullable().optional(),
  sealedSecret: z.string().optional(),
  usdPerHour: z.number().nonnegative().nullable().optional(),
})
export type StoredComfyServer = z.infer<typeof StoredComfyServer>

/** settings.json as stored: API keys are sealed by the SecretBox, never written in the clear by us. */
export const StoredSettings = z.object({
  libraryDir: z.string().min(1).optional(),
  tunnelMode: TunnelMode.optional(),
  tunnelHost: z.string().url().nullable().optional(),
  publicUrl: z.string().url().nullable().optional(),
  /** Set once the user has finished (or skipped) the first-run welcome. */
  onboarded: z.boolean().optional(),
  ngrok: NgrokSettings.default({}),
  comfydeploy: ProviderSettings.default({}),
  runcomfy: ProviderSettings.default({}),
  comfyui: z.object({ servers: z.array(StoredComfyServer).default([]) }).default({ servers: [] }),
  /** Budgets per paid provider (issue 17); a provider left out has the defaults. */
  budgets: Budgets.optional(),
  /** RunComfy's pricing: the account's plan, and tiers the user chose per deployment. */
  runcomfyPricing: z.object({ plan: RunComfyPlan.optional(), tiers: z.record(z.string(), RunComfyTier).optional() }).optional(),
})
export type StoredSettings = z.infer<typeof StoredSettings>

/** Reads settings.json; a missing file is empty settings, a corrupt one is an error the user must see. */
export function readSettingsFile(file: string): StoredSettings {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return StoredSettings.parse({})
    throw error
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`${file} is not valid JSON; fix or delete it`)
  }
  const parsed = StoredSettings.safeParse(json)
  if (!parsed.success) throw new Error(`${file} has invalid settings: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

/** Writes atomically (temp + rename), readable by the user alone since it may hold a sealed key. */
export function writeSettingsFile(file: string, settings: StoredSettings): void {
  mkdirSync(dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 })
  chmodSync(temp, 0o600)
  renameSync(temp, file)
}
