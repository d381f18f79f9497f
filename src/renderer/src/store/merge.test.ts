import { describe, expect, it } from 'vitest'
import { RunId, type Run } from '@shared/run'
import { mergeRuns, upsertRun } from './merge'

const run = (id: string, over: Partial<Run> = {}): Run => ({
  id: RunId.parse(id),
  provider: 'demo',
  deploymentId: 'd',
  deploymentName: 'D',
  providerRunId: null,
  status: 'queued',
  progress: 0,
  liveStatus: null,
  polling: false,
  inputs: {},
  error: null,
  outputCount: 0,
  outputs: 'none',
  batchId: null,
  gridId: null,
  cost: null,
  createdAt: 100,
  updatedAt: 100,
  finishedAt: null,
  ...over,
})

describe('run merging', () => {
  it('keeps runs newest first', () => {
    const list = upsertRun(upsertRun([], run('a', { createdAt: 1 })), run('b', { createdAt: 2 }))
    expect(list.map((r) => r.id)).toEqual(['b', 'a'])
  })

  it('lets the newer copy win, whichever arrives last', () => {
    const running = run('a', { status: 'running', progress: 0.5, updatedAt: 200 })
    const late = run('a', { status: 'queued', updatedAt: 150 })
    const list = upsertRun([running], late)
    expect(list[0]?.status).toBe('running')
    expect(upsertRun([late], running)[0]?.status).toBe('running')
  })

  it('breaks a timestamp tie by stage, then progress', () => {
    const a = run('a', { status: 'running', progress: 0.4, updatedAt: 200 })
    expect(upsertRun([a], run('a', { status: 'queued', updatedAt: 200 }))[0]?.status).toBe('running')
    expect(upsertRun([a], run('a', { status: 'running', progress: 0.3, updatedAt: 200 }))[0]?.progress).toBe(0.4)
    expect(upsertRun([a], run('a', { status: 'succeeded', progress: 1, updatedAt: 200 }))[0]?.status).toBe('succeeded')
  })

  it('merges a fetched list into what events already delivered', () => {
    const fromEvent = run('a', { status: 'succeeded', updatedAt: 300 })
    const merged = mergeRuns([fromEvent], [run('a', { status: 'running', updatedAt: 250 }), run('b', { createdAt: 50 })])
    expect(merged.map((r) => [r.id, r.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'queued'],
    ])
  })
})
