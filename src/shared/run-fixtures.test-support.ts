import type { Output } from './output'
import type { Run, RunStatus } from './run'

/** A complete `Run` for the notifiers' tests (desktop shell and web page); only what a test sets differs from these defaults. */
export function makeRun(id: string, status: RunStatus, extra: Partial<Run> = {}): Run {
  return {
    id: id as Run['id'],
    provider: 'demo',
    deploymentId: 'dep_sketch',
    deploymentName: 'Sketch to image',
    providerRunId: `p_${id}`,
    status,
    progress: status === 'succeeded' ? 1 : 0,
    liveStatus: null,
    polling: false,
    inputs: { prompt: 'a paper plane over a teal sea' },
    error: null,
    outputCount: 0,
    outputs: 'none',
    batchId: null,
    gridId: null,
    cost: null,
    createdAt: 2_000,
    updatedAt: 2_000,
    finishedAt: null,
    ...extra,
  }
}

export function makeOutput(id: string, runId: string, extra: Partial<Output> = {}): Output {
  return {
    id: id as Output['id'],
    runId: runId as Output['runId'],
    path: `2026-01-02/sketch/${runId}-1.png`,
    kind: 'image',
    mime: 'image/png',
    bytes: 10,
    sha256: 'x'.repeat(64),
    originalSha256: null,
    width: 64,
    height: 48,
    durationMs: null,
    provider: 'demo',
    deploymentId: 'dep_sketch',
    deploymentName: 'Sketch to image',
    prompt: 'a paper plane over a teal sea',
    seed: 1,
    favourite: false,
    batchId: null,
    gridId: null,
    hasThumbnail: true,
    source: 'generated',
    folder: null,
    missing: false,
    createdAt: 3_000,
    ...extra,
  }
}
