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
})
