import { errorAdvice } from '@shared/errors'
import type { Failure } from '@shared/result'

interface Props {
  error: Failure
  /** Announce it (role="alert"); off for errors that are part of a list, such as a failed run. */
  live?: boolean
  /** Leave the message out (when it is shown under the field it concerns). */
  adviceOnly?: boolean
  onRetry?: () => void
  className?: string
}

/** The code's advice, which says what to do, then the specifics. */
export function ErrorNotice({ error, live = false, adviceOnly = false, onRetry, className = '' }: Props) {
  return (
    <div className={`notice notice--error ${className}`} role={live ? 'alert' : undefined} data-error-code={error.code}>
      <span className="notice__icon" aria-hidden="true">!</span>
      <div className="notice__body">
        <strong className="notice__advice">{errorAdvice[error.code]}</strong>
        {!adviceOnly && error.message !== '' && <span className="notice__message">{error.message}</span>}
      </div>
      {onRetry && (
        <button type="button" className="btn btn--small btn--ghost" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  )
}
