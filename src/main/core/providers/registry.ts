import type { Deployment } from '@shared/deployment'
import type { ProviderId } from '@shared/run'
import type { ProviderClient } from './types'

/** Where the forms users chose are kept; a chosen form replaces the service's own inputs. */
export interface FormSource {
  get(provider: ProviderId, deploymentId: string): Deployment['inputs'] | undefined
}

/**
 * The provider clients in use, rebuilt when settings change; deployments cached per provider as the
 * service gave them, with the user's chosen form (if any) applied on every read.
 */
export class ProviderRegistry {
  private clients = new Map<ProviderId, ProviderClient>()
  private deployments = new Map<ProviderId, { at: number; list: Deployment[] }>()

  constructor(
    private readonly forms: FormSource,
    private readonly cacheMs = 60_000,
  ) {}

  private withForm(provider: ProviderId, deployment: Deployment): Deployment {
    const fields = this.forms.get(provider, deployment.id)
    return fields ? { ...deployment, inputs: fields, customForm: true } : deployment
  }

  replace(clients: readonly ProviderClient[]): void {
    for (const old of this.clients.values()) if (!clients.includes(old)) old.dispose?.()
    this.clients = new Map(clients.map((client) => [client.id, client]))
    this.deployments.clear()
  }

  get(id: ProviderId): ProviderClient | undefined {
    return this.clients.get(id)
  }

  all(): ProviderClient[] {
    return [...this.clients.values()]
  }

  async listDeployments(id: ProviderId, fresh = false): Promise<Deployment[]> {
    const client = this.clients.get(id)
    if (!client) return []
    const cached = this.deployments.get(id)
    if (!fresh && cached && Date.now() - cached.at < this.cacheMs) return cached.list.map((d) => this.withForm(id, d))
    const list = await client.listDeployments()
    this.deployments.set(id, { at: Date.now(), list })
    return list.map((d) => this.withForm(id, d))
  }

  /** The deployment as the service describes it, without the user's chosen form. */
  async serviceDeployment(id: ProviderId, deploymentId: string): Promise<Deployment | undefined> {
    await this.findDeployment(id, deploymentId)
    return this.deployments.get(id)?.list.find((d) => d.id === deploymentId)
  }

  /** A deployment by id, asking the provider again once if the cache does not know it. */
  async findDeployment(id: ProviderId, deploymentId: string): Promise<Deployment | undefined> {
    const cached = (await this.listDeployments(id)).find((d) => d.id === deploymentId)
    return cached ?? (await this.listDeployments(id, true)).find((d) => d.id === deploymentId)
  }
}
