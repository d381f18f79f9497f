import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CourierEvent } from '@shared/events'
import type { RunId } from '@shared/run'
import { EventHub } from '../events/event-hub'
import { openDatabase, schemaVersion, type Db } from '../store/database'
import { migrations } from '../store/migrations'
import { RunLedger } from './run-ledger'

describe('RunLedger', () => {
  let dir: string
  let db: Db
  let hub: EventHub<CourierEvent>
  let runs: RunLedger
  const ledgerOn = (database: Db) => new RunLedger({ db: database, events: new EventHub() })
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-repo-'))
    db = openDatabase(join(dir, 'courier.db'))
    hub = new EventHub()
    runs = new RunLedger({ db, events: hub })
    runs.create({ id: 'r_1' as RunId, provider: 'demo', deploymentId: 'd', deploymentName: 'D', inputs: { prompt: 'x' }, hookToken: 't1', webhookBase: null, now: 1 })
  })
  afterEach(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('moves a run from submitting to queued when the provider answers', () => {
    runs.change('r_1', { providerRunId: 'p-1' })
    expect(runs.require('r_1')).toMatchObject({ providerRunId: 'p-1', status: 'queued' })
  })

  it('keeps the provider id even when a webhook moved the run on before the submit answer', () => {
    runs.hint('r_1', { status: 'running', progress: 0.3, liveStatus: 'Executing KSampler' })
    runs.change('r_1', { providerRunId: 'p-1' })
    expect(runs.require('r_1')).toMatchObject({ providerRunId: 'p-1', status: 'running', progress: 0.3 })
  })

  it('never overwrites a provider id once known', () => {
    runs.change('r_1', { providerRunId: 'p-1' })
    runs.change('r_1', { providerRunId: 'p-2' })
    expect(runs.require('r_1').providerRunId).toBe('p-1')
  })

  it('opens an existing database without re-running migrations', () => {
    db.close()
    db = openDatabase(join(dir, 'courier.db'))
    expect(ledgerOn(db).require('r_1').status).toBe('submitting')
  })

  it('reads its runs from memory once read, and every write is seen by the next read', () => {
    const before = runs.require('r_1')
    expect(runs.byHookToken('t1')).toBe(before) // the same object: no second read
    expect(Object.isFrozen(before)).toBe(true)
    runs.hint('r_1', { status: 'running', progress: 0.5, liveStatus: 'Executing' })
    expect(runs.byHookToken('t1')).toMatchObject({ status: 'running', progress: 0.5, liveStatus: 'Executing' })
    runs.change('r_1', { polling: true })
    runs.change('r_1', { providerRunId: 'p-1' })
    runs.change('r_1', { outputs: 'pending' })
    runs.change('r_1', { error: { code: 'INTERNAL', message: 'x' } })
    expect(runs.require('r_1')).toMatchObject({ polling: true, providerRunId: 'p-1', outputs: 'pending', error: { message: 'x' } })
    // What a second connection reads is what this one says.
    expect(ledgerOn(db).require('r_1')).toEqual(runs.require('r_1'))
  })

  it('forgets a state written in a transaction that rolled back, with nothing to clear by hand, and announces nothing', () => {
    runs.require('r_1')
    const published: CourierEvent[] = []
    hub.subscribe((event) => published.push(event))
    expect(() =>
      runs.transaction((tx) => {
        tx.hint('r_1', { status: 'failed' })
        expect(tx.get('r_1')?.status).toBe('failed') // the transaction reads what it wrote
        throw new Error('disk full')
      }),
    ).toThrow('disk full')
    expect(runs.require('r_1').status).toBe('submitting')
    expect(ledgerOn(db).require('r_1').status).toBe('submitting')
    expect(published).toEqual([])
  })

  it('knows which webhook tokens belong to a run', () => {
    expect(runs.hasHookToken('t1')).toBe(true)
    expect(runs.hasHookToken('t-unknown')).toBe(false)
  })

  it('announces each run that changed once, after the commit, in its last state', () => {
    const published: { status: string; progress: number; committed: string }[] = []
    hub.subscribe((event) => {
      if (event.type !== 'run.updated') return
      // What a listener is told is already in the store.
      published.push({ status: event.run.status, progress: event.run.progress, committed: ledgerOn(db).require(event.run.id).status })
    })
    runs.transaction((tx) => {
      tx.change('r_1', { providerRunId: 'p-1' })
      tx.hint('r_1', { status: 'running', progress: 0.2 })
      tx.hint('r_1', { status: 'running', progress: 0.6 })
      expect(published).toEqual([]) // nothing before the commit
    })
    expect(published).toEqual([{ status: 'running', progress: 0.6, committed: 'running' }])
  })

  it('announces nothing for a hint the state machine ignores or a change that changes nothing', () => {
    runs.hint('r_1', { status: 'running', progress: 0.5 })
    const published: CourierEvent[] = []
    hub.subscribe((event) => published.push(event))
    expect(runs.hint('r_1', { status: 'queued' }).decision).toEqual({ kind: 'ignore', why: 'stale' })
    runs.change('r_1', { polling: true, outputs: 'none', error: null }) // its state already
    expect(published).toEqual([])
  })

  it('marks a run that succeeds as having its outputs pending in the same update', () => {
    const seen: string[] = []
    hub.subscribe((event) => {
      if (event.type === 'run.updated') seen.push(`${event.run.status}/${event.run.outputs}`)
    })
    runs.hint('r_1', { status: 'running' })
    runs.hint('r_1', { status: 'succeeded' })
    runs.change('r_1', { outputs: 'saved' })
    expect(seen).toEqual(['running/none', 'succeeded/pending', 'succeeded/saved'])
  })

  it('counts a run\'s outputs from the library when told they changed', () => {
    db.prepare(
      `INSERT INTO outputs (id, run_id, idx, root, path, kind, mime, bytes, sha256, created_at)
       VALUES ('o_1', 'r_1', 0, '/lib', 'a.png', 'image', 'image/png', 1, 'x', 1)`,
    ).run()
    expect(runs.change('r_1', { recountOutputs: true }).outputCount).toBe(1)
  })

  it('keeps a cancel the service could not take yet, with the run, until the run ends', () => {
    runs.change('r_1', { providerRunId: 'p-1' })
    const published: CourierEvent[] = []
    hub.subscribe((event) => published.push(event))
    const kept = runs.change('r_1', { cancelRequested: { at: 50, liveStatus: 'Cancelling: Demo will stop it as soon as it starts' } })
    expect(kept).toMatchObject({ status: 'queued', cancelRequestedAt: 50, liveStatus: 'Cancelling: Demo will stop it as soon as it starts' })
    expect(published).toHaveLength(1)
    // Not part of the public run: the creator sees the live status.
    expect(published[0]).toMatchObject({ type: 'run.updated', run: { liveStatus: 'Cancelling: Demo will stop it as soon as it starts' } })
    expect('cancelRequestedAt' in (published[0] as { run: object }).run).toBe(false)
    // Asked again: the first time is kept, and nothing is announced.
    expect(runs.change('r_1', { cancelRequested: { at: 90, liveStatus: 'Cancelling: Demo will stop it as soon as it starts' } }).cancelRequestedAt).toBe(50)
    expect(published).toHaveLength(1)
    // Durable: another connection (a restart) reads it back.
    expect(ledgerOn(db).pendingCancels().map((run) => [run.id, run.cancelRequestedAt])).toEqual([['r_1', 50]])
    // A poll's queue position does not replace what the run says while the cancel is pending.
    runs.hint('r_1', { status: 'queued', liveStatus: 'In queue: position 1' })
    expect(runs.require('r_1').liveStatus).toBe('Cancelling: Demo will stop it as soon as it starts')
    runs.hint('r_1', { status: 'cancelled' })
    expect(runs.pendingCancels()).toEqual([])
    // An ended run takes none.
    runs.create({ id: 'r_2' as RunId, provider: 'demo', deploymentId: 'd', deploymentName: 'D', inputs: {}, hookToken: 't2', webhookBase: null, now: 2 })
    runs.hint('r_2', { status: 'succeeded' })
    expect(runs.change('r_2', { cancelRequested: { at: 60, liveStatus: 'Cancelling' } })).toMatchObject({ cancelRequestedAt: null, liveStatus: null })
  })

  it('migrates a schema 10 database: its runs keep everything and have no pending cancel', () => {
    db.close()
    const file = join(dir, 'v10.db')
    const old = new Database(file)
    for (const migration of migrations.filter((m) => m.version <= 10)) {
      old.exec(migration.sql)
      migration.backfill?.(old)
    }
    old.exec('PRAGMA user_version = 10')
    old.prepare(
      `INSERT INTO runs (id, provider, deployment_id, deployment_name, provider_run_id, status, live_status, inputs, hook_token, created_at, updated_at)
       VALUES ('r_v10', 'comfydeploy', 'dep', 'Quick Sketch', 'p-10', 'queued', 'In queue: position 1', '{"prompt":"a fox"}', 'tok10', 1, 1)`,
    ).run()
    old.close()

    db = openDatabase(file)
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version)
    const ledger = ledgerOn(db)
    expect(ledger.require('r_v10')).toMatchObject({ providerRunId: 'p-10', status: 'queued', liveStatus: 'In queue: position 1', cancelRequestedAt: null })
    expect(ledger.pendingCancels()).toEqual([])
    ledger.change('r_v10', { cancelRequested: { at: 7, liveStatus: 'Cancelling: ComfyDeploy will stop it as soon as it starts' } })
    expect(ledgerOn(db).pendingCancels().map((run) => run.id)).toEqual(['r_v10'])
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'").all() as { name: string }[]).map((r) => r.name)
    expect(indexes).toContain('runs_cancel_requested')
  })
})
