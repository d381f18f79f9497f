import { WebhookRecord, type WebhookOutcome } from '@shared/delivery'
import type { ProviderId } from '@shared/run'
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
    replayOf: row.replay_of,
  })
}

export interface NewEvent {
  receivedAt: number
  provider: ProviderId | null
  runId: string | null
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
    const result = statement(
      this.db,
      
        `INSERT INTO events (received_at, provider, run_id, status, outcome, reason, http_status, headers, body,
           dedupe_key, replay_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        event.receivedAt,
        event.provider,
        event.runId,
        event.status,
        event.outcome,
        event.reason,
        event.httpStatus,
        JSON.stringify(event.headers),
        event.body,
        event.dedupeKey,
        event.replayOf,
      )
    return this.require(Number(result.lastInsertRowid))
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

  /** True when this run already took a webhook with the same dedupe key and applied it. */
  seen(runId: string, dedupeKey: string): boolean {
    return (
      statement(
        this.db,
        `SELECT 1 FROM events WHERE run_id = ? AND dedupe_key = ? AND outcome = 'applied' LIMIT 1`)
        .all(runId, dedupeKey).length > 0
    )
  }

  list(limit: number): WebhookRecord[] {
    return (statement(this.db, 'SELECT * FROM events ORDER BY id DESC LIMIT ?').all(limit) as EventRow[]).map(fromRow)
  }
}
