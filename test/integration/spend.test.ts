/**
 * Spend through a real core against the simulator (issue 17): run costs equal the simulator's own books,
 * a batch above the threshold waits for its confirmation (nothing sent before), and a hard stop holds at
 * the budget whatever was confirmed.
 */
import { describe, expect, it } from 'vitest'
import type { Run } from '../../src/shared/run'
import { DEPLOYMENT_IDS, RUNCOMFY_DEPLOYMENT_IDS } from '../../src/sim/index'
import type { LedgerEntry } from '../../src/sim/ledger'
import { useSimAndCores } from '../support/sim-and-cores'

const priced = (run: Run) => run.status !== 'submitting' && run.status !== 'queued' && run.status !== 'running' && run.cost !== null

describe('spend against the simulator', () => {
  const rig = useSimAndCores()
  const start = () =>
    rig.start({
      env: {
        COMFYDEPLOY_API_URL: `${rig.sim.url}/api`,
        COMFYDEPLOY_API_KEY: 'sk-test-key',
        RUNCOMFY_API_URL: rig.sim.url,
        RUNCOMFY_API_KEY: 'rc-test-key',
      },
    })
  const ledger = async () => (await (await fetch(`${rig.sim.url}/__sim/ledger`)).json()) as { entries: LedgerEntry[] }
  const queued = async () => ((await (await fetch(`${rig.sim.url}/__sim/state`)).json()) as { stats: { runsQueued: number } }).stats.runsQueued

  it('prices every ended run as the simulator’s own ledger does, failed runs included, and the Demo at $0', async () => {
    const t = await start()
    const runs = [
      await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'a fox' } }),
      await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.alwaysFails, inputs: {} }),
      await t.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait, inputs: { '6.text': 'a portrait in rain', '3.seed': 7 } }),
    ]
    const ended = await Promise.all(runs.map((run) => t.waitForRun(run.id, priced, 30_000)))
    const books = (await ledger()).entries
    for (const run of ended) {
      const entry = books.find((e) => e.runId === run.providerRunId)
      expect(entry, `the simulator's entry for ${run.deploymentName}`).toBeDefined()
      expect(run.cost).toMatchObject({ estimated: true })
      expect(run.cost!.gpuSeconds).toBeCloseTo(entry!.estimateSeconds!, 2)
      expect(run.cost!.usd).toBeCloseTo(entry!.estimateUsd!, 5)
    }
    expect(ended.find((run) => run.provider === 'runcomfy')!.cost!.gpu).toBe('X-Large (AMPERE_48)')
    expect(ended.find((run) => run.deploymentId === DEPLOYMENT_IDS.alwaysFails)).toMatchObject({ status: 'failed', cost: { estimated: true, gpu: 'A10G' } })

    const demo = await t.call('runs.submit', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'free' } })
    const demoEnded = await t.waitForRun(demo.id, priced, 30_000)
    expect(demoEnded.cost).toMatchObject({ usd: 0, estimated: false })
    expect(demoEnded.cost!.gpuSeconds).toBeGreaterThan(0)

    // The month's summary sums the same costs, and the Demo's runs alone are known to have cost nothing.
    const byProvider = await t.call('spend.summary', { from: Date.now() - 3_600_000, to: Date.now() + 1, groupBy: 'provider' })
    const comfydeploy = byProvider.find((row) => row.key === 'comfydeploy')!
    expect(comfydeploy.estimatedUsd).toBeCloseTo(ended.filter((run) => run.provider === 'comfydeploy').reduce((sum, run) => sum + run.cost!.usd, 0), 6)
    expect(byProvider.find((row) => row.key === 'demo')).toMatchObject({ runs: 1, estimatedUsd: 0, actualUsd: 0 })
  })

  it('refuses a batch of 8 above the threshold without confirmation, sending nothing, and sends it once confirmed', async () => {
    const t = await start()
    await t.call('settings.update', { budgets: { comfydeploy: { monthlyUsd: null, confirmAboveUsd: 0.05, hardStop: false } } })
    const before = await queued()
    const args = { provider: 'comfydeploy' as const, deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: { positive_prompt: 'eight foxes' }, count: 8 }
    const refused = await t.core.call('runs.submitBatch', args)
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.error.code).toBe('SPEND_CONFIRMATION_REQUIRED')
    const estimate = refused.error.details?.estimateUsd
    // No run of it yet: 8 × 60 s assumed × A10G's $0.000337/s.
    expect(estimate).toBeCloseTo(8 * 60 * 0.000337, 3)
    expect(refused.error.message).toContain(`These 8 runs would cost about $${estimate!.toFixed(2)} on ComfyDeploy`)
    expect(await queued()).toBe(before)
    expect(await t.call('runs.list', {})).toEqual([])

    const tooLittle = await t.core.call('runs.submitBatch', { ...args, confirmUsd: estimate! / 2 })
    expect(!tooLittle.ok && tooLittle.error.code).toBe('SPEND_CONFIRMATION_REQUIRED')
    const sent = await t.call('runs.submitBatch', { ...args, confirmUsd: estimate! })
    expect(sent).toHaveLength(8)
    expect(await queued()).toBe(before + 8)
  })

  it('holds a hard stop at the budget, whatever was confirmed', async () => {
    const t = await start()
    const first = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: { positive_prompt: 'one' } })
    const spent = (await t.waitForRun(first.id, priced, 30_000)).cost!.usd
    // A budget that leaves less than one more run's estimate (the median of the one run so far).
    await t.call('settings.update', { budgets: { comfydeploy: { monthlyUsd: spent * 1.5, confirmAboveUsd: 1, hardStop: true } } })
    const before = await queued()
    const refused = await t.core.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: { positive_prompt: 'two' }, confirmUsd: 1000 })
    expect(refused).toMatchObject({ ok: false, error: { code: 'BUDGET_EXCEEDED' } })
    expect(!refused.ok && refused.error.message).toContain('hard stop')
    expect(await queued()).toBe(before)
    const rerun = await t.core.call('runs.rerun', { id: first.id, seed: 'new', confirmUsd: 1000 })
    expect(!rerun.ok && rerun.error.code).toBe('BUDGET_EXCEEDED')
    // The Demo is free: the budget of a paid service never stops it.
    expect((await t.core.call('runs.submit', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'free' } })).ok).toBe(true)
    // Raising the budget alone (the fields not given stay as they were) lets it go again.
    const raised = await t.call('settings.update', { budgets: { comfydeploy: { monthlyUsd: 10 } } })
    expect(raised.budgets.comfydeploy).toEqual({ monthlyUsd: 10, confirmAboveUsd: 1, hardStop: true })
    expect((await t.core.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: { positive_prompt: 'three' } })).ok).toBe(true)
  })

  it('reads the services’ own figures: ComfyDeploy’s usage and RunComfy’s balance', async () => {
    const t = await start()
    const before = await t.call('spend.refresh', {})
    expect(before.accounts.find((a) => a.provider === 'runcomfy')!.balanceUsd).toBeGreaterThan(0)
    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait, inputs: { '6.text': 'billed', '3.seed': 1 } })
    await t.waitForRun(run.id, priced, 30_000)
    // The session closes after its keep-warm tail; then the balance has dropped by what it billed.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const after = await t.call('spend.refresh', {})
    const books = await ledger()
    const billed = books.entries.filter((e) => e.provider === 'runcomfy').reduce((sum, e) => sum + e.billedUsd, 0)
    const rows = await t.call('spend.summary', { from: Date.now() - 3_600_000, to: Date.now() + 1, groupBy: 'provider' })
    expect(rows.find((row) => row.key === 'runcomfy')!.actualUsd).toBeCloseTo(billed, 4)
    expect(after.prices.find((p) => p.provider === 'comfydeploy')).toMatchObject({ source: 'endpoint' })
    const comfy = rows.find((row) => row.key === 'comfydeploy')
    expect(comfy?.actualUsd ?? 0).toBeGreaterThanOrEqual(0)
  })
})
