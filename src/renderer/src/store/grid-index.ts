import type { Output } from '@shared/output'
import type { Run } from '@shared/run'
import type { CourierState } from './types'

/**
 * Lookups by run id, built once per list (the store replaces its arrays on change): a 20×20 grid's cells each
 * find their run and output in O(1) on every event, instead of scanning the lists 400 times.
 */
const runIndexes = new WeakMap<readonly Run[], Map<string, Run>>()
const outputIndexes = new WeakMap<readonly Output[], Map<string, Output>>()

function runIndex(items: readonly Run[]): Map<string, Run> {
  let index = runIndexes.get(items)
  if (index === undefined) {
    index = new Map(items.map((r) => [r.id, r]))
    runIndexes.set(items, index)
  }
  return index
}

/** A run's first output (the oldest: the store keeps the newest first). */
function outputIndex(items: readonly Output[]): Map<string, Output> {
  let index = outputIndexes.get(items)
  if (index === undefined) {
    index = new Map()
    for (const o of items) if (o.runId !== null) index.set(o.runId, o)
    outputIndexes.set(items, index)
  }
  return index
}

export const runById =
  (id: string) =>
  (s: CourierState): Run | undefined =>
    runIndex(s.runs.items).get(id) ?? s.runs.byId[id as Run['id']]

/** A run's first output: among the newest and live saves, else among its grid's outputs read for the grid view. */
export const firstOutputOfRun =
  (id: string, gridId?: string) =>
  (s: CourierState): Output | undefined => {
    const found = outputIndex(s.outputs.items).get(id)
    if (found !== undefined || gridId === undefined) return found
    const own = s.grids.outputs[gridId]
    return own === undefined ? undefined : outputIndex(own).get(id)
  }

const idIndexes = new WeakMap<readonly Output[], Map<string, Output>>()

function idIndex(items: readonly Output[]): Map<string, Output> {
  let index = idIndexes.get(items)
  if (index === undefined) {
    index = new Map(items.map((o) => [o.id as string, o]))
    idIndexes.set(items, index)
  }
  return index
}

/** An output among those the store holds (the newest and live saves, the gallery's pages, a grid's own). */
export const outputById =
  (id: string | null) =>
  (s: CourierState): Output | undefined =>
    id === null ? undefined : (idIndex(s.outputs.items).get(id) ?? idIndex(s.outputs.results).get(id) ?? gridOutputById(s, id))

function gridOutputById(s: CourierState, id: string): Output | undefined {
  for (const list of Object.values(s.grids.outputs)) {
    const found = list === undefined ? undefined : idIndex(list).get(id)
    if (found !== undefined) return found
  }
  return undefined
}
