import { z } from 'zod'
import { contract, isMethodName } from '@shared/contract'
import { err, type Result } from '@shared/result'
import type { Logger } from '../log/logger'
import type { CoreApi } from './build-api'

/** The one door both transports use: unknown names and bad args are answers, never exceptions. */
export async function invoke(api: CoreApi, name: string, raw: unknown, log: Logger): Promise<Result<unknown>> {
  if (!isMethodName(name)) return err('UNKNOWN_METHOD', `no method "${name}"`)
  const args = contract[name].args.safeParse(raw ?? {})
  if (!args.success) return err('BAD_INPUT', z.prettifyError(args.error))
  try {
    const method = api[name] as (args: unknown) => Promise<Result<unknown>>
    return await method(args.data)
  } catch (error) {
    log.error('method failed', { method: name, error: (error as Error).stack ?? String(error) })
    return err('INTERNAL', `${name} failed: ${(error as Error).message}`)
  }
}
