import { describe, expect, it } from 'vitest'
import { runOutputsNote } from './run-outputs-note'

describe('runOutputsNote', () => {
  it('says when every output of a succeeded run went to the trash', () => {
    expect(runOutputsNote({ status: 'succeeded', outputs: 'saved', outputCount: 0 })).toBe(
      'Its outputs were moved to the trash, so there is nothing left to show.',
    )
  })

  it('says when a succeeded run made nothing', () => {
    expect(runOutputsNote({ status: 'succeeded', outputs: 'none', outputCount: 0 })).toBe('This run finished without making any output.')
  })

  it('says nothing while outputs are shown, on their way, or failed, nor for runs that did not succeed', () => {
    expect(runOutputsNote({ status: 'succeeded', outputs: 'saved', outputCount: 2 })).toBeNull()
    expect(runOutputsNote({ status: 'succeeded', outputs: 'pending', outputCount: 0 })).toBeNull()
    expect(runOutputsNote({ status: 'succeeded', outputs: 'failed', outputCount: 0 })).toBeNull()
    expect(runOutputsNote({ status: 'failed', outputs: 'none', outputCount: 0 })).toBeNull()
    expect(runOutputsNote({ status: 'running', outputs: 'none', outputCount: 0 })).toBeNull()
  })
})
