import { z } from 'zod'
import { ErrorCode } from './errors'

export const ProviderId = z.enum(['demo', 'comfydeploy', 'runcomfy', 'comfyui'])
export type ProviderId = z.infer<typeof ProviderId>

/** Normalized run lifecycle: submitting → queued → running → one terminal state. */
export const RunStatus = z.enum(['submitting', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'])
export type RunStatus = z.infer<typeof RunStatus>
export const terminalStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out']
export const isTerminal = (status: RunStatus): boolean => terminalStatuses.includes(status)

/**
 * How far along the lifecycle a status is: 0 submitting, 1 queued, 2 running, 3 any final state. A run
 * only ever moves to a higher stage; the state machine and the renderer's merge of crossing copies both
 * rank statuses by it.
 */
export function statusStage(status: RunStatus): 0 | 1 | 2 | 3 {
  switch (status) {
    case 'submitting':
      return 0
    case 'queued':
      return 1
    case 'running':
      return 2
    default:
      return 3
  }
}

/**
 * Where a run's files stand, so nothing has to guess: `none` while nothing is to be saved (not
 * succeeded, or succeeded with no output), `pending` from the moment it succeeds until every output is
 * on disk (a passing failure, such as a full disk, stays `pending` with the run's `error` saying why and
 * is retried), `saved` once they all are, `failed` when some can never be saved.
 */
export const RunOutputs = z.enum(['none', 'pending', 'saved', 'failed'])
export type RunOutputs = z.infer<typeof RunOutputs>

export const RunId = z.string().min(1).max(64).brand<'RunId'>()
export type RunId = z.infer<typeof RunId>

export const InputValue = z.union([z.string(), z.number(), z.boolean()])
export type InputValue = z.infer<typeof InputValue>
export const InputValues = z.record(z.string(), InputValue)
export type InputValues = z.infer<typeof InputValues>

export const RunError = z.object({ code: ErrorCode, message: z.string(), field: z.string().optional() })
export type RunError = z.infer<typeof RunError>

/**
 * What one run cost (issue 17): GPU seconds from the service's own timings, priced per second of its GPU
 * (ComfyDeploy) or of its hardware tier (RunComfy). `estimated` is true whenever the service bills something
 * we cannot see per run (its GPU sessions: cold start and keep-warm time), which is almost always; the Demo
 * costs $0 and is not an estimate. `gpu` names what was priced (`A10G`, `Large`, `Demo`), null when unknown.
 */
export const RunCost = z.object({
  gpuSeconds: z.number().nonnegative(),
  usd: z.number().nonnegative(),
  estimated: z.boolean(),
  gpu: z.string().nullable(),
})
export type RunCost = z.infer<typeof RunCost>

export const Run = z.object({
  id: RunId,
  provider: ProviderId,
  deploymentId: z.string(),
  deploymentName: z.string(),
  providerRunId: z.string().nullable(),
  status: RunStatus,
  /** 0–1, never decreasing. */
  progress: z.number().min(0).max(1),
  liveStatus: z.string().nullable(),
  /** True while this run's updates come from polling rather than webhooks. */
  polling: z.boolean(),
  inputs: InputValues,
  error: RunError.nullable(),
  outputCount: z.number().int().nonnegative(),
  /** Whether the run's files are settled on disk (see `RunOutputs`). */
  outputs: RunOutputs,
  /** Runs submitted together as variations of one form (`runs.submitBatch`) share this id. */
  batchId: z.string().nullable(),
  /** Set when the run is a cell of a comparison grid (`grids.submit`, issue 18). */
  gridId: z.string().nullable(),
  /** What it cost, once the service's timings are known (a failed or cancelled run too); null before, or never billed. */
  cost: RunCost.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
})
export type Run = z.infer<typeof Run>
