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
  /**
   * Parts of the bar side by side (a batch: succeeded, failed, cancelled, still running), each a share of the
   * whole (0–1); `value` still says how far along it is for assistive technology.
   */
  segments?: ReadonlyArray<{ value: number; tone: ProgressPart }>
}

export type ProgressPart = 'ok' | 'error' | 'cancelled' | 'active'

/** A determinate bar; `indeterminate` animates while nothing is known yet (queued). */
export function ProgressBar({ value, label, indeterminate = false, unknown = false, valueText, tone, segments }: Props) {
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
      {segments !== undefined ? (
        <div className="progress__parts">
          {segments
            .filter((part) => part.value > 0)
            .map((part) => (
              <div key={part.tone} className={`progress__part progress__part--${part.tone}`} data-part={part.tone} style={{ width: `${Math.min(100, part.value * 100)}%` }} />
            ))}
        </div>
      ) : (
        <div className="progress__bar" style={{ width: moving ? undefined : `${pct}%` }} />
      )}
    </div>
  )
}
