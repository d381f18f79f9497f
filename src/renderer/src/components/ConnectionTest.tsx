import type { ReactNode } from 'react'
import type { ConnectionCheck } from '@shared/contract'
import type { ErrorCode } from '@shared/errors'
import { FailureDetails } from './ErrorNotice'
import { failureText, rawDetail } from './failure-text'

/** How a failed connection test looks: a key problem is an error, a service having trouble a warning. */
function checkTone(code: ErrorCode | null): 'error' | 'warn' {
  switch (code) {
    case 'PROVIDER_RATE_LIMITED':
    case 'PROVIDER_UNAVAILABLE':
    case 'PROVIDER_TIMEOUT':
    case 'PROVIDER_BAD_REPLY':
    case 'PROVIDER_OFFLINE':
    case 'PROVIDER_CONNECTION_REFUSED':
      return 'warn'
    default:
      return 'error'
  }
}

/** A failed check in words: core sends the bare fact, the code says what to do about it. */
const failedText = (check: ConnectionCheck): string => (check.code === null ? check.message : failureText({ code: check.code, message: check.message }))

interface Props {
  /** The last answer, or null before any (or once it no longer applies). */
  check: ConnectionCheck | null
  running: boolean
  onTest(): void
  /** Why it cannot be tested now: the button is off, with this as its tooltip. */
  blocked?: string | null
  /** Shown where the answer goes while there is none: why it cannot be tested, or a problem found before testing. */
  note?: ReactNode
  /** What to do about a failure, said under it (the welcome, where Settings is not open yet). */
  nextStep?: (code: ErrorCode | null) => string
  /** The answer's element id, for the key box's `aria-describedby`. */
  resultId?: string
}

/** "Test connection" and its answer beside it, in Settings and in the first-run welcome. */
export function ConnectionTest({ check, running, onTest, blocked = null, note = null, nextStep, resultId }: Props) {
  const detail = check !== null && !check.ok && check.code !== null ? rawDetail({ code: check.code, message: check.message }) : null
  return (
    <div className="conn-test">
      <button type="button" className="btn btn--small" disabled={running || blocked !== null} aria-busy={running} title={blocked ?? undefined} onClick={onTest}>
        {running && <span className="spinner spinner--small" aria-hidden="true" />}
        {running ? 'Testing…' : 'Test connection'}
      </button>
      <div id={resultId} className="conn-test__result" role="status" aria-live="polite">
        {check === null ? (
          note
        ) : check.ok ? (
          <p className="conn-result conn-result--ok" data-check="ok">
            <span aria-hidden="true">✓ </span>
            {check.message}
          </p>
        ) : (
          <div className={`conn-result conn-result--${checkTone(check.code)}`} data-check="failed" data-error-code={check.code ?? undefined}>
            <p>
              <span aria-hidden="true">✗ </span>
              {failedText(check)}
            </p>
            {nextStep && nextStep(check.code) !== '' && <p className="conn-result__next">{nextStep(check.code)}</p>}
            {detail !== null && <FailureDetails text={detail} />}
          </div>
        )}
      </div>
    </div>
  )
}
