import type { z } from 'zod'
import type { Contract, MethodName, MethodResult } from '@shared/contract'
import type { Result } from '@shared/result'

/** Method bodies, one per contract entry; a missing or extra method is a compile error. */
export type CoreApi = {
  [M in MethodName]: (args: z.output<Contract[M]['args']>) => Promise<Result<MethodResult<M>>>
}

/** One domain's methods (`appApi`, `runsApi`, …): a part of the API that `assembleApi` joins with the others. */
export type ApiSlice = Partial<CoreApi>

/** Every method name the slices provide. */
type NamesIn<S> = S extends readonly [infer First, ...infer Rest] ? keyof First | NamesIn<Rest> : never
/** Method names provided by more than one slice. */
type NamedTwice<S> = S extends readonly [infer First, ...infer Rest] ? (keyof First & NamesIn<Rest>) | NamedTwice<Rest> : never

/**
 * What `assembleApi` makes of its slices. Assigned to `CoreApi`, it fails to compile when a method is
 * missing (the `Pick` lacks it), provided twice (a later spread would silently replace the first), or
 * not in the contract (nothing could call it).
 */
export type AssembledApi<S extends readonly ApiSlice[]> = [NamedTwice<S>] extends [never]
  ? [Exclude<NamesIn<S>, MethodName>] extends [never]
    ? Pick<CoreApi, NamesIn<S> & MethodName>
    : { 'not in the contract': Exclude<NamesIn<S>, MethodName> }
  : { 'provided twice': NamedTwice<S> }

/** Joins the per-domain slices into the one API object; see `AssembledApi` for what it checks. */
export function assembleApi<const S extends readonly ApiSlice[]>(...slices: S): AssembledApi<S> {
  return Object.assign({}, ...slices) as AssembledApi<S>
}
