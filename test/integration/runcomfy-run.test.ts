import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RUNCOMFY_DEPLOYMENT_IDS, startSim, type Sim } from '../../src/sim/index'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'
import { decodePng } from '../support/png'

const FLUX = RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait

describe('RunComfy runs against the simulator', () => {
  let sim: Sim
  const cores: TestCore[] = []
  beforeAll(async () => {
    sim = await startSim({ timeScale: 0.1 })
  })
  afterEach(() => sim.reset())
  afterAll(async () => {
    for (const t of cores) {
      await t.stop()
      await removeDir(t.dataDir)
    }
    await sim.close()
  })

  // The safety-net poll (30 s in the app) is shortened so that runs whose webhooks are lost end quickly.
  async function core(webhooks: boolean, url = sim.url): Promise<TestCore> {
    const t = await startTestCore({
      env: { RUNCOMFY_API_URL: url, RUNCOMFY_API_KEY: 'rc-test-token' },
      tuning: { safetyPollMs: 1000 },
      ...(webhooks ? { webhooks: 'direct' as const } : { flags: { tunnel: 'off' } }),
    })
    cores.push(t)
    return t
  }

  async function expectSavedPngs(t: TestCore, runId: string, count: number) {
    const outputs = await t.call('outputs.list', { runId: runId as never })
    expect(outputs).toHaveLength(count)
    for (const output of outputs) decodePng(await readFile(join(t.libraryDir, output.path)))
    return outputs
  }

  it('builds the form from the workflow graph and runs it to a saved image through webhooks', async () => {
    const t = await core(true)
    const deployments = await t.call('deployments.list', { provider: 'runcomfy' })
    const flux = deployments.find((d) => d.id === FLUX)!
    expect(flux.name).toBe('Flux Portrait')
    const fields = Object.fromEntries(flux.inputs.map((f) => [f.id, f]))
    expect(fields['6.text']).toMatchObject({ kind: 'prompt', label: 'Prompt' })
    expect(fields['7.text']).toMatchObject({ kind: 'prompt' })
    expect(fields['3.seed']).toMatchObject({ kind: 'seed' })
    expect(fields['3.sampler_name']).toMatchObject({ kind: 'enum' })
    expect(fields['3.sampler_name']!.options).toContain('euler')

    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'a portrait in rain', '3.seed': 7 } })
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 1)
    expect(done.polling).toBe(false)
    await expectSavedPngs(t, run.id, 1)
    const hooks = (await t.call('webhooks.list', {})).filter((h) => h.runId === run.id)
    expect(hooks.map((h) => h.outcome)).toContain('applied')
    expect(hooks.some((h) => h.status === 'succeeded')).toBe(true)
  })

  it('gets there by polling alone, reading "completed" through /result', async () => {
    const t = await core(false)
    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'polled' } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 1)
    await expectSavedPngs(t, run.id, 1)
  })

  it('ends a failing workflow as failed with the service’s error, and saves nothing', async () => {
    const t = await core(true)
    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.brokenGraph, inputs: {} })
    const done = await t.waitForRun(run.id, (r) => r.status === 'failed')
    expect(done.error).toMatchObject({ code: 'RUN_FAILED' })
    expect(done.error!.message).toMatch(/CUDA out of memory/)
    expect(await t.call('outputs.list', { runId: run.id })).toEqual([])
  })

  it('refuses a disabled deployment with a clear error and keeps the run as failed', async () => {
    const t = await core(true)
    const result = await t.core.invoke('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.disabled, inputs: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_REFUSED' } })
    const runs = await t.call('runs.list', {})
    expect(runs[0]).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_REFUSED' } })
  })

  it('names the input a 422 is about', async () => {
    const t = await core(true)
    const result = await t.core.invoke('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'x', '10.image': 'not-a-file.png' } })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_VALIDATION', field: '10.image' } })
  })

  it('cancels a queued request', async () => {
    // At full speed a request stays queued long enough to cancel it.
    const slowSim = await startSim({ timeScale: 1 })
    try {
      const t2 = await core(true, slowSim.url)
      const run = await t2.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'never mind' } })
      const cancelled = await t2.call('runs.cancel', { id: run.id })
      expect(['cancelled', 'queued']).toContain(cancelled.status)
      await t2.waitForRun(run.id, (r) => r.status === 'cancelled')
      expect(await t2.call('outputs.list', { runId: run.id })).toEqual([])
    } finally {
      await slowSim.close()
    }
  })

  for (const [name, faults] of [
    ['webhooks dropped', { dropWebhooks: true }],
    ['webhooks duplicated', { duplicateWebhooks: true }],
    ['webhooks reordered', { reorderWebhooks: true }],
    ['"canceled" spelling and error arrays', { runcomfyCanceledSpelling: true, runcomfyErrorArray: true }],
    ['flat LoRA-style output in webhooks', { runcomfyWebhookOutputs: 'flat' }],
  ] as const) {
    it(`ends right with ${name}`, async () => {
      Object.assign(sim.faults, faults)
      const t = await core(true)
      const ok = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': name } })
      const bad = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.brokenGraph, inputs: {} })
      await t.waitForRun(ok.id, (r) => r.status === 'succeeded' && r.outputCount === 1, 20_000)
      await t.waitForRun(bad.id, (r) => r.status === 'failed', 20_000)
      await expectSavedPngs(t, ok.id, 1)
      expect(sim.stats().runsQueued).toBe(2)
    })
  }

  it('reports errors sent as HTTP 200 with an error_code', async () => {
    sim.faults.runcomfyErrorAsHttp200 = true
    const t = await core(true)
    const result = await t.core.invoke('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.disabled, inputs: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_REFUSED' } })
  })
})
