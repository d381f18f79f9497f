import { describe, expect, it } from 'vitest'
import { DEPLOYMENTS } from './comfydeploy/deployments'
import { KEEP_WARM_MS, SimLedger, ledgerReport, type LedgerRun } from './ledger'
import { COMFYDEPLOY_GPU_PRICES, comfyDeployUsdPerSecond, runComfyTier, runComfyUsdPerSecond } from './prices'
import { RUNCOMFY_DEPLOYMENTS } from './runcomfy/deployments'

const cdRun = (over: Partial<LedgerRun> = {}): LedgerRun => ({
  provider: 'comfydeploy',
  runId: 'r1',
  deploymentId: 'd1',
  machineId: 'm1',
  gpu: 'A10G',
  tier: null,
  status: 'success',
  sessionId: 's1',
  usdPerSecond: 0.000337,
  fromMs: 1_000_000,
  toMs: 1_010_500,
  ...over,
})

describe('sim prices', () => {
  it('price every GPU and SKU the seeded deployments run on', () => {
    for (const d of DEPLOYMENTS) expect(comfyDeployUsdPerSecond(d.gpu), d.name).not.toBeNull()
    for (const d of RUNCOMFY_DEPLOYMENTS) expect(runComfyUsdPerSecond(d.hardware[0] ?? ''), d.name).not.toBeNull()
  })

  it('map the SKUs onto tiers and hourly prices onto seconds', () => {
    expect([runComfyTier('AMPERE_24'), runComfyTier('AMPERE_48'), runComfyTier('ADA_48_PLUS')]).toEqual(['Large', 'X-Large', 'X-Large Plus'])
    expect(runComfyUsdPerSecond('AMPERE_48')).toBeCloseTo(2.5 / 3600, 12)
    expect(runComfyUsdPerSecond('HOPPER_9000')).toBeNull()
    expect(comfyDeployUsdPerSecond('toString')).toBeNull()
    expect(COMFYDEPLOY_GPU_PRICES.A10G).toBe(0.000337)
  })
})

describe('SimLedger', () => {
  it('bills the session with its keep-warm tail and estimates the span without it', () => {
    const ledger = new SimLedger(1)
    const entry = ledger.record(cdRun())
    expect(entry).toMatchObject({
      sessionStartMs: 1_000_000,
      sessionEndMs: 1_010_500 + KEEP_WARM_MS,
      keepWarmSeconds: KEEP_WARM_MS / 1000,
      estimateSeconds: 10.5,
      billedSeconds: 10.5 + KEEP_WARM_MS / 1000,
    })
    expect(entry.estimateUsd).toBe(10.5 * 0.000337)
    expect(entry.billedUsd - (entry.estimateUsd ?? 0)).toBeCloseTo((KEEP_WARM_MS / 1000) * 0.000337, 12)
  })

  it('scales the keep-warm tail with timeScale', () => {
    expect(new SimLedger(0.05).record(cdRun()).keepWarmSeconds).toBeCloseTo((KEEP_WARM_MS / 1000) * 0.05, 12)
  })

  it('books a run that never started at nothing, and one without a price at $0', () => {
    const ledger = new SimLedger(1)
    expect(ledger.record(cdRun({ fromMs: null }))).toMatchObject({ sessionId: null, sessionStartMs: null, billedSeconds: 0, billedUsd: 0, estimateSeconds: null, estimateUsd: null })
    expect(ledger.record(cdRun({ usdPerSecond: null }))).toMatchObject({ billedUsd: 0, estimateUsd: null, estimateSeconds: 10.5 })
  })

  it('counts a session as closed only once its tail is over, and meters the charge up to now', () => {
    const ledger = new SimLedger(1)
    const entry = ledger.record(cdRun({ provider: 'runcomfy', machineId: null, sessionId: null, usdPerSecond: 1 }))
    const end = entry.sessionEndMs ?? 0
    expect(ledger.closedSessions('runcomfy', end - 1)).toEqual([])
    expect(ledger.closedSessions('runcomfy', end)).toEqual([entry])
    expect(ledger.closedSessions('comfydeploy', end)).toEqual([])
    expect(ledger.chargedUsd('runcomfy', 1_010_500)).toBeCloseTo(10.5, 9)
    expect(ledger.chargedUsd('runcomfy', end + 60_000)).toBeCloseTo(entry.billedUsd, 9)
    ledger.clear()
    expect(ledger.entries()).toEqual([])
  })

  it('reports totals per provider with every entry', () => {
    const ledger = new SimLedger(1)
    ledger.record(cdRun())
    ledger.record(cdRun({ runId: 'r2', fromMs: null }))
    const report = ledgerReport(ledger, 99.5)
    expect(report.runComfyBalanceUsd).toBe(99.5)
    expect(report.keepWarmSeconds).toBe(KEEP_WARM_MS / 1000)
    expect(report.totals.comfydeploy).toMatchObject({ runs: 2, estimateSeconds: 10.5, billedSeconds: 10.5 + KEEP_WARM_MS / 1000 })
    expect(report.totals.runcomfy.runs).toBe(0)
    expect(report.entries.map((e) => e.runId)).toEqual(['r1', 'r2'])
  })
})
