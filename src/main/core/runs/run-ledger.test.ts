import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CourierEvent } from '@shared/events'
import type { RunId } from '@shared/run'
import { EventHub } from '../events/event-hub'
import { openDatabase, type Db } from '../store/database'
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
})
