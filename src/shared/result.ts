import type { ErrorCode } from './errors'

/** The one answer shape of every API method, across IPC and HTTP alike: nothing is thrown across a transport. */
export type Failure = { code: ErrorCode; message: string; field?: string }
export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const err = <T = never>(code: ErrorCode, message: string, field?: string): Result<T> => ({
  ok: false,
  error: field === undefined ? { code, message } : { code, message, field },
})
