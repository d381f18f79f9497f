import { err, ok } from '@shared/result'
import type { ProviderRegistry } from '../providers/registry'
import { toRunError } from '../runs/run-service'
import type { FormsRepo } from '../store/forms-repo'
import type { CoreApi } from './build-api'
import { notConfigured } from './provider-answers'

export interface FormsApiDeps {
  providers: Pick<ProviderRegistry, 'get' | 'serviceDeployment' | 'findDeployment'>
  forms: Pick<FormsRepo, 'save' | 'reset'>
}

/** The form a user chose for a deployment: which inputs it shows, replacing the service's own. */
export function formsApi({ providers, forms }: FormsApiDeps): Pick<CoreApi, 'forms.candidates' | 'forms.save' | 'forms.reset'> {
  const notListed = (provider: string, deploymentId: string) => err<never>('NOT_FOUND', `deployment ${deploymentId} is not among ${provider}'s deployments`)
  return {
    'forms.candidates': async ({ provider, deploymentId, workflowApiJson }) => {
      const client = providers.get(provider)
      if (!client) return notConfigured(provider)
      try {
        const deployment = await providers.serviceDeployment(provider, deploymentId)
        if (!deployment) return notListed(client.label, deploymentId)
        // Services that publish their inputs offer exactly those; RunComfy offers every node input of the graph.
        return ok(client.formCandidates ? await client.formCandidates(deploymentId, workflowApiJson) : deployment.inputs)
      } catch (error) {
        const failure = toRunError(error)
        return err(failure.code, failure.message, failure.field)
      }
    },
    'forms.save': async ({ provider, deploymentId, fields }) => {
      const ids = new Set<string>()
      for (const field of fields) {
        if (ids.has(field.id)) return err('BAD_INPUT', `two fields share the input "${field.id}"`, field.id)
        ids.add(field.id)
      }
      const deployment = await providers.findDeployment(provider, deploymentId).catch(() => undefined)
      if (!deployment) return notListed(provider, deploymentId)
      forms.save(provider, deploymentId, fields, Date.now())
      return ok((await providers.findDeployment(provider, deploymentId))!)
    },
    'forms.reset': async ({ provider, deploymentId }) => {
      forms.reset(provider, deploymentId)
      const deployment = await providers.findDeployment(provider, deploymentId).catch(() => undefined)
      return deployment ? ok(deployment) : notListed(provider, deploymentId)
    },
  }
}
