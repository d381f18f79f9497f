import type { Run } from '@shared/run'
import { DEMO_COST_TEXT, ESTIMATE_NOTE, formatGpuSeconds, formatUsd, sumCosts } from '../format/money'

const DEMO_NOTE = 'The Demo runs on this computer and costs nothing; its prices are simulated.'

/** The "est." marker: its tooltip says why the figure is an estimate (also read out, as the title is not). */
export function EstimateMark() {
  return (
    <abbr className="cost__est" title={ESTIMATE_NOTE}>
      est.<span className="visually-hidden"> (estimated: {ESTIMATE_NOTE})</span>
    </abbr>
  )
}

/**
 * What a run cost: "$0.014 · 42 GPU-s est.", "Free (Demo)"; nothing while no figure is known yet (an active
 * run's cost comes once the service's timings do). Failed and cancelled runs show theirs: they were billed.
 */
export function RunCost({ run, className = '' }: { run: Pick<Run, 'provider' | 'cost' | 'status'>; className?: string }) {
  if (run.provider === 'demo') {
    return (
      <span className={`cost cost--free ${className}`} title={DEMO_NOTE} data-cost="free">
        {DEMO_COST_TEXT}
      </span>
    )
  }
  if (run.cost === null) return null
  const { usd, gpuSeconds, estimated, gpu } = run.cost
  return (
    <span className={`cost ${className}`} data-cost={usd} title={gpu !== null ? `Priced as ${gpu}` : undefined}>
      <span className="visually-hidden">Cost </span>
      {formatUsd(usd)} · {formatGpuSeconds(gpuSeconds)}
      {estimated && (
        <>
          {' '}
          <EstimateMark />
        </>
      )}
    </span>
  )
}

/** A batch's cost: the sum of its runs' ("$0.11 · 320 GPU-s est.", "so far" while some are not priced yet). */
export function BatchCost({ runs }: { runs: ReadonlyArray<Pick<Run, 'provider' | 'cost' | 'status'>> }) {
  const sum = sumCosts(runs)
  if (sum.free) {
    return (
      <span className="cost cost--free" title={DEMO_NOTE} data-cost="free">
        {DEMO_COST_TEXT}
      </span>
    )
  }
  if (sum.priced === 0) return null
  return (
    <span className="cost" data-cost={sum.usd} data-batch-cost={sum.usd}>
      <span className="visually-hidden">Cost of the batch </span>
      {formatUsd(sum.usd)} · {formatGpuSeconds(sum.gpuSeconds)}
      {sum.priced < sum.total && <span className="muted"> ({sum.priced} of {sum.total} runs priced so far)</span>}
      {sum.estimated && (
        <>
          {' '}
          <EstimateMark />
        </>
      )}
    </span>
  )
}
