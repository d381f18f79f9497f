import { describe, expect, it } from 'vitest'
import { RunWatch } from './run-watch'
import { makeRun } from './run-fixtures.test-support'

const START = 1_000

describe('RunWatch', () => {
  it('counts live runs from the start and as they move', () => {
    const watch = new RunWatch([makeRun('a', 'running'), makeRun('b', 'queued'), makeRun('c', 'succeeded')], START)
    expect(watch.liveCount()).toBe(2)
    watch.update(makeRun('d', 'submitting'))
    expect(watch.liveCount()).toBe(3)
    watch.update(makeRun('a', 'failed'))
    watch.update(makeRun('b', 'succeeded'))
    expect(watch.liveCount()).toBe(1)
  })

  it('announces a failed, cancelled or timed-out run as it ends, once', () => {
    const watch = new RunWatch([makeRun('a', 'running'), makeRun('b', 'running'), makeRun('c', 'queued')], START)
    expect(watch.update(makeRun('a', 'failed'))?.id).toBe('a')
    expect(watch.update(makeRun('a', 'failed'))).toBeNull()
    expect(watch.update(makeRun('b', 'cancelled'))?.status).toBe('cancelled')
    expect(watch.update(makeRun('c', 'timed_out'))?.status).toBe('timed_out')
  })

  it('announces a succeeded run once its outputs are saved, not while they are on their way', () => {
    const watch = new RunWatch([makeRun('a', 'running')], START)
    expect(watch.update(makeRun('a', 'succeeded', { outputs: 'pending' }))).toBeNull()
    expect(watch.liveCount()).toBe(0)
    // One of three files on disk: still on their way.
    expect(watch.update(makeRun('a', 'succeeded', { outputs: 'pending', outputCount: 1 }))).toBeNull()
    const saved = watch.update(makeRun('a', 'succeeded', { outputs: 'saved', outputCount: 3 }))
    expect(saved?.outputCount).toBe(3)
    expect(watch.update(makeRun('a', 'succeeded', { outputs: 'saved', outputCount: 3 }))).toBeNull()
  })

  it('announces a succeeded run with nothing to save, or whose files can never be saved, as it ends', () => {
    const watch = new RunWatch([makeRun('a', 'running'), makeRun('b', 'running')], START)
    expect(watch.update(makeRun('a', 'succeeded', { outputs: 'none' }))?.id).toBe('a')
    const failed = makeRun('b', 'succeeded', { outputs: 'failed', error: { code: 'DOWNLOAD_FAILED', message: 'the file is gone (404)' } })
    expect(watch.update(failed)?.error?.code).toBe('DOWNLOAD_FAILED')
  })

  it('announces a succeeded run whose first save failed and will be retried (a full disk), once', () => {
    const watch = new RunWatch([makeRun('a', 'running')], START)
    const diskFull = { outputs: 'pending' as const, error: { code: 'DISK_FULL' as const, message: 'no space left on /data' } }
    expect(watch.update(makeRun('a', 'succeeded', diskFull))?.error?.code).toBe('DISK_FULL')
    expect(watch.update(makeRun('a', 'succeeded', diskFull))).toBeNull()
    expect(watch.update(makeRun('a', 'succeeded', { outputs: 'saved', outputCount: 1 }))).toBeNull()
  })

  it('does not announce an update that only flips polling while the outputs are on their way', () => {
    const watch = new RunWatch([makeRun('a', 'running')], START)
    watch.update(makeRun('a', 'succeeded', { outputs: 'pending' }))
    expect(watch.update(makeRun('a', 'succeeded', { outputs: 'pending', polling: true }))).toBeNull()
    expect(watch.update(makeRun('a', 'succeeded', { outputs: 'saved', polling: true, outputCount: 2 }))?.outputCount).toBe(2)
  })

  it('never announces runs that were already final at start, whatever updates they get', () => {
    const watch = new RunWatch([makeRun('old', 'succeeded'), makeRun('older', 'failed')], START)
    expect(watch.update(makeRun('old', 'succeeded', { outputs: 'saved', outputCount: 4 }))).toBeNull()
    expect(watch.update(makeRun('older', 'failed'))).toBeNull()
    // An old run not in the start list (beyond its page) is not announced either.
    expect(watch.update(makeRun('ancient', 'failed', { createdAt: START - 1 }))).toBeNull()
  })

  it('announces a run made in this session that is final at its first update (failed on submit)', () => {
    const watch = new RunWatch([], START)
    expect(watch.update(makeRun('new', 'failed', { createdAt: START + 5 }))?.id).toBe('new')
  })

  it('keeps a final run final: a late non-final update does not make it live again', () => {
    const watch = new RunWatch([makeRun('a', 'failed')], START)
    watch.update(makeRun('a', 'running'))
    expect(watch.liveCount()).toBe(0)
  })
})
