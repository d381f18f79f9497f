import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WebhookListArgs, WebhookOutcome } from '@shared/delivery'
import type { ProviderId, RunId } from '@shared/run'
import { openDatabase, schemaVersion, type Db } from './database'
import { migrations } from './migrations'
import { EventsRepo, listQuery, REJECTED_WEBHOOKS_KEPT } from './events-repo'
import { RunsRepo } from './runs-repo'

interface Row {
  provider?: ProviderId | null
  runId?: string | null
  outcome?: WebhookOutcome
  reason?: string
  body?: string
  headers?: string
}

describe('EventsRepo', () => {
  let dir: string
  let db: Db
  let events: EventsRepo
  let clock = 0

  /** Rows are written with SQL so these tests do not depend on how ingestion builds them. */
  const add = (row: Row = {}): number => {
    const result = db
      .prepare(
        `INSERT INTO events (received_at, provider, run_id, status, outcome, reason, http_status, headers, body, dedupe_key, replay_of)
         VALUES (?, ?, ?, 'running', ?, ?, 200, ?, ?, NULL, NULL)`,
      )
      .run(
        ++clock,
        row.provider === undefined ? 'demo' : row.provider,
        row.runId === undefined ? null : row.runId,
        row.outcome ?? 'applied',
        row.reason ?? 'now running',
        row.headers ?? '{"content-type":"application/json"}',
        row.body ?? '{"status":"running"}',
      )
    return Number(result.lastInsertRowid)
  }
  const ids = (filter: WebhookListArgs | number = {}) => events.list(filter).map((e) => e.id)

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-events-'))
    db = openDatabase(join(dir, 'courier.db'))
    events = new EventsRepo(db)
    const runs = new RunsRepo(db)
    for (const id of ['r_1', 'r_2']) {
      runs.insert({ id: id as RunId, provider: 'demo', deploymentId: 'd', deploymentName: 'D', inputs: {}, hookToken: `t-${id}`, webhookBase: null, now: 1 })
    }
  })
  afterEach(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('migrates to the newest schema, with the filter indexes of schema 3', () => {
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version)
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'`).all() as Array<{ name: string }>).map(
      (r) => r.name,
    )
    // Only the indexes a query needs: each one costs every webhook insert a page write.
    expect(names.filter((name) => !name.startsWith('sqlite_')).sort()).toEqual(['events_by_run_id', 'events_rejected'])
  })

  it('returns the kept headers with each record, and none when the column is not an object of strings', () => {
    const good = add({ headers: '{"content-type":"application/json","user-agent":"ComfyDeploy/1.0","content-length":"42"}' })
    const odd = add({ headers: '{"content-type":"text/plain","x-count":3}' })
    const broken = add({ headers: 'not json' })
    expect(events.get(good)?.headers).toEqual({ 'content-type': 'application/json', 'user-agent': 'ComfyDeploy/1.0', 'content-length': '42' })
    expect(events.get(odd)?.headers).toEqual({ 'content-type': 'text/plain' })
    expect(events.get(broken)?.headers).toEqual({})
    expect(events.list({})[0]?.headers).toEqual({})
  })

  it('lists newest first, 200 by default, at most 500, and still takes a bare limit', () => {
    for (let i = 0; i < 520; i++) add()
    expect(ids()).toHaveLength(200)
    expect(ids()[0]).toBe(520)
    expect(ids({ limit: 10 })).toEqual([520, 519, 518, 517, 516, 515, 514, 513, 512, 511])
    expect(ids({ limit: 10_000 })).toHaveLength(500)
    expect(ids(3)).toEqual([520, 519, 518])
  })

  it('filters by provider, outcome and run, and combines them', () => {
    const a = add({ provider: 'comfydeploy', runId: 'r_1', outcome: 'applied' })
    const b = add({ provider: 'comfydeploy', runId: 'r_1', outcome: 'duplicate' })
    const c = add({ provider: 'runcomfy', runId: 'r_2', outcome: 'applied' })
    const d = add({ provider: 'comfydeploy', runId: null, outcome: 'rejected', reason: 'unknown run (no run has this webhook token)' })
    const e = add({ provider: null, runId: null, outcome: 'rejected' })
    expect(ids({ provider: 'comfydeploy' })).toEqual([d, b, a])
    expect(ids({ provider: 'demo' })).toEqual([])
    expect(ids({ outcome: 'rejected' })).toEqual([e, d])
    expect(ids({ outcome: 'applied' })).toEqual([c, a])
    expect(ids({ runId: 'r_1' })).toEqual([b, a])
    expect(ids({ runId: 'r_1', outcome: 'applied' })).toEqual([a])
    expect(ids({ provider: 'comfydeploy', outcome: 'rejected' })).toEqual([d])
    expect(ids({ provider: 'runcomfy', runId: 'r_1' })).toEqual([])
  })

  it('finds text in the body or the reason, ignoring case, with % and _ taken literally', () => {
    const body = add({ body: '{"status":"Running","live_status":"Executing KSampler"}', reason: 'now running' })
    const reason = add({ outcome: 'rejected', reason: 'Malformed JSON', body: 'status=ok' })
    const percent = add({ body: '{"progress":"50%"}' })
    const underscore = add({ body: '{"run_id":"abc"}' })
    add({ body: '{"runXid":"abc"}', reason: 'other' })
    expect(ids({ text: 'ksampler' })).toEqual([body])
    expect(ids({ text: 'MALFORMED' })).toEqual([reason])
    expect(ids({ text: 'json' })).toEqual([reason])
    expect(ids({ text: '50%' })).toEqual([percent])
    expect(ids({ text: '%' })).toEqual([percent])
    expect(ids({ text: 'run_id' })).toEqual([underscore])
    expect(ids({ text: 'no such thing' })).toEqual([])
    expect(ids({ text: '' })).toHaveLength(5)
    expect(ids({ text: 'abc', outcome: 'rejected' })).toEqual([])
  })

  it('pages older records with the beforeId cursor, keeping the filter', () => {
    const rejected: number[] = []
    for (let i = 0; i < 12; i++) {
      add({ outcome: 'applied' })
      rejected.push(add({ outcome: 'rejected', reason: `bad ${i}` }))
    }
    const newestFirst = rejected.slice().reverse()
    const page1 = ids({ outcome: 'rejected', limit: 5 })
    expect(page1).toEqual(newestFirst.slice(0, 5))
    const page2 = ids({ outcome: 'rejected', limit: 5, beforeId: page1.at(-1) })
    expect(page2).toEqual(newestFirst.slice(5, 10))
    const page3 = ids({ outcome: 'rejected', limit: 5, beforeId: page2.at(-1) })
    expect(page3).toEqual(newestFirst.slice(10))
    expect(ids({ outcome: 'rejected', limit: 5, beforeId: page3.at(-1) })).toEqual([])
    expect(ids({ beforeId: 3 })).toEqual([2, 1])
  })

  it('answers filtered pages from the indexes, never by sorting the table', () => {
    const plan = (filter: WebhookListArgs) => {
      const { sql, params } = listQuery(filter)
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
    }
    expect(plan({ outcome: 'rejected', beforeId: 10 })).toMatch(/USING (COVERING )?INDEX events_rejected/)
    expect(plan({ runId: 'r_1' })).toMatch(/USING (COVERING )?INDEX events_by_run_id/)
    expect(plan({ runId: 'r_1', provider: 'comfydeploy' })).toMatch(/USING (COVERING )?INDEX events_by_run_id/)
    for (const filter of [{}, { outcome: 'stale' as const }, { runId: 'r_1' }, { provider: 'runcomfy' as const }, { text: 'x', beforeId: 5 }]) {
      expect(plan(filter)).not.toMatch(/TEMP B-TREE/)
    }
  })

  it('prunes the oldest rejected webhooks beyond the newest `keep`, and nothing else', () => {
    const kept: number[] = []
    const rejected: number[] = []
    for (let i = 0; i < 6; i++) {
      kept.push(add({ outcome: i % 2 === 0 ? 'applied' : 'stale', runId: 'r_1' }))
      rejected.push(add({ outcome: 'rejected', runId: null }))
    }
    kept.push(add({ outcome: 'duplicate', runId: 'r_2' }))

    expect(events.pruneRejected(10)).toBe(0)
    expect(events.pruneRejected(2)).toBe(4)
    expect(ids({ outcome: 'rejected' })).toEqual(rejected.slice(-2).reverse())
    expect(ids({ limit: 500 }).filter((id) => !rejected.includes(id))).toEqual(kept.slice().reverse())
    expect(events.pruneRejected(2)).toBe(0)
    expect(events.pruneRejected(0)).toBe(2)
    expect(ids({ outcome: 'rejected' })).toEqual([])
    expect(ids()).toHaveLength(kept.length)
  })

  it('keeps a thousand rejected webhooks by default', () => {
    expect(REJECTED_WEBHOOKS_KEPT).toBe(1000)
    const insert = db.transaction(() => {
      for (let i = 0; i < REJECTED_WEBHOOKS_KEPT + 25; i++) add({ outcome: 'rejected' })
    })
    insert()
    expect(events.pruneRejected(REJECTED_WEBHOOKS_KEPT)).toBe(25)
    expect(db.prepare(`SELECT COUNT(*) AS n FROM events WHERE outcome = 'rejected'`).all()).toEqual([{ n: REJECTED_WEBHOOKS_KEPT }])
    expect(ids({ outcome: 'rejected', limit: 1 })).toEqual([REJECTED_WEBHOOKS_KEPT + 25])
  })
})
