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

  it('announces a succeeded run at the update after it succeeded, when its outputs are settled', () => {
    const watch = new RunWatch([makeRun('a', 'running')], START)
    expect(watch.update(makeRun('a', 'succeeded'))).toBeNull()
    expect(watch.liveCount()).toBe(0)
    const settled = watch.update(makeRun('a', 'succeeded', { outputCount: 3 }))
    expect(settled?.outputCount).toBe(3)
    expect(watch.update(makeRun('a', 'succeeded', { outputCount: 3 }))).toBeNull()
  })

  it('does not take a polling flip for the outputs settling', () => {
    const watch = new RunWatch([makeRun('a', 'running')], START)
    watch.update(makeRun('a', 'succeeded'))
    expect(watch.update(makeRun('a', 'succeeded', { polling: true }))).toBeNull()
    expect(watch.update(makeRun('a', 'succeeded', { polling: true, outputCount: 2 }))?.outputCount).toBe(2)
  })

  it('never announces runs that were already final at start, whatever updates they get', () => {
    const watch = new RunWatch([makeRun('old', 'succeeded'), makeRun('older', 'failed')], START)
    expect(watch.update(makeRun('old', 'succeeded', { outputCount: 4 }))).toBeNull()
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
