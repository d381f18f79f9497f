/**
 * Cancelling a run the service has not dispatched yet, through a real core against the simulator: ComfyDeploy
 * answers 500 "…has no modal function call ID" while a run waits `not-started` for a machine (§6). The cancel
 * is answered at once, kept with the run, and carried out as soon as the service can take it, after a
 * restart too; a grid's "Cancel the rest" refuses no cell for waiting there.
 */
import { describe, expect, it } from 'vitest'
import type { CourierEvent } from '../../src/shared/events'
import { isTerminal, type Run } from '../../src/shared/run'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

const CANCELLING = 'Cancelling: ComfyDeploy will stop it as soon as it starts'

/** Every state of a run the core announced, in order. */
const updatesOf = (t: TestCore, id: string): Run[] =>
  t.seen.filter((e): e is Extract<CourierEvent, { type: 'run.updated' }> => e.type === 'run.updated' && e.run.id === id).map((e) => e.run)

describe('cancelling a run the service has not dispatched yet', () => {
  // One run at a time on each machine, at the simulator's own speed (a run takes some 2.5 s): the second waits.
  const rig = useSimAndCores({ timeScale: 1, machineConcurrency: 1 })
  const start = (opts: { providerConcurrency?: number } = {}) =>
    rig.start({
      env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'sk-test-key' },
      ...(opts.providerConcurrency ? { tuning: { providerConcurrency: { comfydeploy: opts.providerConcurrency } } } : {}),
    })
  const submit = (t: TestCore, prompt: string) =>
    t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt, seed: 7 } })

  it('answers ok with "Cancelling…", and the run ends cancelled once the machine frees, never succeeded', async () => {
    const t = await start()
    const first = await submit(t, 'a fox, first')
    const second = await submit(t, 'a fox, second')

    const answer = await t.core.call('runs.cancel', { id: second.id })
    expect(answer).toMatchObject({ ok: true, value: { id: second.id, status: 'queued', liveStatus: CANCELLING } })
    expect(await t.call('runs.get', { id: second.id })).toMatchObject({ status: 'queued', liveStatus: CANCELLING })

    expect((await t.waitForRun(first.id, (run) => isTerminal(run.status), 20_000)).status).toBe('succeeded')
    const ended = await t.waitForRun(second.id, (run) => isTerminal(run.status), 20_000)
    expect(ended).toMatchObject({ status: 'cancelled', outputCount: 0 })
    // From the answer on, the run said it was being cancelled until it was: no queue position, no "Executing".
    const states = updatesOf(t, second.id)
    const from = states.findIndex((run) => run.liveStatus === CANCELLING)
    expect(from).toBeGreaterThanOrEqual(0)
    const meanwhile = states.slice(from).filter((run) => !isTerminal(run.status))
    expect(new Set(meanwhile.map((run) => run.liveStatus))).toEqual(new Set([CANCELLING]))
    expect(states.some((run) => run.status === 'succeeded')).toBe(false)
    // The service agrees: two runs queued (nothing sent again), one succeeded, one cancelled.
    expect(rig.sim.stats()).toMatchObject({ runsQueued: 2, runsSucceeded: 1, runsCancelled: 1 })
  })

  it('keeps the cancel across a restart, and carries it out then', async () => {
    let t = await start()
    const first = await submit(t, 'a heron, first')
    const second = await submit(t, 'a heron, second')
    expect(await t.core.call('runs.cancel', { id: second.id })).toMatchObject({ ok: true, value: { liveStatus: CANCELLING } })

    t = await rig.restart(t)
    expect(await t.call('runs.get', { id: second.id })).toMatchObject({ status: 'queued', liveStatus: CANCELLING })
    expect((await t.waitForRun(first.id, (run) => isTerminal(run.status), 20_000)).status).toBe('succeeded')
    expect((await t.waitForRun(second.id, (run) => isTerminal(run.status), 20_000)).status).toBe('cancelled')
    expect(rig.sim.stats()).toMatchObject({ runsQueued: 2, runsSucceeded: 1, runsCancelled: 1 })
  })

  it('cancels the rest of a grid, the cells waiting at the service included, refusing none', async () => {
    // Two sent at once to a machine that works on one: one waits there, not dispatched; two wait here.
    const t = await start({ providerConcurrency: 2 })
    const { gridId, runs } = await t.call('grids.submit', {
      provider: 'comfydeploy',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'a lighthouse' },
      axes: [{ input: 'seed', values: [1, 2, 3, 4] }],
    })
    await t.waitForRun(runs[1]!.id, (run) => run.providerRunId !== null)

    const cancelled = await t.core.call('grids.cancel', { gridId })
    expect(cancelled.ok).toBe(true)
    for (const run of runs) {
      const ended = await t.waitForRun(run.id, (r) => isTerminal(r.status), 20_000)
      expect(ended.status, `cell of seed ${String(run.inputs['seed'])}`).toBe('cancelled')
    }
    expect(rig.sim.stats()).toMatchObject({ runsQueued: 2, runsSucceeded: 0, runsCancelled: 2 })
  })
})
