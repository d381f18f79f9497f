import type { CourierEvent } from '@shared/events'
import { err, ok } from '@shared/result'
import type { EventHub } from '../events/event-hub'
import type { ProviderRegistry } from '../providers/registry'
import { toRunError } from '../runs/run-service'
import type { CoreApi } from './build-api'
import { noApiKey, notConfigured, providerFailure } from './provider-answers'

export interface ProvidersApiDeps {
  providers: Pick<ProviderRegistry, 'get' | 'all' | 'listDeployments'>
  events: Pick<EventHub<CourierEvent>, 'publish'>
}

/** How often an upload reports its progress at most; the last report always goes out. */
const UPLOAD_PROGRESS_MS = 100

/** The services themselves: which are set up, whether they answer, their deployments, and file uploads. */
export function providersApi({ providers, events }: ProvidersApiDeps): Pick<CoreApi, 'providers.list' | 'providers.test' | 'deployments.list' | 'uploads.create'> {
  return {
    'providers.list': async () => {
      const configured = new Set(providers.all().map((client) => client.id))
      return ok([
        { id: 'demo' as const, label: 'Demo', configured: configured.has('demo'), demo: true },
        { id: 'comfydeploy' as const, label: 'ComfyDeploy', configured: configured.has('comfydeploy'), demo: false },
        { id: 'runcomfy' as const, label: 'RunComfy', configured: configured.has('runcomfy'), demo: false },
      ])
    },
    // The check's outcome is the value; its words are facts, and the renderer adds the advice for `code`.
    'providers.test': async ({ provider }) => {
      const client = providers.get(provider)
      if (!client) return ok({ ok: false, message: noApiKey(provider), code: 'NOT_CONFIGURED' as const, deploymentCount: null })
      try {
        const deployments = await providers.listDeployments(provider, true)
        const count = deployments.length
        return ok({ ok: true, message: `Connected to ${client.label}: ${count} deployment${count === 1 ? '' : 's'}.`, code: null, deploymentCount: count })
      } catch (error) {
        const failure = toRunError(error)
        return ok({ ok: false, message: failure.message, code: failure.code, deploymentCount: null })
      }
    },
    'deployments.list': async ({ provider }) => {
      if (!providers.get(provider)) return notConfigured(provider)
      try {
        return ok(await providers.listDeployments(provider))
      } catch (error) {
        return providerFailure(error)
      }
    },
    'uploads.create': async ({ provider, fileName, mime, dataBase64, uploadId }) => {
      const client = providers.get(provider)
      if (!client) return notConfigured(provider)
      const bytes = Buffer.from(dataBase64, 'base64')
      if (bytes.length === 0) return err('BAD_INPUT', 'the file is empty', 'file')
      let lastAt = 0
      const progress = (sentBytes: number, totalBytes: number) => {
        const now = Date.now()
        if (!uploadId || (sentBytes < totalBytes && now - lastAt < UPLOAD_PROGRESS_MS)) return
        lastAt = now
        events.publish({ type: 'upload.progress', progress: { uploadId, sentBytes, totalBytes } })
      }
      try {
        const value = await client.prepareFile({ fileName, mime, bytes }, progress)
        return ok({ value, bytes: bytes.length })
      } catch (error) {
        return providerFailure(error)
      }
    },
  }
}
