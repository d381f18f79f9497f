import { describe, expect, it } from 'vitest'
import { ProgressMeter } from './progress-meter'

describe('ProgressMeter', () => {
  it('smooths the rate over about two seconds and gives the ETA at that rate', () => {
    let now = 0
    const meter = new ProgressMeter(() => now)
    meter.start(0)
    // 1 MB/s steadily: the figure is exact from the first sample.
    now = 250
    expect(meter.sample(250_000, 10_000_000)).toEqual({ bytesPerSecond: 1_000_000, etaSeconds: 9.8 })
    // A burst at 4 MB/s for one sample moves it only part of the way.
    now = 500
    const burst = meter.sample(1_250_000, 10_000_000)
    expect(burst.bytesPerSecond).toBeGreaterThan(1_200_000)
    expect(burst.bytesPerSecond).toBeLessThan(1_500_000)
    // Two seconds more at 4 MB/s and it has mostly caught up.
    for (let i = 0; i < 8; i++) {
      now += 250
      meter.sample(1_250_000 + (i + 1) * 1_000_000, 20_000_000)
    }
    expect(meter.sample(9_250_000, 20_000_000).bytesPerSecond).toBeGreaterThan(3_000_000)
  })

  it('has no rate before it can measure one, and no ETA without a total', () => {
    let now = 0
    const meter = new ProgressMeter(() => now)
    meter.start(0)
    expect(meter.sample(0, 100)).toEqual({ bytesPerSecond: null, etaSeconds: null })
    now = 1000
    expect(meter.sample(500, null)).toEqual({ bytesPerSecond: 500, etaSeconds: null })
  })

  it('lets a downloading event out at most every 250 ms', () => {
    let now = 0
    const meter = new ProgressMeter(() => now)
    const out: number[] = []
    for (now = 0; now <= 1000; now += 50) if (meter.due()) out.push(now)
    expect(out).toEqual([0, 250, 500, 750, 1000])
  })
})
