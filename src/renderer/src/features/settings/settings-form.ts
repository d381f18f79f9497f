import type { SettingsPatch, SettingsView } from '@shared/settings'
import { NgrokDomain, type TunnelMode } from '@shared/delivery'

/** The editable settings as the form holds them (text boxes hold '' rather than null). */
export interface SettingsForm {
  libraryDir: string
  tunnelMode: TunnelMode
  tunnelHost: string
  publicUrl: string
  ngrokDomain: string
  comfydeployBaseUrl: string
  runcomfyBaseUrl: string
}

export type SettingsFormErrors = Partial<Record<keyof SettingsForm | 'comfydeployApiKey' | 'runcomfyApiKey' | 'ngrokAuthtoken', string>>

export const toForm = (v: SettingsView): SettingsForm => ({
  libraryDir: v.libraryDir,
  tunnelMode: v.tunnelMode,
  tunnelHost: v.tunnelHost ?? '',
  publicUrl: v.publicUrl ?? '',
  ngrokDomain: v.ngrok.domain ?? '',
  comfydeployBaseUrl: v.comfydeploy.baseUrl,
  runcomfyBaseUrl: v.runcomfy.baseUrl,
})

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

/** The domain as ngrok wants it: a bare host name, so a pasted `https://x.ngrok.app/` is taken too. */
export function ngrokDomainOf(text: string): string | null {
  const host = text.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase()
  return host === '' ? null : host
}

export function validateSettings(form: SettingsForm): SettingsFormErrors {
  const errors: SettingsFormErrors = {}
  if (form.libraryDir.trim() === '') errors.libraryDir = 'Choose a folder for saved outputs.'
  if (!isHttpUrl(form.comfydeployBaseUrl.trim())) errors.comfydeployBaseUrl = 'Enter a URL such as https://api.comfydeploy.com/api.'
  if (!isHttpUrl(form.runcomfyBaseUrl.trim())) errors.runcomfyBaseUrl = 'Enter a URL such as https://api.runcomfy.net.'
  if (form.tunnelMode === 'localtunnel' && form.tunnelHost.trim() !== '' && !isHttpUrl(form.tunnelHost.trim())) {
    errors.tunnelHost = 'Enter the server’s URL, such as https://localtunnel.me, or leave it empty.'
  }
  if (form.tunnelMode === 'ngrok') {
    const domain = ngrokDomainOf(form.ngrokDomain)
    if (domain !== null && !NgrokDomain.safeParse(domain).success) errors.ngrokDomain = 'Enter a domain such as your-name.ngrok-free.app, or leave it empty.'
  }
  if (form.tunnelMode === 'url') {
    if (form.publicUrl.trim() === '') errors.publicUrl = 'Enter the public URL that forwards to Comfy Courier.'
    else if (!isHttpUrl(form.publicUrl.trim())) errors.publicUrl = 'Enter a URL such as https://hooks.example.com.'
  }
  return errors
}

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim())

/** Only what changed, so saving one field never rewrites another. */
export function diffSettings(current: SettingsView, form: SettingsForm): SettingsPatch {
  const patch: SettingsPatch = {}
  if (form.libraryDir.trim() !== current.libraryDir) patch.libraryDir = form.libraryDir.trim()
  if (form.tunnelMode !== current.tunnelMode) patch.tunnelMode = form.tunnelMode
  if (form.tunnelMode === 'localtunnel' && orNull(form.tunnelHost) !== current.tunnelHost) patch.tunnelHost = orNull(form.tunnelHost)
  if (form.tunnelMode === 'url' && orNull(form.publicUrl) !== current.publicUrl) patch.publicUrl = orNull(form.publicUrl)
  if (form.tunnelMode === 'ngrok' && ngrokDomainOf(form.ngrokDomain) !== current.ngrok.domain) patch.ngrokDomain = ngrokDomainOf(form.ngrokDomain)
  if (form.comfydeployBaseUrl.trim() !== current.comfydeploy.baseUrl) patch.comfydeployBaseUrl = form.comfydeployBaseUrl.trim()
  if (form.runcomfyBaseUrl.trim() !== current.runcomfy.baseUrl) patch.runcomfyBaseUrl = form.runcomfyBaseUrl.trim()
  return patch
}
