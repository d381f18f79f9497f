import type { Output } from '@shared/output'
import { seedField, type InputField } from '@shared/deployment'
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

/** A run on its own, the runs of one batch (variations submitted together), or the cells of one grid, in the list's order. */
export type RunEntry = { kind: 'run'; run: Run } | { kind: 'batch'; batchId: string; runs: Run[] } | { kind: 'grid'; gridId: string; runs: Run[] }

/** Groups runs that share a batch id (or a grid id) where the group's newest run stands; other runs stay as they are. */
export function groupRuns(runs: readonly Run[]): RunEntry[] {
  const entries: RunEntry[] = []
  const batches = new Map<string, { kind: 'batch'; batchId: string; runs: Run[] }>()
  const grids = new Map<string, { kind: 'grid'; gridId: string; runs: Run[] }>()
  for (const run of runs) {
    if (run.gridId != null) {
      const grid = grids.get(run.gridId)
      if (grid !== undefined) grid.runs.push(run)
      else {
        const entry = { kind: 'grid' as const, gridId: run.gridId, runs: [run] }
        grids.set(run.gridId, entry)
        entries.push(entry)
      }
      continue
    }
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

/** How many runs of a batch are in each part of its bar: ended well, ended badly, stopped by the user, still going. */
export interface BatchCounts {
  succeeded: number
  failed: number
  cancelled: number
  active: number
  /** The sum of the active runs' progress (0–1 each). */
  activeProgress: number
}

export function batchCounts(runs: readonly Run[]): BatchCounts {
  const counts: BatchCounts = { succeeded: 0, failed: 0, cancelled: 0, active: 0, activeProgress: 0 }
  for (const r of runs) {
    if (r.status === 'succeeded') counts.succeeded++
    else if (r.status === 'failed' || r.status === 'timed_out') counts.failed++
    else if (r.status === 'cancelled') counts.cancelled++
    else {
      counts.active++
      counts.activeProgress += r.progress
    }
  }
  return counts
}

/** Whether any run of a batch has saved outputs or may still bring some: what "Show in Gallery" promises. */
export const batchHasOutputs = (runs: readonly Run[]): boolean =>
  runs.some((r) => !isTerminal(r.status) || r.outputs === 'pending' || r.outputs === 'saved')

/**
 * The seed a run was sent with: the value of its deployment's seed input (`seedField`, the rule main uses
 * to vary a batch) when the deployment is known, else of the one input named like a seed.
 */
export function runSeed(run: Run, fields?: readonly InputField[]): number | string | null {
  const field = fields !== undefined ? seedField(fields) : undefined
  const key = field?.id ?? Object.keys(run.inputs).find((k) => /seed/i.test(k))
  const value = key !== undefined ? run.inputs[key] : undefined
  return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? value : null
}

/** How many runs each batch has among the runs loaded (a filtered list still names the whole batch). */
export function batchSizes(runs: readonly Run[]): Map<string, number> {
  const sizes = new Map<string, number>()
  for (const r of runs) if (r.batchId !== null) sizes.set(r.batchId, (sizes.get(r.batchId) ?? 0) + 1)
  return sizes
}

/** The saved outputs of several runs (a batch), newest first as the store keeps them. Use with useShallow. */
export const outputsOfRuns = (runIds: ReadonlySet<string>) => (s: CourierState): Output[] => s.outputs.items.filter((o) => o.runId !== null && runIds.has(o.runId))

/** The deployment's inputs a run was made with, when its provider's list has loaded. */
export const deploymentInputsOf = (run: Run) => (s: CourierState): InputField[] | undefined =>
  s.generate.deployments[run.provider]?.items.find((d) => d.id === run.deploymentId)?.inputs
