import { z } from 'zod'
import { NgrokDomain, TunnelMode } from './delivery'
import { Budget, BudgetsPatch, RunComfyPlan, RunComfyPricing, RunComfyTier } from './spend'

/**
 * A service's key: none saved; saved but it has never passed a connection test (kept because the user said
 * so: saved in Settings without a test, or refused since); or verified (passed a test, or a call with it
 * succeeded). Only a verified key wants the tunnel (docs/api.md, "Keys and the tunnel").
 */
export const KeyState = z.enum(['none', 'unverified', 'verified'])
export type KeyState = z.infer<typeof KeyState>

/** Where a setting the app cannot change comes from: a command-line flag or an environment variable, by name. */
export const FixedBy = z.object({ by: z.enum(['flag', 'env']), name: z.string() })
export type FixedBy = z.infer<typeof FixedBy>

const ServiceView = z.object({
  apiKeySet: z.boolean(),
  baseUrl: z.string(),
  /** Left out by an older core: read it as `apiKeySet ? 'verified' : 'none'`. */
  keyState: KeyState.optional(),
})

/** Settings as the renderer sees them: keys are never sent back, only whether one is set. */
export const SettingsView = z.object({
  libraryDir: z.string(),
  tunnelMode: TunnelMode,
  tunnelHost: z.string().nullable(),
  publicUrl: z.string().nullable(),
  /** ngrok mode: whether an authtoken is set (never the token itself), and the reserved domain if any. */
  ngrok: z.object({ authtokenSet: z.boolean(), domain: z.string().nullable() }),
  comfydeploy: ServiceView,
  runcomfy: ServiceView,
  /** Where keys are kept: the OS keychain (desktop) or settings.json readable by this user alone (web). */
  keyStorage: z.enum(['safeStorage', 'file']),
  /** False until the first-run welcome is finished or skipped; the renderer shows it while false. */
  onboarded: z.boolean(),
  /**
   * Settings fixed when the app was started, by `SettingsPatch` name (`libraryDir`, `tunnelMode`,
   * `comfydeployApiKey`…): the app cannot change them, and `settings.update` refuses to. Absent: none.
   */
  fixed: z.record(z.string(), FixedBy).optional(),
  /** The library folder the app would use with nothing chosen, for "Use the suggested folder". */
  defaultLibraryDir: z.string().optional(),
  /** Each paid provider's budget (issue 17), defaults filled in: no monthly limit, confirm above $1, no hard stop. */
  budgets: z.object({ comfydeploy: Budget, runcomfy: Budget }),
  /** How RunComfy runs are priced: the plan, and tiers chosen per deployment. */
  runcomfyPricing: RunComfyPricing,
})
export type SettingsView = z.infer<typeof SettingsView>

export const SettingsPatch = z.object({
  libraryDir: z.string().min(1).optional(),
  tunnelMode: TunnelMode.optional(),
  tunnelHost: z.string().url().nullable().optional(),
  publicUrl: z.string().url().nullable().optional(),
  /** The ngrok authtoken; an empty string removes it. */
  ngrokAuthtoken: z.string().max(4096).optional(),
  /** null: ngrok picks the URL (your account's dev domain or a random one). */
  ngrokDomain: NgrokDomain.nullable().optional(),
  /** An empty string removes the key. */
  comfydeployApiKey: z.string().max(4096).optional(),
  comfydeployBaseUrl: z.string().url().optional(),
  /** An empty string removes the key. */
  runcomfyApiKey: z.string().max(4096).optional(),
  runcomfyBaseUrl: z.string().url().optional(),
  onboarded: z.boolean().optional(),
  /** Budgets by provider; the fields given replace the provider's own, the rest stay as they were. */
  budgets: BudgetsPatch.optional(),
  runcomfyPlan: RunComfyPlan.optional(),
  /** A deployment's RunComfy tier by deployment id; null removes the choice (the SKU's guess applies again). */
  runcomfyTiers: z.record(z.string().min(1).max(200), RunComfyTier.nullable()).optional(),
})
export type SettingsPatch = z.infer<typeof SettingsPatch>
