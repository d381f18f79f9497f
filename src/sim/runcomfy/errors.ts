import type { SimFaults } from '../faults'
import { json, type Reply } from '../http/router'

/** runcomfy.md §8: the numeric codes the simulator answers with, and their names (used as `error_message`). */
export const RC_ERRORS = {
  401001: 'Unauthorized',
  403003: 'Forbidden',
  404001: 'Not Found',
  422001: 'Validation Error',
  500001: 'Internal Error',
  10001: 'InsufficientFunds',
  10002: 'DisabledDeployment',
  10003: 'DeletedDeployment',
} as const
export type RcErrorCode = keyof typeof RC_ERRORS

/** One entry of a 422001 `detail` list; the real item shape is undocumented, the spec's example has these two. */
export interface RcIssue {
  loc: string[]
  msg: string
}

/**
 * HTTP status of a code: the first three digits of the six-digit ones; 403 for the 1000x gating codes,
 * whose status is undocumented (10002 answers 403 per the brief).
 */
export function httpStatusOf(code: number): number {
  return code >= 100_000 ? Math.floor(code / 1000) : 403
}

/**
 * `{"error_code", "error_message"[, "detail"]}` with the code's HTTP status, or HTTP 200 under the
 * runcomfyErrorAsHttp200 knob (some RunComfy endpoints answer that way: treat any `error_code` as an error).
 */
export function rcError(faults: SimFaults, code: RcErrorCode, detail?: RcIssue[]): Reply {
  const body: Record<string, unknown> = { error_code: code, error_message: RC_ERRORS[code] }
  if (detail) body.detail = detail
  return json(faults.runcomfyErrorAsHttp200 ? 200 : httpStatusOf(code), body)
}
