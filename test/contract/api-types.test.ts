/**
 * The contract, core and both transports cannot drift apart: every typed door takes a contract method
 * name, that method's args and answers with its result. These are compile-time checks (`expectTypeOf`
 * does nothing at run time): `npm run typecheck` (tsconfig.node.json covers test/**) is what fails.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type { AssembledApi, CoreApi } from '../../src/main/core/api/build-api'
import type { Core } from '../../src/main/core/core-types'
import type { CourierTransport } from '../../src/preload/main-world'
import type { httpCourier } from '../../src/renderer/src/api/http-courier'
import type { CourierClient } from '../../src/shared/client'
import type { Contract, MethodArgs, MethodName, MethodResult } from '../../src/shared/contract'
import type { Result } from '../../src/shared/result'

/** A typed door, spelled out from the contract alone. */
type ContractCall = <M extends MethodName>(method: M, args: MethodArgs<M>) => Promise<Result<MethodResult<M>>>

describe('the contract types', () => {
  it('core has exactly the contract methods, each taking its validated args and answering its result', () => {
    expectTypeOf<keyof CoreApi>().toEqualTypeOf<MethodName>()
    expectTypeOf<{ [M in MethodName]: Parameters<CoreApi[M]>[0] }>().toEqualTypeOf<{ [M in MethodName]: z.output<Contract[M]['args']> }>()
    expectTypeOf<{ [M in MethodName]: Awaited<ReturnType<CoreApi[M]>> }>().toEqualTypeOf<{ [M in MethodName]: Result<MethodResult<M>> }>()
  })

  it('core.call, the preload bridge, the renderer client and its HTTP twin are the same call', () => {
    expectTypeOf<Core['call']>().toEqualTypeOf<ContractCall>()
    expectTypeOf<CourierTransport['invoke']>().toEqualTypeOf<ContractCall>()
    expectTypeOf<CourierClient['invoke']>().toEqualTypeOf<ContractCall>()
    expectTypeOf<ReturnType<typeof httpCourier>['invoke']>().toEqualTypeOf<ContractCall>()
  })

  it('the transports untrusted names reach keep the untyped door', () => {
    expectTypeOf<Core['invoke']>().toEqualTypeOf<(method: string, rawArgs: unknown) => Promise<Result<unknown>>>()
  })

  it('assembling the API from slices refuses a method missing, provided twice, or not in the contract', () => {
    type RunsGet = Pick<CoreApi, 'runs.get'>
    expectTypeOf<AssembledApi<[RunsGet]>>().not.toExtend<CoreApi>()
    expectTypeOf<AssembledApi<[RunsGet, RunsGet]>>().toEqualTypeOf<{ 'provided twice': 'runs.get' }>()
    expectTypeOf<AssembledApi<[RunsGet & { 'runs.purge': () => Promise<Result<null>> }]>>().toEqualTypeOf<{ 'not in the contract': 'runs.purge' }>()
  })
})
