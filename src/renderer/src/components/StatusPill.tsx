import type { RunStatus } from '@shared/run'
import { percent } from './format'

export const statusLabel: Record<RunStatus, string> = {
  submitting: 'Submitting',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  timed_out: 'Timed out',
}

export function StatusPill({ status, progress }: { status: RunStatus; progress?: number }) {
  const showPct = status === 'running' && progress !== undefined && progress > 0
  return (
    <span className={`pill pill--${status}`}>
      <span className="pill__dot" aria-hidden="true" />
      {statusLabel[status]}
      {showPct && <span className="pill__pct"> {percent(progress)}%</span>}
    </span>
  )
}
