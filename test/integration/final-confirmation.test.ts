import { describe, expect, it } from 'vitest'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { WebhookRecord } from '../../src/shared/delivery'
import type { Run } from '../../src/shared/run'
import type { TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'
import { hookTokenOf } from '../support/hook-token'

/** What the confirmation promises: a final state is taken within this long of the service showing it. */
const WITHIN_MS = 5000

/**
 * A final webhook is only a hint, confirmed by the service's own GET. These are the two ways that GET can
 * disagree at first — a forged webhook before the genuine one, and a service whose webhook runs ahead of
 * its API — and each must still end in `succeeded` within 5 s of the service's genuine final state, not at
 * the 30 s safety net (the product's default, kept here).
 */
describe('a final webhook the provider does not confirm at first', () => {
  const rig = useSimAndCores({ timeScale: 0.3 })

  const start = () => rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k' }, webhooks: 'direct' })

  /** When the service's own API first showed the run final: its `ended_at`, plus any lag the knob adds. */
  async function genuineFinalAt(run: Run, lagMs = 0): Promise<number> {
    const res = await fetch(`${rig.sim.url}/api/run/${run.providerRunId}`, { headers: { authorization: 'Bearer k' } })
    const body = (await res.json()) as { status: string; ended_at: string | null }
    expect(body.status).toBe('success')
    return Date.parse(body.ended_at!) + lagMs
  }

  const submit = (t: TestCore, deploymentId: string) => t.call('runs.submit', { provider: 'comfydeploy', deploymentId, inputs: {} })

  const finalWebhooks = (t: TestCore, runId: string): WebhookRecord[] =>
    t.seen.flatMap((e) => (e.type === 'webhook.received' && e.webhook.runId === runId && e.webhook.status === 'success' ? [e.webhook] : []))

  it('confirms the genuine webhook that follows a forged one at once, and trusts neither before the GET agrees', async () => {
    const t = await start()
    let run = await submit(t, DEPLOYMENT_IDS.slowRender)
    run = await t.waitForRun(run.id, (r) => r.status === 'running', 20_000)

    // Someone who learnt the hook URL forges "success" while the run is still running.
    const hookUrl = `${t.core.listenerUrl()}/hooks/comfydeploy/${hookTokenOf(t.dataDir, run.id)}`
    const forged = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event_type: 'run.updated', run_id: run.providerRunId, status: 'success', live_status: null, progress: 1, outputs: [] }),
    })
    expect(await forged.json()).toMatchObject({ ok: true, outcome: 'applied' })

    // The service's genuine webhook follows when the run really ends.
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded', 20_000)
    const genuineAt = await genuineFinalAt(run)
    expect(done.finishedAt!).toBeGreaterThanOrEqual(genuineAt) // nothing was trusted before the service said so
    expect(done.finishedAt! - genuineAt).toBeLessThanOrEqual(WITHIN_MS)
    expect(finalWebhooks(t, run.id).length).toBeGreaterThanOrEqual(2) // the forged one and the genuine one
    // And its picture is saved, from the service's own answer.
    const saved = await t.waitForRun(run.id, (r) => r.outputs === 'saved', 20_000)
    expect(saved.outputCount).toBeGreaterThan(0)
  }, 60_000)

  it('confirms a final webhook that runs ahead of the service API within 5 s of the API showing it', async () => {
    const LAG_MS = 3000
    rig.sim.faults.finalApiLagMs = LAG_MS
    const t = await start()
    const run = await submit(t, DEPLOYMENT_IDS.quickSketch)
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded', 30_000)
    const genuineAt = await genuineFinalAt(run, LAG_MS)
    expect(done.finishedAt!).toBeGreaterThanOrEqual(genuineAt)
    expect(done.finishedAt! - genuineAt).toBeLessThanOrEqual(WITHIN_MS)
    // The webhook came first and was asked about while the API still said running.
    const [first] = finalWebhooks(t, run.id)
    expect(first).toMatchObject({ outcome: 'applied' })
    expect(first!.receivedAt).toBeLessThan(genuineAt)
  }, 60_000)
})
