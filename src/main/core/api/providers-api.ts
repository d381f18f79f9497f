import type { UploadResult } from '@shared/contract'
import type { CourierEvent } from '@shared/events'
import { err, ok, type Result } from '@shared/result'
import type { ProviderId } from '@shared/run'
import type { KeyedProvider, SettingsService } from '../config/settings-service'
import type { EventHub } from '../events/event-hub'
import type { ProviderRegistry } from '../providers/registry'
import type { ProviderClient } from '../providers/types'
import { toRunError } from '../runs/run-service'
import type { OutputFile } from '../library/output-file'
import type { CoreApi } from './build-api'
import { noApiKey, notConfigured, providerFailure } from './provider-answers'

export interface ProvidersApiDeps {
  providers: Pick<ProviderRegistry, 'get' | 'all' | 'listDeployments'>
  events: Pick<EventHub<CourierEvent>, 'publish'>
  /** Each key's state; what tests and calls found out about the saved key. */
  settings: Pick<SettingsService, 'view' | 'markKey' | 'rememberPassed'>
  /** A client for a typed key at the saved base URL, used once for a test and dropped. */
  clientFor(provider: KeyedProvider, apiKey: string): ProviderClient
  /** A key's state changed (verified or refused): clients and the tunnel wish follow. */
  applyConfig(): void
  /** A saved output's bytes, confined to the library and size-capped (`readOutputFile`). */
  outputFile(outputId: string): Promise<Result<OutputFile>>
}

const isKeyed = (provider: ProviderId): provider is KeyedProvider => provider === 'comfydeploy' || provider === 'runcomfy'

/** How often an upload reports its progress at most; the last report always goes out. */
const UPLOAD_PROGRESS_MS = 100

/** The services themselves: which are set up, whether they answer, their deployments, and file uploads. */
export function providersApi({
  providers,
  events,
  settings,
  clientFor,
  applyConfig,
  outputFile,
}: ProvidersApiDeps): Pick<CoreApi, 'providers.list' | 'providers.test' | 'deployments.list' | 'uploads.create' | 'uploads.fromOutput'> {
  /** Sends a file to the service the form is on, reporting progress under `uploadId` when given. */
  async function upload(client: ProviderClient, file: OutputFile, uploadId: string | undefined): Promise<Result<UploadResult>> {
    let lastAt = 0
    const progress = (sentBytes: number, totalBytes: number) => {
      const now = Date.now()
      if (!uploadId || (sentBytes < totalBytes && now - lastAt < UPLOAD_PROGRESS_MS)) return
      lastAt = now
      events.publish({ type: 'upload.progress', progress: { uploadId, sentBytes, totalBytes } })
    }
    try {
      const value = await client.prepareFile(file, progress)
      return ok({ value, bytes: file.bytes.length })
    } catch (error) {
      return providerFailure(error)
    }
  }

  return {
    'providers.list': async () => {
      const configured = new Set(providers.all().map((client) => client.id))
      const view = settings.view()
      return ok([
        { id: 'demo' as const, label: 'Demo', configured: configured.has('demo'), demo: true },
        { id: 'comfydeploy' as const, label: 'ComfyDeploy', configured: configured.has('comfydeploy'), demo: false, keyState: view.comfydeploy.keyState },
        { id: 'runcomfy' as const, label: 'RunComfy', configured: configured.has('runcomfy'), demo: false, keyState: view.runcomfy.keyState },
        { id: 'comfyui' as const, label: 'ComfyUI', configured: configured.has('comfyui'), demo: false },
      ])
    },
    // The check's outcome is the value; its words are facts, and the renderer adds the advice for `code`.
    'providers.test': async ({ provider, apiKey }) => {
      const typed = apiKey?.trim() ?? ''
      const client = typed !== '' && isKeyed(provider) ? clientFor(provider, typed) : providers.get(provider)
      if (!client) return ok({ ok: false, message: noApiKey(provider), code: 'NOT_CONFIGURED' as const, deploymentCount: null })
      if (client.id === 'comfyui' && 'testServer' in client) {
        // Your own ComfyUI: its default server's /system_stats (each server has its own test in Settings).
        const check = await (client as unknown as { testServer(id?: string | null): Promise<{ ok: boolean; message: string }> }).testServer(null)
        const count = (await providers.listDeployments('comfyui')).length
        return ok({ ok: check.ok, message: check.message, code: check.ok ? null : ('PROVIDER_UNAVAILABLE' as const), deploymentCount: check.ok ? count : null })
      }
      try {
        const deployments = typed !== '' ? await client.listDeployments() : await providers.listDeployments(provider, true)
        const count = deployments.length
        if (isKeyed(provider)) {
          if (typed !== '') settings.rememberPassed(provider, typed)
          else if (settings.markKey(provider, true)) applyConfig()
        }
        return ok({ ok: true, message: `Connected to ${client.label}: ${count} deployment${count === 1 ? '' : 's'}.`, code: null, deploymentCount: count })
      } catch (error) {
        const failure = toRunError(error)
        // The saved key refused: it is no longer verified (the user keeps it until they replace or remove it).
        if (typed === '' && isKeyed(provider) && failure.code === 'PROVIDER_AUTH' && settings.markKey(provider, false)) applyConfig()
        return ok({ ok: false, message: failure.message, code: failure.code, deploymentCount: null })
      }
    },
    'deployments.list': async ({ provider }) => {
      if (!providers.get(provider)) return notConfigured(provider)
      try {
        const list = await providers.listDeployments(provider)
        // A call with the saved key succeeded: it works, as surely as a test.
        if (isKeyed(provider) && settings.markKey(provider, true)) applyConfig()
        return ok(list)
      } catch (error) {
        return providerFailure(error)
      }
    },
    'uploads.create': async ({ provider, fileName, mime, dataBase64, uploadId }) => {
      const client = providers.get(provider)
      if (!client) return notConfigured(provider)
      const bytes = Buffer.from(dataBase64, 'base64')
      if (bytes.length === 0) return err('BAD_INPUT', 'the file is empty', 'file')
      return upload(client, { fileName, mime, bytes }, uploadId)
    },
    'uploads.fromOutput': async ({ provider, outputId, uploadId }) => {
      const client = providers.get(provider)
      if (!client) return notConfigured(provider)
      const file = await outputFile(outputId)
      return file.ok ? upload(client, file.value, uploadId) : file
    },
  }
}
