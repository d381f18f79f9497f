import type { WebhookRecord } from '@shared/delivery'
import type { SliceContext, WebhooksSlice } from './types'
import { mergeById, upsertById } from './merge'
import { emptyWebhookFilter, matchesQuery, webhookQuery } from './webhook-query'

/** Newest first, in main's order (ids only grow), so the oldest shown is the cursor for the next page. */
const newestFirst = (a: WebhookRecord, b: WebhookRecord): number => b.id - a.id
export const WEBHOOKS_PAGE = 200
/** How long the search box waits after the last keystroke before asking main. */
export const WEBHOOK_SEARCH_DEBOUNCE_MS = 250

export function createWebhooksSlice({ get, patch, deps }: SliceContext): WebhooksSlice {
  let timer: ReturnType<typeof setTimeout> | undefined
  // Bumped by every load: an answer for a filter the user has since changed is dropped.
  let seq = 0
  const isKnownRun = (id: string): boolean => get().runs.items.some((r) => r.id === id)

  return {
    items: [],
    status: 'idle',
    error: null,
    filter: emptyWebhookFilter,
    query: {},
    hasMore: false,
    loadingOlder: false,
    olderError: null,
    replaying: {},
    replayErrors: {},
    replayResults: {},

    async load() {
      clearTimeout(timer)
      const query = webhookQuery(get().webhooks.filter, isKnownRun)
      const mine = ++seq
      patch('webhooks', { status: 'loading', query, loadingOlder: false, olderError: null })
      const res = await deps.courier.invoke('webhooks.list', { ...query, limit: WEBHOOKS_PAGE })
      if (mine !== seq) return
      if (!res.ok) {
        patch('webhooks', { status: 'error', error: res.error })
        return
      }
      const page = res.value
      const full = page.length >= WEBHOOKS_PAGE
      const end = page.reduce((min, w) => Math.min(min, w.id), Infinity)
      patch('webhooks', (s) => ({
        // What is already shown stays if it fits this filter and is not past the page's end: webhooks received
        // while the page loaded (and replays) are not lost, and "Load older" leaves no gap.
        items: mergeById(
          s.items.filter((w) => matchesQuery(w, query) && (!full || w.id > end)),
          page,
          newestFirst,
        ),
        status: 'loaded' as const,
        error: null,
        hasMore: full,
      }))
    },

    async loadOlder() {
      const s = get().webhooks
      const oldest = s.items.at(-1)
      if (s.loadingOlder || !s.hasMore || s.status !== 'loaded' || oldest === undefined) return
      const mine = seq
      const query = s.query
      patch('webhooks', { loadingOlder: true, olderError: null })
      const res = await deps.courier.invoke('webhooks.list', { ...query, beforeId: oldest.id, limit: WEBHOOKS_PAGE })
      if (mine !== seq) return // the filter changed: this page belongs to another list
      if (res.ok) {
        patch('webhooks', (w) => ({ items: mergeById(w.items, res.value, newestFirst), hasMore: res.value.length >= WEBHOOKS_PAGE, loadingOlder: false }))
      } else {
        patch('webhooks', { loadingOlder: false, olderError: res.error })
      }
    },

    setFilter(change) {
      patch('webhooks', (s) => ({ filter: { ...s.filter, ...change } }))
      clearTimeout(timer)
      const typing = Object.keys(change).every((key) => key === 'search')
      if (typing) timer = setTimeout(() => void get().webhooks.load(), WEBHOOK_SEARCH_DEBOUNCE_MS)
      else void get().webhooks.load()
    },

    async replay(id) {
      if (get().webhooks.replaying[id]) return
      patch('webhooks', (s) => ({ replaying: { ...s.replaying, [id]: true }, replayErrors: { ...s.replayErrors, [id]: undefined } }))
      const res = await deps.courier.invoke('webhooks.replay', { id })
      if (res.ok) get().webhooks.receive(res.value)
      patch('webhooks', (s) => ({
        replaying: { ...s.replaying, [id]: false },
        replayErrors: res.ok ? s.replayErrors : { ...s.replayErrors, [id]: res.error },
        replayResults: res.ok ? { ...s.replayResults, [id]: res.value } : s.replayResults,
      }))
    },

    receive(record) {
      patch('webhooks', (s) => {
        const shown = s.items.some((w) => w.id === record.id)
        if (!shown && !matchesQuery(record, s.query)) return {}
        return { items: upsertById(s.items, record, newestFirst) }
      })
    },
  }
}
