import type { Output } from '@shared/output'
import { statusStage, type Run } from '@shared/run'

/**
 * True when `incoming` is at least as new as `current`. Answers and events can cross (the `runs.submit`
 * answer may arrive after the first `run.updated`), so the copy main wrote last wins, and on a tie the one
 * further along.
 */
export function isNewer(incoming: Run, current: Run): boolean {
  if (incoming.updatedAt !== current.updatedAt) return incoming.updatedAt > current.updatedAt
  const stage = statusStage(incoming.status) - statusStage(current.status)
  if (stage !== 0) return stage > 0
  return incoming.progress >= current.progress
}

const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/** Inserts or replaces a run, keeping the list newest first; returns the same array if nothing changed. */
export function upsertRun(list: Run[], run: Run): Run[] {
  const i = list.findIndex((r) => r.id === run.id)
  if (i >= 0) {
    const current = list[i] as Run
    if (!isNewer(run, current)) return list
    const next = list.slice()
    next[i] = run
    return next
  }
  return [...list, run].sort(newestFirst)
}

/** Merges a fetched list into what events already delivered, each run keeping its newest copy. */
export function mergeRuns(list: Run[], fetched: Run[]): Run[] {
  const byId = new Map(list.map((r) => [r.id, r] as const))
  for (const run of fetched) {
    const current = byId.get(run.id)
    if (current === undefined || isNewer(run, current)) byId.set(run.id, run)
  }
  return [...byId.values()].sort(newestFirst)
}

export function upsertById<T extends { id: string | number }>(list: T[], item: T, compare: (a: T, b: T) => number): T[] {
  const i = list.findIndex((x) => x.id === item.id)
  if (i >= 0) {
    const next = list.slice()
    next[i] = item
    return next
  }
  return [...list, item].sort(compare)
}

export const outputsNewestFirst = (a: Output, b: Output): number => newestFirst(a, b)

export function mergeById<T extends { id: string | number }>(list: T[], fetched: T[], compare: (a: T, b: T) => number): T[] {
  const byId = new Map<T['id'], T>()
  for (const x of list) byId.set(x.id, x)
  for (const x of fetched) byId.set(x.id, x)
  return [...byId.values()].sort(compare)
}
