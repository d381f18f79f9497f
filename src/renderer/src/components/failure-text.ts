import { errorAdvice, unreachableCodes, type ErrorCode } from '@shared/errors'

/**
 * A failure in words: the code's advice (what to do), then main's specifics. The one place the renderer
 * joins them: main sends bare facts, and the wording is the renderer's to choose.
 */
export const failureText = ({ code, message }: { code: ErrorCode; message: string }): string =>
  (rawDetail({ code, message }) === null ? `${errorAdvice[code]} ${message}` : errorAdvice[code]).trim()

/**
 * The system's own words for a request that never reached the service ("getaddrinfo ENOTFOUND …"): kept
 * for whoever needs them, under "Details", and left out of the sentence. Null for every other failure.
 */
export const rawDetail = ({ code, message }: { code: ErrorCode; message: string }): string | null =>
  unreachableCodes.has(code) && message !== '' ? message : null
