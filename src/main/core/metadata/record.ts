import { COURIER_RECORD_FORMAT, type CourierRecord } from '@shared/provenance'
import type { StoredRun } from '../store/runs-repo'
import { promptOf, seedOf } from '../store/outputs-repo'

/** The run's negative prompt: a text input named like one (`negative_prompt`, `6.negative`), else null. */
function negativeOf(inputs: Record<string, unknown>): string | null {
  const found = Object.entries(inputs).find(([key, value]) => typeof value === 'string' && /negative/i.test(key))
  return (found?.[1] as string | undefined) ?? null
}

/** What one saved file of a run carries: how it was made, exactly (every input as sent), and when. */
export function recordFor(run: StoredRun, outputIndex: number, savedAt: number, app: string): CourierRecord {
  const prompt = promptOf(run.inputs)
  return {
    format: COURIER_RECORD_FORMAT,
    app,
    provider: run.provider,
    deploymentId: run.deploymentId,
    deploymentName: run.deploymentName,
    runId: run.id,
    providerRunId: run.providerRunId,
    outputIndex,
    inputs: run.inputs,
    seed: seedOf(run.inputs, run.seedInput),
    prompt: prompt === '' ? null : prompt,
    negativePrompt: negativeOf(run.inputs),
    timings: { createdAt: run.createdAt, finishedAt: run.finishedAt, savedAt },
  }
}
