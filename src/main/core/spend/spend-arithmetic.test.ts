import { describe, expect, it } from 'vitest'
import { DEFAULT_BUDGET } from '@shared/spend'
import { dayKey, momentMs, monthKey, weekKey } from './periods'
import { COMFYDEPLOY_USD_PER_SECOND, guessRunComfyTier, RUNCOMFY_USD_PER_HOUR } from './price-tables'
import { median, priceRun } from './run-cost'
import { spendVerdict } from './verdict'

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000

describe('the cost of a run, from the services’ own example timings (shared/providers)', () => {
  it('ComfyDeploy: queued → ended (cold start included) × the A10G price per second', () => {
    // comfydeploy.md §12: queued_at 10:00:31.004, ended_at 10:01:41.880, gpu A10G.
    const gpuSeconds = seconds('2025-11-18T10:00:31.004Z', '2025-11-18T10:01:41.880Z')
    const cost = priceRun({ gpu: 'A10G', seconds: gpuSeconds, executionOnly: false, sessionId: null }, { name: 'A10G', usdPerSecond: COMFYDEPLOY_USD_PER_SECOND.A10G!, source: 'table', guessed: false }, false)
    expect(cost).toEqual({ gpuSeconds: 70.876, usd: 0.023885, estimated: true, gpu: 'A10G' })
  })

  it('RunComfy: created → finished × the X-Large tier (AMPERE_48) at the pay-as-you-go price', () => {
    // runcomfy.md: created_at 10:00:00.412731, finished_at 10:08:30.095112, hardware ["AMPERE_48"].
    const gpuSeconds = seconds('2025-11-18T10:00:00.412Z', '2025-11-18T10:08:30.095Z')
    const tier = guessRunComfyTier('AMPERE_48')!
    expect(tier).toBe('X-Large')
    const cost = priceRun(
      { gpu: 'AMPERE_48', seconds: gpuSeconds, executionOnly: false, sessionId: null },
      { name: `${tier} (AMPERE_48)`, usdPerSecond: RUNCOMFY_USD_PER_HOUR[tier].payg / 3600, source: 'table', guessed: true },
      false,
    )
    expect(cost).toEqual({ gpuSeconds: 509.683, usd: 0.353947, estimated: true, gpu: 'X-Large (AMPERE_48)' })
  })

  it('the Demo costs $0 and is no estimate, yet keeps its GPU seconds', () => {
    expect(priceRun({ gpu: 'T4', seconds: 12.5, executionOnly: false, sessionId: 's' }, { name: 'T4', usdPerSecond: 0.00018, source: 'simulated', guessed: false }, true)).toEqual({
      gpuSeconds: 12.5,
      usd: 0,
      estimated: false,
      gpu: 'T4',
    })
  })

  it('nothing to price by gives no cost rather than a made-up one', () => {
    expect(priceRun({ gpu: 'MYSTERY_9', seconds: 10, executionOnly: true, sessionId: null }, null, false)).toBeNull()
  })

  it('maps RunComfy SKUs onto tiers, and knows when it does not know', () => {
    expect(guessRunComfyTier('ampere_24')).toBe('Large')
    expect(guessRunComfyTier('ADA_48_PLUS')).toBe('X-Large Plus')
    expect(guessRunComfyTier('HOPPER_80')).toBe('2X-Large Plus')
    expect(guessRunComfyTier('QUANTUM_1')).toBeNull()
  })

  it('takes the median of recent runs', () => {
    expect(median([])).toBeNull()
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})

describe('periods in local time', () => {
  it('keys days, ISO weeks and months', () => {
    const at = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12).getTime()
    expect(dayKey(at(2026, 12, 6))).toBe('2026-12-06')
    expect(monthKey(at(2026, 12, 6))).toBe('2026-12')
    expect(weekKey(at(2026, 12, 6))).toBe('2026-W49') // a Sunday ends its ISO week
    expect(weekKey(at(2026, 12, 7))).toBe('2026-W50')
    expect(weekKey(at(2021, 1, 3))).toBe('2020-W53')
    expect(weekKey(at(2024, 12, 30))).toBe('2025-W01')
  })

  it('reads a range of dates as including its last day', () => {
    expect(momentMs('2026-12-01', 'from')).toBe(new Date(2026, 11, 1).getTime())
    expect(momentMs('2026-12-31', 'to')).toBe(new Date(2027, 0, 1).getTime())
    expect(momentMs(5, 'to')).toBe(5)
  })
})

describe('what a paid submit meets', () => {
  const budget = { monthlyUsd: 10, confirmAboveUsd: 1, hardStop: false }
  it('passes below the threshold and the budget', () => {
    expect(spendVerdict({ count: 1, usd: 0.5, basis: 'history', monthUsd: 2, budget, label: 'ComfyDeploy' }).kind).toBe('ok')
  })
  it('asks above the per-action threshold', () => {
    const verdict = spendVerdict({ count: 1, usd: 1.2, basis: 'history', monthUsd: 0, budget, label: 'ComfyDeploy' })
    expect(verdict).toMatchObject({ kind: 'confirm', reason: expect.stringContaining('$1.00 confirmation threshold') })
  })
  it('asks when the month would pass its budget, even below the threshold', () => {
    expect(spendVerdict({ count: 1, usd: 0.5, basis: 'history', monthUsd: 9.8, budget, label: 'ComfyDeploy' })).toMatchObject({ kind: 'confirm', reason: expect.stringContaining('past this month') })
  })
  it('refuses at a hard stop, and asks before several runs nothing can estimate', () => {
    expect(spendVerdict({ count: 1, usd: 0.5, basis: 'history', monthUsd: 9.8, budget: { ...budget, hardStop: true }, label: 'RunComfy' }).kind).toBe('refuse')
    expect(spendVerdict({ count: 1, usd: 0, basis: 'none', monthUsd: 0, budget: DEFAULT_BUDGET, label: 'RunComfy' }).kind).toBe('ok')
    expect(spendVerdict({ count: 4, usd: 0, basis: 'none', monthUsd: 0, budget: DEFAULT_BUDGET, label: 'RunComfy' })).toMatchObject({ kind: 'confirm', reason: expect.stringContaining('4 runs') })
  })
})
