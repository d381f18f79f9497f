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
