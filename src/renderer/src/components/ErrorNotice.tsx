import { errorAdvice } from '@shared/errors'
import type { Failure } from '@shared/result'
import { useOpenView } from '../store/context'
import { fixedInSettings } from '../store/toasts'
import { rawDetail } from './failure-text'

/** The system's own words, folded away under "Details" (for a bug report, or someone who knows them). */
export function FailureDetails({ text }: { text: string }) {
  return (
    <details className="failure-details">
      <summary>Details</summary>
      <code className="failure-details__text">{text}</code>
    </details>
  )
}

interface Props {
  error: Failure
  /** Announce it (role="alert"); off for errors that are part of a list, such as a failed run. */
  live?: boolean
  /** Leave the message out (when it is shown under the field it concerns). */
  adviceOnly?: boolean
  onRetry?: () => void
  /** Offer "Open Settings" for key problems; off inside Settings itself. */
  settingsLink?: boolean
  className?: string
}


/** The code's advice, which says what to do, then the specifics; key problems get a way to Settings. */
export function ErrorNotice({ error, live = false, adviceOnly = false, onRetry, settingsLink = true, className = '' }: Props) {
  const open = useOpenView()
  const toSettings = settingsLink && open !== null && fixedInSettings(error.code)
  const detail = rawDetail(error)
  return (
    <div className={`notice notice--error ${className}`} role={live ? 'alert' : undefined} data-error-code={error.code}>
      <span className="notice__icon" aria-hidden="true">!</span>
      <div className="notice__body">
        <strong className="notice__advice">{errorAdvice[error.code]}</strong>
        {!adviceOnly && detail === null && error.message !== '' && <span className="notice__message">{error.message}</span>}
        {!adviceOnly && detail !== null && <FailureDetails text={detail} />}
      </div>
      {(toSettings || onRetry) && (
        <div className="notice__actions">
          {toSettings && (
            <button type="button" className="btn btn--small" onClick={() => open('settings')}>
              Open Settings
            </button>
          )}
          {onRetry && (
            <button type="button" className="btn btn--small btn--ghost" onClick={onRetry}>
              Try again
            </button>
          )}
        </div>
      )}
    </div>
  )
}
