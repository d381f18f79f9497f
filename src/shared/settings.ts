import { z } from 'zod'
import { NgrokDomain, TunnelMode } from './delivery'

/** Settings as the renderer sees them: keys are never sent back, only whether one is set. */
export const SettingsView = z.object({
  libraryDir: z.string(),
  tunnelMode: TunnelMode,
  tunnelHost: z.string().nullable(),
  publicUrl: z.string().nullable(),
  /** ngrok mode: whether an authtoken is set (never the token itself), and the reserved domain if any. */
  ngrok: z.object({ authtokenSet: z.boolean(), domain: z.string().nullable() }),
  comfydeploy: z.object({ apiKeySet: z.boolean(), baseUrl: z.string() }),
  runcomfy: z.object({ apiKeySet: z.boolean(), baseUrl: z.string() }),
  /** Where keys are kept: the OS keychain (desktop) or settings.json readable by this user alone (web). */
  keyStorage: z.enum(['safeStorage', 'file']),
  /** False until the first-run welcome is finished or skipped; the renderer shows it while false. */
  onboarded: z.boolean(),
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
})
export type SettingsPatch = z.infer<typeof SettingsPatch>
