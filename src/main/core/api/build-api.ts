import type { z } from 'zod'
import type { Contract, MethodName, MethodResult } from '@shared/contract'
import type { Result } from '@shared/result'

/** Method bodies, one per contract entry; a missing or extra method is a compile error. */
export type CoreApi = {
  [M in MethodName]: (args: z.output<Contract[M]['args']>) => Promise<Result<MethodResult<M>>>
}
