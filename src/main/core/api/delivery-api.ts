import { err, ok } from '@shared/result'
import type { TunnelSupervisor } from '../delivery/tunnel-supervisor'
import type { WebhookIngest } from '../delivery/webhook-ingest'
import type { EventsRepo } from '../store/events-repo'
import type { CoreApi } from './build-api'

export interface DeliveryApiDeps {
  tunnel: Pick<TunnelSupervisor, 'status' | 'retryNow'>
  /** Every webhook received, with its outcome. */
  webhooks: Pick<EventsRepo, 'list'>
  ingest: Pick<WebhookIngest, 'replay'>
}

/** How runs report back: the tunnel's state and the webhooks that came in. */
export function deliveryApi({ tunnel, webhooks, ingest }: DeliveryApiDeps): Pick<CoreApi, 'tunnel.status' | 'tunnel.retry' | 'webhooks.list' | 'webhooks.replay'> {
  return {
    'tunnel.status': async () => ok(tunnel.status()),
    'tunnel.retry': async () => ok(tunnel.retryNow()),
    'webhooks.list': async (filter) => ok(webhooks.list(filter)),
    'webhooks.replay': async ({ id }) => {
      const record = ingest.replay(id)
      return record ? ok(record) : err('NOT_FOUND', `no webhook ${id}`)
    },
  }
}
