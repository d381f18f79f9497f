import { percent } from './format'

interface Props {
  value: number
  label: string
  /** Animates while nothing is known yet (queued). */
  indeterminate?: boolean
  /** No value can be given at all (a download of unknown size): aria-valuenow is left out, as ARIA asks. */
  unknown?: boolean
  /** What a screen reader says instead of the percentage ("1.2 MB of 4 MB"). */
  valueText?: string
  tone?: 'warn' | 'error' | 'ok'
}

/** A determinate bar; `indeterminate` animates while nothing is known yet (queued). */
export function ProgressBar({ value, label, indeterminate = false, unknown = false, valueText, tone }: Props) {
  const pct = percent(value)
  const moving = indeterminate || unknown
  return (
    <div
      className={`progress${moving ? ' progress--indeterminate' : ''}${tone ? ` progress--${tone}` : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={unknown ? undefined : pct}
      aria-valuetext={valueText}
    >
      <div className="progress__bar" style={{ width: moving ? undefined : `${pct}%` }} />
    </div>
  )
}
