import { z } from 'zod'
import { TunnelMode } from './delivery'

/** Settings as the renderer sees them: keys are never sent back, only whether one is set. */
export const SettingsView = z.object({
  libraryDir: z.string(),
  tunnelMode: TunnelMode,
  tunnelHost: z.string().nullable(),
  publicUrl: z.string().nullable(),
  comfydeploy: z.object({ apiKeySet: z.boolean(), baseUrl: z.string() }),
  runcomfy: z.object({ apiKeySet: z.boolean(), baseUrl: z.string() }),
  /** Where keys are kept: the OS keychain (desktop) or settings.json readable by this user alone (web). */
  keyStorage: z.enum(['safeStorage', 'file']),
})
export type SettingsView = z.infer<typeof SettingsView>

export const SettingsPatch = z.object({
  libraryDir: z.string().min(1).optional(),
  tunnelMode: TunnelMode.optional(),
  tunnelHost: z.string().url().nullable().optional(),
  publicUrl: z.string().url().nullable().optional(),
  /** An empty string removes the key. */
  comfydeployApiKey: z.string().max(4096).optional(),
  comfydeployBaseUrl: z.string().url().optional(),
  /** An empty string removes the key. */
  runcomfyApiKey: z.string().max(4096).optional(),
  runcomfyBaseUrl: z.string().url().optional(),
})
export type SettingsPatch = z.infer<typeof SettingsPatch>
