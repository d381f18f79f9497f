/**
 * A queue call whose answer never comes back may still have started a paid run. The app must never queue
 * it again: it finds the run (the service's run list, or the run's own webhook) or, when it cannot, says
 * plainly whether trying again is safe.
 */
import { describe, expect, it } from 'vitest'
import { DEPLOYMENT_IDS, RUNCOMFY_DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore, TestCoreOptions } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

const WINDOW_MS = 1500

describe('a submit whose answer was lost', () => {
  const rig = useSimAndCores()

  async function core(provider: 'comfydeploy' | 'runcomfy', delivery: 'direct' | 'off'): Promise<TestCore> {
    const env =
      provider === 'comfydeploy'
        ? { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k' }
        : { RUNCOMFY_API_URL: rig.sim.url, RUNCOMFY_API_KEY: 'k' }
    const opts: TestCoreOptions = { env, tuning: { safetyPollMs: 1000, lostSubmitWindowMs: WINDOW_MS } }
    if (delivery === 'direct') opts.webhooks = 'direct'
    else opts.flags = { tunnel: 'off' }
    return rig.start(opts)
  }

  const submitCd = (t: TestCore) =>
    t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'lost', seed: 3 } })
  const submitRc = (t: TestCore) =>
    t.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait, inputs: { '6.text': 'lost', '3.seed': 3 } })

  it('ComfyDeploy never got the call: after looking, the run fails saying it is safe to generate again', async () => {
    const t = await core('comfydeploy', 'off')
    rig.sim.faults.dropQueueRequests = 1
    const run = await submitCd(t)
    expect(run).toMatchObject({ status: 'submitting', providerRunId: null })
    expect(run.liveStatus).toMatch(/checking whether ComfyDeploy received the run/)
    const failed = await t.waitForRun(run.id, (r) => r.status === 'failed', 10_000)
    expect(failed.error?.message).toMatch(/never received the run.*safe to generate again/)
    expect(rig.sim.stats().runsQueued).toBe(0)
  })

  it('ComfyDeploy: the app stops right after the lost answer; on the next start the run is found and finishes', async () => {
    const t = await core('comfydeploy', 'off')
    rig.sim.faults.loseQueueAnswers = 1
    const run = await submitCd(t)
    expect(run.providerRunId).toBeNull()
    const next = await rig.restart(t)
    const done = await next.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2, 20_000)
    expect(done.providerRunId).not.toBeNull()
    expect(rig.sim.stats().runsQueued).toBe(1)
  })

  it('RunComfy (no run list): the run is recognised by its own webhook and finishes', async () => {
    const t = await core('runcomfy', 'direct')
    rig.sim.faults.loseQueueAnswers = 1
    const run = await submitRc(t)
    expect(run).toMatchObject({ status: 'submitting', providerRunId: null, error: null })
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 1, 20_000)
    expect(done.providerRunId).not.toBeNull()
    expect(rig.sim.stats().runsQueued).toBe(1)
    const adopted = (await t.call('webhooks.list', {})).filter((h) => h.runId === run.id && h.outcome === 'applied')
    expect(adopted.length).toBeGreaterThan(0)
  })

  it('RunComfy without webhooks cannot look the run up: the submit fails at once and says to check the dashboard', async () => {
    const t = await core('runcomfy', 'off')
    rig.sim.faults.loseQueueAnswers = 1
    await expect(submitRc(t)).rejects.toThrow(/may still have started — check RunComfy's dashboard/)
    const [run] = await t.call('runs.list', {})
    expect(run).toMatchObject({ status: 'failed' })
  })

  it('RunComfy with webhooks that never come: after the window the run fails with the same advice', async () => {
    const t = await core('runcomfy', 'direct')
    rig.sim.faults.loseQueueAnswers = 1
    rig.sim.faults.dropWebhooks = true
    const run = await submitRc(t)
    const failed = await t.waitForRun(run.id, (r) => r.status === 'failed', 10_000)
    expect(failed.error?.message).toMatch(/answer was lost and no webhook came: the run may still have started/)
    // Only one run was ever queued: the app did not try again on its own.
    expect(rig.sim.stats().runsQueued).toBe(1)
  })
})
