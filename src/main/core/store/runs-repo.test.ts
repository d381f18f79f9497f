import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RunId } from '@shared/run'
import { openDatabase, type Db } from './database'
import { RunsRepo } from './runs-repo'

describe('RunsRepo', () => {
  let dir: string
  let db: Db
  let runs: RunsRepo
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-repo-'))
    db = openDatabase(join(dir, 'courier.db'))
    runs = new RunsRepo(db)
    runs.insert({ id: 'r_1' as RunId, provider: 'demo', deploymentId: 'd', deploymentName: 'D', inputs: { prompt: 'x' }, hookToken: 't1', webhookBase: null, now: 1 })
  })
  afterEach(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('moves a run from submitting to queued when the provider answers', () => {
    runs.setProviderRunId('r_1', 'p-1', 2)
    expect(runs.require('r_1')).toMatchObject({ providerRunId: 'p-1', status: 'queued' })
  })

  it('keeps the provider id even when a webhook moved the run on before the submit answer', () => {
    runs.saveState({ id: 'r_1', status: 'running', progress: 0.3, liveStatus: 'Executing KSampler', error: null, updatedAt: 2, finishedAt: null })
    runs.setProviderRunId('r_1', 'p-1', 3)
    expect(runs.require('r_1')).toMatchObject({ providerRunId: 'p-1', status: 'running', progress: 0.3 })
  })

  it('never overwrites a provider id once known', () => {
    runs.setProviderRunId('r_1', 'p-1', 2)
    runs.setProviderRunId('r_1', 'p-2', 3)
    expect(runs.require('r_1').providerRunId).toBe('p-1')
  })

  it('opens an existing database without re-running migrations', () => {
    db.close()
    db = openDatabase(join(dir, 'courier.db'))
    expect(new RunsRepo(db).require('r_1').status).toBe('submitting')
  })

  it('reads its runs from memory once read, and every write is seen by the next read', () => {
    const before = runs.require('r_1')
    expect(runs.byHookToken('t1')).toBe(before) // the same object: no second read
    expect(Object.isFrozen(before)).toBe(true)
    runs.saveState({ id: 'r_1', status: 'running', progress: 0.5, liveStatus: 'Executing', error: null, updatedAt: 2, finishedAt: null })
    expect(runs.byHookToken('t1')).toMatchObject({ status: 'running', progress: 0.5, liveStatus: 'Executing' })
    runs.setPolling('r_1', true, 3)
    runs.setProviderRunId('r_1', 'p-1', 4)
    runs.setDownloads('r_1', 'pending', 5)
    runs.setError('r_1', { code: 'INTERNAL', message: 'x' }, 6)
    expect(runs.require('r_1')).toMatchObject({ polling: true, providerRunId: 'p-1', downloads: 'pending', error: { message: 'x' } })
    // What a second connection reads is what this one says.
    expect(new RunsRepo(db).require('r_1')).toEqual(runs.require('r_1'))
  })

  it('forgets a state written in a transaction that rolled back', () => {
    runs.require('r_1')
    expect(() =>
      db.transaction(() => {
        runs.saveState({ id: 'r_1', status: 'failed', progress: 1, liveStatus: null, error: null, updatedAt: 2, finishedAt: 2 })
        throw new Error('disk full')
      })(),
    ).toThrow('disk full')
    runs.forgetCached()
    expect(runs.require('r_1').status).toBe('submitting')
  })

  it('knows which webhook tokens belong to a run', () => {
    expect(runs.hasHookToken('t1')).toBe(true)
    expect(runs.hasHookToken('t-unknown')).toBe(false)
  })
})
