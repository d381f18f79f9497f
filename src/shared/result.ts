import type { ErrorCode } from './errors'

/** The one answer shape of every API method, across IPC and HTTP alike: nothing is thrown across a transport. */
/** `details` carries what a caller acts on beyond the words: the estimate a spend confirmation names. */
export type FailureDetails = { estimateUsd?: number }
export type Failure = { code: ErrorCode; message: string; field?: string; details?: FailureDetails }
export type Result<T> = { ok: true; value: T } | { ok: false; error: Failure }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const err = <T = never>(code: ErrorCode, message: string, field?: string): Result<T> => ({
  ok: false,
  error: field === undefined ? { code, message } : { code, message, field },
})

/** A failure with details a caller acts on (the estimate of `SPEND_CONFIRMATION_REQUIRED`). */
export const errWith = <T = never>(code: ErrorCode, message: string, details: FailureDetails): Result<T> => ({ ok: false, error: { code, message, details } })
