import type { WebhookListArgs, WebhookRecord } from '@shared/delivery'
import type { WebhookFilter } from './types'

/** `webhooks.list`'s filters without the paging (`beforeId`, `limit`). */
export type WebhookQuery = Omit<WebhookListArgs, 'beforeId' | 'limit'>

/** The shape of the run ids main makes: `r_` and 12 base64url characters. */
const RUN_ID = /^r_[A-Za-z0-9_-]{12}$/

export const emptyWebhookFilter: WebhookFilter = { provider: null, outcome: null, search: '' }

export const isFiltered = (filter: WebhookFilter): boolean =>
  filter.provider !== null || filter.outcome !== null || filter.search.trim() !== ''

/**
 * What to ask `webhooks.list` for. The search box holds either a whole run id (one main would make, or one of
 * the runs the app lists), which filters by run, or text looked for in the body and the reason.
 */
export function webhookQuery(filter: WebhookFilter, isKnownRun: (id: string) => boolean = () => false): WebhookQuery {
  const query: WebhookQuery = {}
  if (filter.provider !== null) query.provider = filter.provider
  if (filter.outcome !== null) query.outcome = filter.outcome
  const search = filter.search.trim().slice(0, 200)
  if (search !== '') {
    if (search.length <= 64 && (RUN_ID.test(search) || isKnownRun(search))) query.runId = search
    else query.text = search
  }
  return query
}

/** The same test main applies (text ignores case), for webhooks that arrive while a filter is shown. */
export function matchesQuery(record: WebhookRecord, query: WebhookQuery): boolean {
  if (query.provider !== undefined && record.provider !== query.provider) return false
  if (query.outcome !== undefined && record.outcome !== query.outcome) return false
  if (query.runId !== undefined && record.runId !== query.runId) return false
  if (query.text !== undefined && query.text !== '') {
    const text = query.text.toLowerCase()
    return record.body.toLowerCase().includes(text) || record.reason.toLowerCase().includes(text)
  }
  return true
}
