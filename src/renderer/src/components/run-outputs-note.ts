import type { Run } from '@shared/run'

/**
 * What a finished run's row says about its files when there are none to show, so "Succeeded" never stands
 * over an empty card: every output moved to the trash since (saved, and none left), or none made at all.
 */
export function runOutputsNote(run: Pick<Run, 'status' | 'outputs' | 'outputCount'>): string | null {
  if (run.status !== 'succeeded') return null
  if (run.outputs === 'saved' && run.outputCount === 0) return 'Its outputs were moved to the trash, so there is nothing left to show.'
  if (run.outputs === 'none') return 'This run finished without making any output.'
  return null
}
