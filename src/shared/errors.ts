import { z } from 'zod'

/** Closed set of error codes; the UI picks its wording from the code, never from the message text. */
export const ErrorCode = z.enum([
  'BAD_INPUT',
  'UNKNOWN_METHOD',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'NOT_SUPPORTED',
  'NOT_CONFIGURED',
  'PROVIDER_AUTH',
  'PROVIDER_NOT_FOUND',
  'PROVIDER_VALIDATION',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_REFUSED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_BAD_REPLY',
  /** The request never reached the service (issue 15): no network; its host name unknown; nothing listening; a TLS failure. */
  'PROVIDER_OFFLINE',
  'PROVIDER_NAME_NOT_FOUND',
  'PROVIDER_CONNECTION_REFUSED',
  'PROVIDER_TLS',
  'RUN_FAILED',
  'DOWNLOAD_FAILED',
  'DISK_FULL',
  /** A submit whose estimate crosses the per-action threshold or the month's budget, sent without `confirmUsd` (issue 17). */
  'SPEND_CONFIRMATION_REQUIRED',
  /** A submit the budget's hard stop refuses, whatever was confirmed. */
  'BUDGET_EXCEEDED',
  'INTERNAL',
])
export type ErrorCode = z.infer<typeof ErrorCode>

/**
 * A short sentence per code that a creator can act on; the message adds the specifics. For the codes of a
 * request that never reached the service (`unreachableCodes`) the advice is the whole story and the message
 * is the raw system text, which the renderer keeps under "Details".
 */
export const errorAdvice: Record<ErrorCode, string> = {
  BAD_INPUT: 'Some input is not valid.',
  UNKNOWN_METHOD: 'The app and its back end disagree; restart the app.',
  FORBIDDEN: 'This request was refused.',
  NOT_FOUND: 'It no longer exists.',
  CONFLICT: 'That cannot be done in the current state.',
  NOT_SUPPORTED: 'Only the desktop app can do that.',
  NOT_CONFIGURED: 'Add your API key in Settings.',
  PROVIDER_AUTH: 'The service refused the API key: check it in Settings.',
  PROVIDER_NOT_FOUND: 'The service does not know this deployment or run.',
  PROVIDER_VALIDATION: 'The service rejected an input.',
  PROVIDER_RATE_LIMITED: 'The service asked us to slow down; retrying later.',
  PROVIDER_REFUSED: 'The service refused the run: check your balance and the deployment on its dashboard.',
  PROVIDER_UNAVAILABLE: 'The service is having trouble; try again shortly.',
  PROVIDER_TIMEOUT: 'The service did not answer in time.',
  PROVIDER_BAD_REPLY: 'The service answered with something unexpected.',
  PROVIDER_OFFLINE: 'This computer seems to be offline, so the service could not be reached. Check your internet connection, then try again.',
  PROVIDER_NAME_NOT_FOUND:
    'The service’s address could not be found. Check its base URL in Settings for a typo, and your internet connection, then try again.',
  PROVIDER_CONNECTION_REFUSED:
    'Nothing answered at the service’s address: the connection was refused. Check its base URL in Settings, or try again once the service is back.',
  PROVIDER_TLS:
    'The service’s secure connection could not be trusted, so nothing was sent. Check its base URL in Settings; if it is right, a proxy or this computer’s clock may be getting in the way.',
  RUN_FAILED: 'The workflow failed on the service.',
  DOWNLOAD_FAILED: 'An output could not be saved.',
  DISK_FULL: 'The disk is full: free some space, then try again (a run’s downloads are retried by themselves).',
  SPEND_CONFIRMATION_REQUIRED: 'This would spend more than you asked to be warned about: confirm the estimate to go ahead.',
  BUDGET_EXCEEDED: 'This would take the month past its budget, and the budget has a hard stop: raise the budget in Settings to go on.',
  INTERNAL: 'Something went wrong inside Comfy Courier.',
}

/** Codes of a request that never reached the service: their message is raw system text, shown only as a detail. */
export const unreachableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['PROVIDER_OFFLINE', 'PROVIDER_NAME_NOT_FOUND', 'PROVIDER_CONNECTION_REFUSED', 'PROVIDER_TLS'])
