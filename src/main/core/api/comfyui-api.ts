import { err, ok, type Result } from '@shared/result'
import type { ComfyServerView } from '@shared/comfyui'
import type { SettingsService } from '../config/settings-service'
import type { ComfyUIClient } from '../providers/comfyui/client'
import type { ProviderRegistry } from '../providers/registry'
import { toRunError } from '../runs/run-service'
import type { ComfyWorkflowsRepo } from '../store/comfyui-workflows-repo'
import type { CoreApi } from './build-api'

export interface ComfyApiDeps {
  settings: Pick<SettingsService, 'comfyServerViews' | 'saveComfyServer' | 'removeComfyServer'>
  providers: Pick<ProviderRegistry, 'listDeployments'>
  workflows: Pick<ComfyWorkflowsRepo, 'countForServer'>
  /** The ComfyUI client in use; null when no server is configured. */
  client(): ComfyUIClient | null
  /** Whether runs of a deployment have not ended yet (a workflow is not removed under them). */
  hasUnfinishedRuns(deploymentId: string): boolean
  /** Servers changed: the client is rebuilt. */
  applyConfig(): void
}

const NO_SERVER = 'no ComfyUI server yet: add one in Settings → ComfyUI servers, or set COMFYUI_URL'

/** Your own ComfyUI servers, and workflows added to them as deployments (issue 19). */
export function comfyuiApi(deps: ComfyApiDeps): Pick<
  CoreApi,
  'deployments.add' | 'deployments.remove' | 'comfyui.servers' | 'comfyui.saveServer' | 'comfyui.removeServer' | 'comfyui.testServer' | 'comfyui.savedWorkflows'
> {
  const failure = <T>(error: unknown): Result<T> => {
    const found = toRunError(error)
    return err(found.code, found.message, found.field)
  }
  const views = (): Result<ComfyServerView[]> => {
    try {
      return ok(deps.settings.comfyServerViews())
    } catch (error) {
      return err('BAD_INPUT', (error as Error).message)
    }
  }
  return {
    'deployments.add': async ({ provider, name, workflowJson, savedWorkflow, serverId }) => {
      if (provider !== 'comfyui') return err('NOT_SUPPORTED', `workflows are added only to your own ComfyUI; ${provider}'s deployments are made on its site`)
      const client = deps.client()
      if (!client) return err('NOT_CONFIGURED', NO_SERVER)
      try {
        const added = await client.addWorkflow({ name, workflowJson, savedWorkflow, serverId })
        await deps.providers.listDeployments('comfyui', true)
        return ok(added)
      } catch (error) {
        return failure(error)
      }
    },
    'deployments.remove': async ({ provider, deploymentId }) => {
      if (provider !== 'comfyui') return err('NOT_SUPPORTED', `${provider}'s deployments are removed on its site`)
      const client = deps.client()
      if (!client) return err('NOT_CONFIGURED', NO_SERVER)
      if (deps.hasUnfinishedRuns(deploymentId)) return err('CONFLICT', 'runs of this workflow have not ended yet: cancel them or wait, then remove it')
      if (!client.removeWorkflow(deploymentId)) return err('NOT_FOUND', `no ComfyUI workflow ${deploymentId}`)
      await deps.providers.listDeployments('comfyui', true)
      return ok({})
    },
    'comfyui.servers': async () => views(),
    'comfyui.saveServer': async (input) => {
      try {
        deps.settings.saveComfyServer(input)
      } catch (error) {
        return err('BAD_INPUT', (error as Error).message, 'url')
      }
      deps.applyConfig()
      return views()
    },
    'comfyui.removeServer': async ({ id }) => {
      const count = deps.workflows.countForServer(id)
      if (count > 0) return err('CONFLICT', `${count} workflow${count === 1 ? '' : 's'} still belong to this server: remove them first`)
      if (id === 'env') return err('BAD_INPUT', 'the server from COMFYUI_URL is set by the environment: unset it to remove it')
      if (!deps.settings.removeComfyServer(id)) return err('NOT_FOUND', `no ComfyUI server ${id}`)
      deps.applyConfig()
      return views()
    },
    'comfyui.testServer': async ({ id }) => {
      const client = deps.client()
      if (!client) return err('NOT_CONFIGURED', NO_SERVER)
      try {
        return ok(await client.testServer(id))
      } catch (error) {
        return failure(error)
      }
    },
    'comfyui.savedWorkflows': async ({ serverId }) => {
      const client = deps.client()
      if (!client) return err('NOT_CONFIGURED', NO_SERVER)
      try {
        return ok(await client.savedWorkflows(serverId))
      } catch (error) {
        return failure(error)
      }
    },
  }
}
