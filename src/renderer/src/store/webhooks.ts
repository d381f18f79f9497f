import type { WebhookRecord } from '@shared/delivery'
import type { SliceContext, WebhooksSlice } from './types'
import { mergeById, upsertById } from './merge'

const newestFirst = (a: WebhookRecord, b: WebhookRecord): number => b.receivedAt - a.receivedAt || b.id - a.id
export const WEBHOOKS_PAGE = 200

export function createWebhooksSlice({ get, patch, deps }: SliceContext): WebhooksSlice {
  return {
    items: [],
    status: 'idle',
    error: null,
    replaying: {},
    replayErrors: {},

    async load() {
      patch('webhooks', { status: 'loading' })
      const res = await deps.courier.invoke('webhooks.list', { limit: WEBHOOKS_PAGE })
      if (res.ok) patch('webhooks', (s) => ({ items: mergeById(s.items, res.value, newestFirst), status: 'loaded' as const, error: null }))
      else patch('webhooks', { status: 'error', error: res.error })
    },

    async replay(id) {
      if (get().webhooks.replaying[id]) return
      patch('webhooks', (s) => ({ replaying: { ...s.replaying, [id]: true }, replayErrors: { ...s.replayErrors, [id]: undefined } }))
      const res = await deps.courier.invoke('webhooks.replay', { id })
      if (res.ok) get().webhooks.receive(res.value)
      patch('webhooks', (s) => ({
        replaying: { ...s.replaying, [id]: false },
        replayErrors: res.ok ? s.replayErrors : { ...s.replayErrors, [id]: res.error },
      }))
    },

    receive(record) {
      patch('webhooks', (s) => ({ items: upsertById(s.items, record, newestFirst) }))
    },
  }
}
