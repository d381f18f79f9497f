import { describe, expect, it } from 'vitest'
import { decide, type RunState } from './state-machine'

const base: RunState = { status: 'queued', progress: 0, liveStatus: null, error: null, updatedAt: 1, finishedAt: null }

describe('decide', () => {
  it('moves forward and keeps progress rising', () => {
    const d = decide(base, { status: 'running', progress: 0.4, liveStatus: 'Executing KSampler' }, 5)
    expect(d).toEqual({
      kind: 'advance',
      next: { status: 'running', progress: 0.4, liveStatus: 'Executing KSampler', error: null, updatedAt: 5, finishedAt: null },
    })
  })

  it('never lets progress go down', () => {
    const running: RunState = { ...base, status: 'running', progress: 0.6 }
    const d = decide(running, { status: 'running', progress: 0.3, liveStatus: 'Executing VAEDecode' }, 5)
    expect(d.kind === 'advance' && d.next.progress).toBe(0.6)
  })

  it('ignores a late queued after running as stale', () => {
    expect(decide({ ...base, status: 'running', progress: 0.5 }, { status: 'queued' }, 5)).toEqual({ kind: 'ignore', why: 'stale' })
  })

  it('ignores an exact repeat as a duplicate', () => {
    const running: RunState = { ...base, status: 'running', progress: 0.5, liveStatus: 'x' }
    expect(decide(running, { status: 'running', progress: 0.5, liveStatus: 'x' }, 5)).toEqual({ kind: 'ignore', why: 'duplicate' })
  })

  it('treats a final state as final, whatever comes later', () => {
    const done: RunState = { ...base, status: 'succeeded', progress: 1, finishedAt: 3 }
    expect(decide(done, { status: 'failed' }, 5)).toEqual({ kind: 'ignore', why: 'already final' })
    expect(decide(done, { status: 'running', progress: 0.2 }, 5)).toEqual({ kind: 'ignore', why: 'already final' })
  })

  it('finishes with progress 1 on success and records the time', () => {
    const d = decide({ ...base, status: 'running', progress: 0.7 }, { status: 'succeeded' }, 9)
    expect(d).toMatchObject({ kind: 'advance', next: { status: 'succeeded', progress: 1, finishedAt: 9, liveStatus: null } })
  })

  it('keeps the error of a failure', () => {
    const error = { code: 'RUN_FAILED' as const, message: 'KSampler: CUDA out of memory' }
    const d = decide(base, { status: 'failed', error }, 9)
    expect(d).toMatchObject({ kind: 'advance', next: { status: 'failed', error, progress: 0 } })
  })

  it('lets a missing status mean "unchanged" and clamps odd progress', () => {
    const d = decide({ ...base, status: 'running' }, { status: null, progress: 7 }, 2)
    expect(d).toMatchObject({ kind: 'advance', next: { status: 'running', progress: 1 } })
  })

  it('keeps "Cancelling…" while a cancel the service could not take yet is pending; status and progress still move', () => {
    const cancelling = { ...base, liveStatus: 'Cancelling: Demo will stop it as soon as it starts', cancelRequestedAt: 3 }
    // A poll of the run still waiting at the service: its queue position changes nothing.
    expect(decide(cancelling, { status: 'queued', liveStatus: 'In queue: position 2' }, 5)).toEqual({ kind: 'ignore', why: 'duplicate' })
    expect(decide(cancelling, { status: 'running', progress: 0.1, liveStatus: 'Executing KSampler' }, 5)).toMatchObject({
      kind: 'advance',
      next: { status: 'running', progress: 0.1, liveStatus: 'Cancelling: Demo will stop it as soon as it starts' },
    })
    expect(decide(cancelling, { status: 'cancelled', liveStatus: 'x' }, 5)).toMatchObject({ kind: 'advance', next: { status: 'cancelled', liveStatus: null } })
    // Without a pending cancel the provider's text is taken as always.
    expect(decide({ ...cancelling, cancelRequestedAt: null }, { status: 'queued', liveStatus: 'In queue: position 2' }, 5)).toMatchObject({
      kind: 'advance',
      next: { liveStatus: 'In queue: position 2' },
    })
  })
})
