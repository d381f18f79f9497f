import { WEBHOOKS_LIST_DEFAULT, WEBHOOKS_LIST_MAX, WebhookRecord, type WebhookListArgs, type WebhookOutcome } from '@shared/delivery'
import type { ProviderId, RunId } from '@shared/run'
import { first, statement, type Db } from './database'

type EventRow = {
  id: number
  received_at: number
  provider: string | null
  run_id: string | null
  status: string | null
  outcome: string
  reason: string
  http_status: number
  headers: string
  body: string
  dedupe_key: string | null
  replay_of: number | null
}

/** How many rejected webhooks are kept; older ones are pruned (`pruneRejected`) so junk cannot fill the disk. */
export const REJECTED_WEBHOOKS_KEPT = 1000

/** The stored headers, or none when the column does not hold a JSON object of strings. */
function headersOf(json: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(json)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'))
  } catch {
    return {}
  }
}

/** `%` and `_` are LIKE wildcards; `\` escapes them (and itself) so the text is matched literally. */
const likeLiteral = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * The SQL for one `list` call: newest first, every given filter combined. Equality filters are served by
 * migration 3's indexes (a run's events; rejected ones) or by the primary key, so a page is a range scan
 * in id order, never a sort.
 */
export function listQuery(filter: WebhookListArgs = {}): { sql: string; params: Array<string | number> } {
  const where: string[] = []
  const params: Array<string | number> = []
  if (filter.provider !== undefined) {
    where.push('provider = ?')
    params.push(filter.provider)
  }
  if (filter.outcome === 'rejected') {
    // Spelled out, not bound: only then can SQLite use the partial index of rejected webhooks.
    where.push(`outcome = 'rejected'`)
  } else if (filter.outcome !== undefined) {
    where.push('outcome = ?')
    params.push(filter.outcome)
  }
  if (filter.runId !== undefined) {
    where.push('run_id = ?')
    params.push(filter.runId)
  }
  if (filter.beforeId !== undefined) {
    where.push('id < ?')
    params.push(filter.beforeId)
  }
  if (filter.text !== undefined && filter.text !== '') {
    // LIKE ignores case for ASCII letters only (SQLite is built without ICU); an index cannot serve `%…%`.
    where.push(`(reason LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')`)
    params.push(likeLiteral(filter.text), likeLiteral(filter.text))
  }
  const limit = Math.min(WEBHOOKS_LIST_MAX, Math.max(1, Math.floor(filter.limit ?? WEBHOOKS_LIST_DEFAULT)))
  params.push(limit)
  return { sql: `SELECT * FROM events${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, params }
}

function fromRow(row: EventRow): WebhookRecord {
  return WebhookRecord.parse({
    id: row.id,
    receivedAt: row.received_at,
    provider: row.provider,
    runId: row.run_id,
    status: row.status,
    outcome: row.outcome,
    reason: row.reason,
    httpStatus: row.http_status,
    body: row.body,
    headers: headersOf(row.headers),
    replayOf: row.replay_of,
  })
}

export interface NewEvent {
  receivedAt: number
  provider: ProviderId | null
  runId: RunId | null
  status: string | null
  outcome: WebhookOutcome
  reason: string
  httpStatus: number
  /** Already redacted: never the hook token or any credential. */
  headers: Record<string, string>
  body: string
  dedupeKey: string | null
  replayOf: number | null
}

export class EventsRepo {
  constructor(private readonly db: Db) {}

  insert(event: NewEvent): WebhookRecord {
    const row: Omit<EventRow, 'id'> = {
      received_at: event.receivedAt,
      provider: event.provider,
      run_id: event.runId,
      status: event.status,
      outcome: event.outcome,
      reason: event.reason,
      http_status: event.httpStatus,
      headers: JSON.stringify(event.headers),
      body: event.body,
      dedupe_key: event.dedupeKey,
      replay_of: event.replayOf,
    }
    const result = statement(
      this.db,
      `INSERT INTO events (received_at, provider, run_id, status, outcome, reason, http_status, headers, body,
         dedupe_key, replay_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.received_at,
      row.provider,
      row.run_id,
      row.status,
      row.outcome,
      row.reason,
      row.http_status,
      row.headers,
      row.body,
      row.dedupe_key,
      row.replay_of,
    )
    // Built from what was written (typed by NewEvent) rather than read back and parsed again: ingestion
    // inserts one row per webhook.
    return {
      id: Number(result.lastInsertRowid),
      receivedAt: event.receivedAt,
      provider: event.provider,
      runId: event.runId,
      status: event.status,
      outcome: event.outcome,
      reason: event.reason,
      httpStatus: event.httpStatus,
      body: event.body,
      headers: { ...event.headers },
      replayOf: event.replayOf,
    }
  }

  get(id: number): WebhookRecord | undefined {
    const row = first<EventRow>(statement(this.db, 'SELECT * FROM events WHERE id = ?').all(id))
    return row && fromRow(row)
  }

  require(id: number): WebhookRecord {
    const event = this.get(id)
    if (!event) throw new Error(`webhook ${id} vanished from the store`)
    return event
  }

  /** The dedupe keys of every webhook this run applied. */
  appliedDedupeKeys(runId: string): string[] {
    return (
      statement(this.db, `SELECT dedupe_key FROM events WHERE run_id = ? AND outcome = 'applied' AND dedupe_key IS NOT NULL`).all(
        runId,
      ) as { dedupe_key: string }[]
    ).map((row) => row.dedupe_key)
  }

  /** Newest first, narrowed by `filter` (see `listQuery`); a bare number is the limit, as before. */
  list(filter: WebhookListArgs | number = {}): WebhookRecord[] {
    const { sql, params } = listQuery(typeof filter === 'number' ? { limit: filter } : filter)
    return (statement(this.db, sql).all(...params) as EventRow[]).map(fromRow)
  }

  /**
   * Deletes the rejected webhooks older than the newest `keep` of them, and says how many went. Only
   * `rejected` rows are pruned: the others belong to runs and are the history of what happened to them.
   */
  pruneRejected(keep: number): number {
    const kept = Math.max(0, Math.floor(keep))
    return statement(
      this.db,
      `DELETE FROM events WHERE outcome = 'rejected' AND id <=
         (SELECT id FROM events WHERE outcome = 'rejected' ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ).run(kept).changes
  }
}
