import { describe, expect, it } from 'vitest'
import { snapshotFromResult } from './client'
import { SPEC_EXAMPLES } from './fixtures'
import { ResultReply } from './schemas'
import { failureMessage, isFinishedWord, liveStatusOf, toRunStatus } from './status-map'

const result = (body: unknown) => ResultReply.parse(body)

describe('toRunStatus (the README table, RunComfy rows)', () => {
  it.each([
    ['in_queue', 'queued'],
    ['in_progress', 'running'],
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
    ['canceled', 'cancelled'],
    ['Canceled', 'cancelled'],
    [' IN_PROGRESS ', 'running'],
    ['completed', null],
    ['cancellation_requested', null],
    ['not_cancellable', null],
    ['queued', null],
    ['success', null],
  ] as const)('%s → %s', (word, status) => {
    expect(toRunStatus(word)).toBe(status)
  })

  it('knows which status words send us to /result (the CLI terminal set)', () => {
    for (const word of ['completed', 'succeeded', 'failed', 'cancelled', 'canceled', 'COMPLETED']) expect(isFinishedWord(word)).toBe(true)
    for (const word of ['in_queue', 'in_progress', 'cancellation_requested', 'odd']) expect(isFinishedWord(word)).toBe(false)
  })
})

describe('failureMessage', () => {
  it.each([
    ['the webhook page object', { error: 'ExecutionError', details: 'KSampler: CUDA out of memory', debugInfo: 'Traceback', errorCode: 12345 }, 'KSampler: CUDA out of memory'],
    ['older docs {type, message}', { type: 'ExecutionError', message: 'VAE decode failed' }, 'VAE decode failed'],
    ['an error name and code only', { error: 'ExecutionError', errorCode: 7 }, 'ExecutionError (error code 7)'],
    ['a code only', { errorCode: 7 }, 'error code 7'],
    ['an array (a Go client)', [{ errorCode: 1, error: 'A' }, { error: 'B', details: 'b happened' }], 'A (error code 1); b happened'],
    ['an array with repeats', [{ error: 'A' }, { error: 'A' }], 'A'],
    ['an array item whose message is in debugInfo', [{ errorCode: 9, error: 'ExecutionError', debugInfo: 'KSampler: CUDA out of memory\nTraceback …' }], 'ExecutionError (error code 9): KSampler: CUDA out of memory'],
    ['a traceback is not a message', { error: 'ExecutionError', debugInfo: 'Traceback (most recent call last):\n  File x' }, 'ExecutionError'],
    ['debugInfo alone', { debugInfo: 'node 3 failed' }, 'node 3 failed'],
    ['plain text', 'boom', 'boom'],
    ['nothing', undefined, undefined],
    ['an empty object', {}, undefined],
    ['an empty array', [], undefined],
  ] as const)('%s', (_, error, message) => {
    expect(failureMessage(error)).toBe(message)
  })
})

describe('liveStatusOf', () => {
  it('shows the queue position and the instance, never a percentage', () => {
    expect(liveStatusOf('in_queue', { queuePosition: 2 })).toBe('In queue: position 2')
    expect(liveStatusOf('in_queue', { queuePosition: 0 })).toBe('In queue: position 0')
    expect(liveStatusOf('in_queue', { queuePosition: '4' })).toBe('In queue: position 4')
    expect(liveStatusOf('in_queue', {})).toBeUndefined()
    expect(liveStatusOf('in_queue', { queuePosition: 'soon' })).toBeUndefined()
    expect(liveStatusOf('in_progress', { instanceId: 'i-7d2c9b41' })).toBe('Running on i-7d2c9b41')
    expect(liveStatusOf('in_progress', { instanceId: null })).toBe('Running')
    expect(liveStatusOf('succeeded', {})).toBeUndefined()
  })
})

describe('snapshotFromResult: status word × /result', () => {
  it('completed + succeeded → succeeded with the files', () => {
    const snap = snapshotFromResult('completed', result(SPEC_EXAMPLES.resultSucceeded))
    expect(snap).toEqual({
      rawStatus: 'succeeded',
      status: 'succeeded',
      outputs: [{ url: 'https://serverless-api-storage.runcomfy.net/o/ComfyUI_00001_.png', kind: 'image', filename: 'ComfyUI_00001_.png' }],
    })
    expect(snap.progress).toBeUndefined()
  })

  it('completed + failed → failed with the message, no files', () => {
    expect(snapshotFromResult('completed', result(SPEC_EXAMPLES.resultFailed))).toEqual({
      rawStatus: 'failed',
      status: 'failed',
      outputs: [],
      error: { code: 'RUN_FAILED', message: 'KSampler: CUDA out of memory' },
    })
  })

  it('canceled / cancelled on either side → cancelled', () => {
    expect(snapshotFromResult('canceled', result({ status: 'canceled' })).status).toBe('cancelled')
    expect(snapshotFromResult('cancelled', result({ status: 'cancelled' })).status).toBe('cancelled')
    expect(snapshotFromResult('completed', result({ status: 'Canceled' })).status).toBe('cancelled')
    expect(snapshotFromResult('cancelled', result({ status: 'in_progress' })).status).toBe('cancelled')
  })

  it('failed on the status endpoint stays failed when /result lags', () => {
    expect(snapshotFromResult('failed', result({ status: 'in_progress' }))).toMatchObject({ status: 'failed', error: { code: 'RUN_FAILED' } })
  })

  it('completed + a /result still in flight → no opinion yet (never succeeded on `completed` alone)', () => {
    expect(snapshotFromResult('completed', result({ status: 'in_progress' })).status).toBeNull()
    expect(snapshotFromResult('succeeded', result({ status: 'in_queue' })).status).toBeNull()
  })

  it('a /result that itself says completed is read from its evidence', () => {
    expect(snapshotFromResult('completed', result({ status: 'completed', error: { details: 'x' } })).status).toBe('failed')
    expect(snapshotFromResult('completed', result({ status: 'completed', output: { images: ['https://x.runcomfy.net/a.png'] } })).status).toBe('succeeded')
    expect(snapshotFromResult('completed', result({ status: 'completed' })).status).toBeNull()
  })

  it('succeeded with LoRA `output`', () => {
    const snap = snapshotFromResult('succeeded', result({ status: 'succeeded', output: { video: 'https://serverless-api-storage.runcomfy.net/o/v.mp4' } }))
    expect(snap.outputs).toEqual([{ url: 'https://serverless-api-storage.runcomfy.net/o/v.mp4', kind: 'video', filename: 'v.mp4' }])
  })
})
