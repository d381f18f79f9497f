import { percent } from './format'

/** A determinate bar; `indeterminate` animates while nothing is known yet (queued). */
export function ProgressBar({ value, label, indeterminate = false }: { value: number; label: string; indeterminate?: boolean }) {
  const pct = percent(value)
  return (
    <div
      className={`progress${indeterminate ? ' progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div className="progress__bar" style={{ width: indeterminate ? undefined : `${pct}%` }} />
    </div>
  )
}
