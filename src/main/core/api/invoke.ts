import { z } from 'zod'
import { contract, isMethodName, type MethodName, type MethodResult } from '@shared/contract'
import { err, type Result } from '@shared/result'
import type { Logger } from '../log/logger'
import type { CoreApi } from './build-api'

/** The one door both transports use: unknown names and bad args are answers, never exceptions. */
export async function invoke(api: CoreApi, name: string, raw: unknown, log: Logger): Promise<Result<unknown>> {
  if (!isMethodName(name)) return err('UNKNOWN_METHOD', `no method "${name}"`)
  return invokeMethod(api, name, raw, log)
}

/**
 * A contract method, named by a caller that knows it is one (`invoke` after its check, or `Core.call`):
 * its args are validated all the same, and its answer is typed by the contract.
 */
export async function invokeMethod<M extends MethodName>(api: CoreApi, name: M, raw: unknown, log: Logger): Promise<Result<MethodResult<M>>> {
  const args = contract[name].args.safeParse(raw ?? {})
  if (!args.success) return err('BAD_INPUT', z.prettifyError(args.error))
  try {
    // The contract pairs each name with its args; TypeScript cannot follow that pairing through `M`.
    const method = api[name] as (args: unknown) => Promise<Result<MethodResult<M>>>
    return await method(args.data)
  } catch (error) {
    log.error('method failed', { method: name, error: (error as Error).stack ?? String(error) })
    return err('INTERNAL', `${name} failed: ${(error as Error).message}`)
  }
}
