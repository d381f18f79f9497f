import { errorAdvice, type ErrorCode } from '@shared/errors'

/**
 * A failure in words: the code's advice (what to do), then main's specifics. The one place the renderer
 * joins them: main sends bare facts, and the wording is the renderer's to choose.
 */
export const failureText = ({ code, message }: { code: ErrorCode; message: string }): string => `${errorAdvice[code]} ${message}`.trim()
