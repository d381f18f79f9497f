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

/** How far a full-width bar is slid left (as a share of its width) so that `share` of it shows. */
const slideFor = (share: number): string => `translateX(${(Math.min(1, Math.max(0, share)) - 1) * 100}%)`

/**
 * A determinate bar; `indeterminate` animates while nothing is known yet (queued). The fill is a full-width bar
 * slid left by `transform`, not a width: a transform's transition runs on the compositor, where a width's
 * lays out and repaints the page at every frame (a 20×20 grid filling, with a bar per running cell, dropped
 * frames that way).
 */
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
          {stackParts(segments).map((part) => (
            <div key={part.tone} className={`progress__part progress__part--${part.tone}`} data-part={part.tone} style={{ transform: slideFor(part.end), zIndex: part.layer }} />
          ))}
        </div>
      ) : (
        <div className="progress__bar" style={{ transform: moving ? undefined : slideFor(value) }} />
      )}
    </div>
  )
}

/**
 * Parts side by side drawn as full-width bars each slid to where the parts up to it end, the first on top: each
 * shows from the end of the one before it to its own end.
 */
function stackParts(segments: NonNullable<Props['segments']>): Array<{ tone: ProgressPart; end: number; layer: number }> {
  const shown = segments.filter((part) => part.value > 0)
  let end = 0
  return shown.map((part, i) => {
    end += part.value
    return { tone: part.tone, end, layer: shown.length - i }
  })
}
