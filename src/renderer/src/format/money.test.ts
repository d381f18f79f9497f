import { describe, expect, it } from 'vitest'
import { formatGpuSeconds, formatHourly, formatUsd, formatUsdDelta, formatUsdEstimate, runCostText, sumCosts, usdCell } from './money'

describe('formatUsd', () => {
  it('says nothing as $0.00 and under a cent as "< $0.01"', () => {
    expect(formatUsd(0)).toBe('$0.00')
    expect(formatUsd(0.0004)).toBe('< $0.01')
    expect(formatUsd(0.00999)).toBe('< $0.01')
  })
  it('keeps a third decimal under a dollar only where it says something', () => {
    expect(formatUsd(0.014)).toBe('$0.014')
    expect(formatUsd(0.0143)).toBe('$0.014')
    expect(formatUsd(0.05)).toBe('$0.05')
    expect(formatUsd(0.01)).toBe('$0.01')
    expect(formatUsd(0.999)).toBe('$0.999')
  })
  it('uses cents from a dollar up, with thousands grouped', () => {
    expect(formatUsd(1)).toBe('$1.00')
    expect(formatUsd(1.234)).toBe('$1.23')
    expect(formatUsd(12.5)).toBe('$12.50')
    expect(formatUsd(1234.5)).toBe('$1,234.50')
  })
  it('keeps the sign of a difference, and refuses to print nonsense', () => {
    expect(formatUsd(-0.4)).toBe('−$0.40')
    expect(formatUsd(Number.NaN)).toBe('—')
  })
  it('says a difference with its sign, and one under a cent as such', () => {
    expect(formatUsdDelta(0.2)).toBe('+$0.20')
    expect(formatUsdDelta(-0.167)).toBe('−$0.167')
    expect(formatUsdDelta(0.004)).toBe('< $0.01')
    expect(formatUsdDelta(-0.004)).toBe('< $0.01')
    expect(formatUsdDelta(0)).toBe('$0.00')
  })
  it('says estimates as such', () => {
    expect(formatUsdEstimate(0.05)).toBe('≈ $0.05')
    expect(formatUsdEstimate(0.001)).toBe('< $0.01')
    expect(formatUsdEstimate(0)).toBe('≈ $0.00')
  })
})

describe('GPU time and prices', () => {
  it('counts GPU seconds', () => {
    expect(formatGpuSeconds(42.4)).toBe('42 GPU-s')
    expect(formatGpuSeconds(4.25)).toBe('4.3 GPU-s')
    expect(formatGpuSeconds(1234)).toBe('1,234 GPU-s')
    expect(formatGpuSeconds(0)).toBe('0 GPU-s')
  })
  it('says a per-second price per hour', () => {
    expect(formatHourly(1.21 / 3600)).toBe('$1.21/h')
  })
  it('writes CSV cells as plain numbers', () => {
    expect(usdCell(0.0143751)).toBe('0.014375')
    expect(usdCell(null)).toBe('')
  })
})

describe('run costs', () => {
  it('says the Demo is free, a priced run its dollars and GPU time, and nothing before it is known', () => {
    expect(runCostText({ provider: 'demo', cost: { usd: 0, gpuSeconds: 12, estimated: false, gpu: 'Demo' } })).toBe('Free (Demo)')
    expect(runCostText({ provider: 'comfydeploy', cost: { usd: 0.014, gpuSeconds: 42, estimated: true, gpu: 'A10G' } })).toBe('$0.014 · 42 GPU-s')
    expect(runCostText({ provider: 'runcomfy', cost: null })).toBeNull()
  })
  it('adds a batch up, counting what is known yet', () => {
    const sum = sumCosts([
      { provider: 'comfydeploy', cost: { usd: 0.01, gpuSeconds: 30, estimated: true, gpu: 'A10G' } },
      { provider: 'comfydeploy', cost: { usd: 0.02, gpuSeconds: 60, estimated: false, gpu: 'A10G' } },
      { provider: 'comfydeploy', cost: null },
    ])
    expect(sum).toMatchObject({ gpuSeconds: 90, estimated: true, priced: 2, total: 3, free: false })
    expect(sum.usd).toBeCloseTo(0.03)
  })
})
