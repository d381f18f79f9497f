import type { Output } from '@shared/output'
import { isTerminal, type Run } from '@shared/run'
import type { CourierState } from './types'

/**
 * The text a person recognizes a run by: the first string input whose key mentions "prompt" (a positive
 * one before a negative one), else the first non-empty string.
 */
export function runPrompt(run: Run): string {
  const strings = Object.entries(run.inputs).filter((e): e is [string, string] => typeof e[1] === 'string')
  const prompts = strings.filter(([k]) => k.toLowerCase().includes('prompt'))
  const pick = prompts.find(([k]) => !/neg/i.test(k)) ?? prompts[0] ?? strings.find(([, v]) => v.trim() !== '')
  return pick?.[1] ?? ''
}

export const isActive = (run: Run): boolean => !isTerminal(run.status)

export const activeRunCount = (s: CourierState): number => s.runs.items.filter(isActive).length

/** Saved outputs of one run, oldest first (the order the workflow produced them). Use with useShallow. */
export const outputsOfRun = (runId: string) => (s: CourierState): Output[] =>
  s.outputs.items.filter((o) => o.runId === runId).reverse()

export const recentRuns = (limit: number) => (s: CourierState): Run[] => s.runs.items.slice(0, limit)

/** A run on its own, or the runs of one batch (variations submitted together), in the list's order. */
export type RunEntry = { kind: 'run'; run: Run } | { kind: 'batch'; batchId: string; runs: Run[] }

/** Groups runs that share a batch id where the batch's newest run stands; other runs stay as they are. */
export function groupRuns(runs: readonly Run[]): RunEntry[] {
  const entries: RunEntry[] = []
  const batches = new Map<string, { kind: 'batch'; batchId: string; runs: Run[] }>()
  for (const run of runs) {
    if (run.batchId === null) {
      entries.push({ kind: 'run', run })
      continue
    }
    const batch = batches.get(run.batchId)
    if (batch !== undefined) batch.runs.push(run)
    else {
      const entry = { kind: 'batch' as const, batchId: run.batchId, runs: [run] }
      batches.set(run.batchId, entry)
      entries.push(entry)
    }
  }
  // A batch of one (the others filtered out or not loaded) is still shown as a batch, so its header stays.
  return entries
}

/** A batch's progress: finished runs count as whole, so it reaches 100 % when every run has ended. */
export function batchProgress(runs: readonly Run[]): number {
  if (runs.length === 0) return 0
  return runs.reduce((sum, r) => sum + (isTerminal(r.status) ? 1 : r.progress), 0) / runs.length
}
