import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CourierEvent } from '@shared/events'
import type { RunId } from '@shared/run'
import { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import { ComfyDeployClient } from '../providers/comfydeploy/client'
import type { ProviderRegistry } from '../providers/registry'
import { RunLedger } from '../runs/run-ledger'
import { openDatabase, type Db } from '../store/database'
import { EventsRepo } from '../store/events-repo'
import type { HookAnswer } from './hook-listener'
import { WebhookIngest } from './webhook-ingest'

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet }

describe('WebhookIngest', () => {
  let dir: string
  let db: Db
  let runs: RunLedger
  let events: EventsRepo
  let hub: EventHub<CourierEvent>
  let ingest: WebhookIngest
  let transactions: number
  let failCommits: boolean
  let confirmed: string[]
  /** Runs whose final state the test says a GET is confirming now. */
  let confirming: Set<string>

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-ingest-'))
    db = openDatabase(join(dir, 'courier.db'))
    events = new EventsRepo(db)
    hub = new EventHub()
    transactions = 0
    failCommits = false
    confirmed = []
    confirming = new Set()
    // Counts the transactions ingestion opens, and can make them fail as a full disk would.
    const counting = new Proxy(db, {
      get(target, key) {
        if (key !== 'transaction') return Reflect.get(target, key) as unknown
        return (fn: () => unknown) => {
          const wrapped = target.transaction(() => {
            transactions++
            const result = fn()
            if (failCommits) throw new Error('SQLITE_FULL: database or disk is full')
            return result
          })
          return wrapped
        }
      },
    })
    const client = new ComfyDeployClient({ baseUrl: 'http://127.0.0.1:9/api', apiKey: 'k' })
    const providers = { get: () => client } as unknown as ProviderRegistry
    runs = new RunLedger({ db: counting, events: hub })
    ingest = new WebhookIngest({ ledger: runs, events, providers, hub, log: quiet, confirm: (id) => confirmed.push(id), isConfirming: (id) => confirming.has(id) })
    for (const n of [1, 2]) {
      runs.create({ id: `r_${n}` as RunId, provider: 'comfydeploy', deploymentId: 'd', deploymentName: 'D', inputs: {}, hookToken: `token-${n}`, webhookBase: 'https://x', now: 1 })
      runs.change(`r_${n}`, { providerRunId: `p-${n}` })
    }
    transactions = 0
  })
  afterEach(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  const hook = (token: string, body: unknown): Promise<HookAnswer> =>
    Promise.resolve(ingest.handle({ family: 'comfydeploy', token, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), headers: { 'content-type': 'application/json', cookie: 'secret' } }))
  const running = (run: number, i: number) => ({ run_id: `p-${run}`, status: 'running', progress: i / 10, live_status: `Executing node ${i}` })

  it('stores and applies webhooks that arrive together in one transaction, each answered with its own outcome', async () => {
    const published: CourierEvent[] = []
    hub.subscribe((e) => published.push(e))
    const answers = await Promise.all([
      hook('token-1', running(1, 1)),
      hook('token-1', running(1, 2)),
      hook('token-1', running(1, 2)),
      hook('token-2', running(2, 5)),
      hook('nope', running(1, 3)),
      hook('token-2', '{not json'),
      hook('token-2', { run_id: 'p-1', status: 'running' }),
      hook('token-1', { run_id: 'p-1', status: 'success', progress: 1 }),
    ])
    expect(transactions).toBe(1)
    expect(answers.map((a) => [a.status, a.body.outcome ?? a.body.error])).toEqual([
      [200, 'applied'],
      [200, 'applied'],
      [200, 'duplicate'],
      [200, 'applied'],
      [404, 'unknown run (no run has this webhook token)'],
      [400, 'malformed JSON'],
      [400, 'run id p-1 does not belong to this run'],
      [200, 'applied'],
    ])
    // Stored in arrival order, with the kept headers only.
    const stored = events.list(20).reverse()
    expect(stored.map((r) => r.outcome)).toEqual(['applied', 'applied', 'duplicate', 'applied', 'rejected', 'rejected', 'rejected', 'applied'])
    expect(JSON.stringify(stored)).not.toContain('secret')
    // One run.updated per run that moved, with its latest state, announced after the commit.
    const updates = published.flatMap((e) => (e.type === 'run.updated' ? [e.run] : []))
    expect(updates.map((r) => [r.id, r.status, r.progress, r.liveStatus])).toEqual([
      // The final webhook came last: shown at once as news, while the state waits for the confirming GET.
      ['r_1', 'running', 0.2, 'ComfyDeploy reports succeeded; confirming…'],
      ['r_2', 'running', 0.5, 'Executing node 5'],
    ])
    expect(published.filter((e) => e.type === 'webhook.received')).toHaveLength(8)
    // A final state is only a hint: it asks for confirmation and is not applied.
    expect(confirmed).toEqual(['r_1'])
    expect(runs.require('r_1').status).toBe('running')
  })

  it('never takes a final webhook for a duplicate of an earlier one the provider did not confirm', async () => {
    const success = { run_id: 'p-1', status: 'success', progress: 1 }
    await hook('token-1', running(1, 5))
    // A forged "success" (or one ahead of the service's API): asked about, and the GET said running.
    expect((await hook('token-1', success)).body).toMatchObject({ ok: true, outcome: 'applied' })
    expect(confirmed).toEqual(['r_1'])
    // The same words again once that confirmation is over: news worth asking about again, at once.
    expect((await hook('token-1', success)).body).toMatchObject({ ok: true, outcome: 'applied' })
    expect(confirmed).toEqual(['r_1', 'r_1'])
    expect(events.list(1)[0]).toMatchObject({ outcome: 'applied', reason: 'succeeded reported: confirming with the provider' })
    expect(runs.require('r_1').status).toBe('running') // still only a hint
  })

  it('takes a final webhook that comes while its confirmation is under way as a duplicate, and asks once more after that GET', async () => {
    const success = { run_id: 'p-1', status: 'success', progress: 1 }
    // Two in one batch: one confirmation.
    const answers = await Promise.all([hook('token-1', success), hook('token-1', success)])
    expect(answers.map((a) => a.body.outcome)).toEqual(['applied', 'duplicate'])
    expect(confirmed).toEqual(['r_1'])
    // One more while the GET is in flight: that GET may have left before it, so the confirmer is told.
    confirming.add('r_1')
    expect((await hook('token-1', success)).body).toMatchObject({ outcome: 'duplicate' })
    expect(confirmed).toEqual(['r_1', 'r_1'])
  })

  it('answers 503 and keeps nothing when the store cannot write, so the service sends it again', async () => {
    failCommits = true
    const answers = await Promise.all([hook('token-1', running(1, 1)), hook('token-2', running(2, 1))])
    expect(answers.map((a) => a.status)).toEqual([503, 503])
    expect(events.list(10)).toEqual([])
    expect(runs.require('r_1').progress).toBe(0)

    failCommits = false
    expect((await hook('token-1', running(1, 1))).body).toMatchObject({ ok: true, outcome: 'applied' })
    expect(runs.require('r_1')).toMatchObject({ status: 'running', progress: 0.1 })
  })

  it('adopts the service run id from a webhook when the queue answer never came', async () => {
    runs.create({ id: 'r_3' as RunId, provider: 'comfydeploy', deploymentId: 'd', deploymentName: 'D', inputs: {}, hookToken: 'token-3', webhookBase: 'https://x', now: 1 })
    const answer = await hook('token-3', { run_id: 'p-3', status: 'queued' })
    expect(answer.body).toMatchObject({ ok: true })
    expect(runs.require('r_3')).toMatchObject({ providerRunId: 'p-3', status: 'queued' })
    // From then on, another service run id is refused for it.
    expect((await hook('token-3', { run_id: 'p-other', status: 'running' })).status).toBe(400)
  })

  it('stores a replay after whatever arrived before it', async () => {
    const first = hook('token-1', running(1, 1))
    const original = events.list(1)[0]
    expect(original).toBeUndefined() // not stored until the turn ends
    await first
    const stored = events.list(1)[0]!
    const pending = hook('token-1', running(1, 2))
    const replay = ingest.replay(stored.id)
    expect(replay).toMatchObject({ replayOf: stored.id, outcome: 'duplicate' })
    expect((await pending).body).toMatchObject({ outcome: 'applied' })
    expect(events.list(5).map((r) => r.replayOf)).toEqual([stored.id, null, null])
  })

  it('keeps only the newest rejected webhooks when junk keeps coming, and every accepted one', async () => {
    await hook('token-1', running(1, 1))
    for (let round = 0; round < 12; round++) {
      // 100 junk requests at once: one batch; the prune runs after every 100 rejected.
      await Promise.all(Array.from({ length: 100 }, (_, i) => hook(`junk-${round}-${i}`, { run_id: 'x', status: 'running' })))
    }
    const rejected = events.list({ outcome: 'rejected', limit: 500 })
    expect(rejected).toHaveLength(500)
    const older = events.list({ outcome: 'rejected', limit: 500, beforeId: rejected.at(-1)!.id })
    expect(older).toHaveLength(500)
    expect(events.list({ outcome: 'rejected', limit: 500, beforeId: older.at(-1)!.id })).toEqual([])
    // 1200 were sent after the one applied webhook (id 1): the oldest 200 are gone, the newest kept.
    expect(rejected[0]!.id).toBe(1201)
    expect(older.at(-1)!.id).toBe(202)
    expect(events.list({ outcome: 'applied' })).toHaveLength(1)
  })
})
