import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { RunId, type Run } from '@shared/run'
import { batchCounts, batchHasOutputs, runSeed } from './selectors'

const run = (patch: Partial<Run>): Run => ({
  id: RunId.parse(`r-${Math.random()}`),
  provider: 'demo',
  deploymentId: 'd',
  deploymentName: 'D',
  providerRunId: null,
  status: 'succeeded',
  progress: 1,
  liveStatus: null,
  polling: false,
  inputs: {},
  error: null,
  outputCount: 0,
  outputs: 'saved',
  batchId: 'b',
  gridId: null,
  cost: null,
  createdAt: 0,
  updatedAt: 0,
  finishedAt: 0,
  ...patch,
})

describe('batch selectors', () => {
  it('counts a batch in the parts of its bar: succeeded, failed (with timed out), cancelled, and what is still going', () => {
    const counts = batchCounts([
      run({ status: 'succeeded' }),
      run({ status: 'failed', outputs: 'none' }),
      run({ status: 'timed_out', outputs: 'none' }),
      run({ status: 'cancelled', outputs: 'none' }),
      run({ status: 'running', progress: 0.5, outputs: 'none' }),
      run({ status: 'queued', progress: 0, outputs: 'none' }),
    ])
    expect(counts).toEqual({ succeeded: 1, failed: 2, cancelled: 1, active: 2, activeProgress: 0.5 })
  })

  it('promises outputs only while a run may still bring one or has saved some', () => {
    expect(batchHasOutputs([run({ status: 'cancelled', outputs: 'none' }), run({ status: 'failed', outputs: 'none' })])).toBe(false)
    expect(batchHasOutputs([run({ status: 'succeeded', outputs: 'none' })])).toBe(false)
    expect(batchHasOutputs([run({ status: 'cancelled', outputs: 'none' }), run({ status: 'running', progress: 0.2, outputs: 'none' })])).toBe(true)
    expect(batchHasOutputs([run({ status: 'succeeded', outputs: 'pending' })])).toBe(true)
    expect(batchHasOutputs([run({ status: 'succeeded', outputs: 'saved' })])).toBe(true)
  })

  it("reads a run's seed from its deployment's seed input, else from an input named like a seed", () => {
    const fields = [
      { id: 'noise', label: 'Noise seed', kind: 'integer' },
      { id: 'steps', label: 'Steps', kind: 'integer' },
    ] as unknown as InputField[]
    expect(runSeed(run({ inputs: { noise: 77, steps: 20 } }), fields)).toBe(77)
    expect(runSeed(run({ inputs: { '38:42.seed': 12, prompt: 'x' } }))).toBe(12)
    expect(runSeed(run({ inputs: { prompt: 'x' } }))).toBeNull()
  })
})
