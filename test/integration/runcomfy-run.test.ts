import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { RUNCOMFY_DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { decodePng } from '../support/png'
import { useSimAndCores } from '../support/sim-and-cores'

const FLUX = RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait

describe('RunComfy runs against the simulator', () => {
  const rig = useSimAndCores()

  // The safety-net poll (30 s in the app) is shortened so that runs whose webhooks are lost end quickly.
  const core = (webhooks: boolean, url = rig.sim.url): Promise<TestCore> =>
    rig.start({
      env: { RUNCOMFY_API_URL: url, RUNCOMFY_API_KEY: 'rc-test-token' },
      tuning: { safetyPollMs: 1000 },
      ...(webhooks ? { webhooks: 'direct' as const } : { flags: { tunnel: 'off' } }),
    })

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
    const result = await t.core.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.disabled, inputs: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_REFUSED' } })
    const runs = await t.call('runs.list', {})
    expect(runs[0]).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_REFUSED' } })
  })

  it('names the input a 422 is about', async () => {
    const t = await core(true)
    const result = await t.core.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'x', '10.image': 'not-a-file.png' } })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_VALIDATION', field: '10.image' } })
  })

  it('cancels a queued request', async () => {
    // At full speed a request stays queued long enough to cancel it.
    const slowSim = await rig.startSim({ timeScale: 1 })
    const t2 = await core(true, slowSim.url)
    const run = await t2.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'never mind' } })
    const cancelled = await t2.call('runs.cancel', { id: run.id })
    expect(['cancelled', 'queued']).toContain(cancelled.status)
    await t2.waitForRun(run.id, (r) => r.status === 'cancelled')
    expect(await t2.call('outputs.list', { runId: run.id })).toEqual([])
  })

  for (const [name, faults] of [
    ['webhooks dropped', { dropWebhooks: true }],
    ['webhooks duplicated', { duplicateWebhooks: true }],
    ['webhooks reordered', { reorderWebhooks: true }],
    ['"canceled" spelling and error arrays', { runcomfyCanceledSpelling: true, runcomfyErrorArray: true }],
    ['flat LoRA-style output in webhooks', { runcomfyWebhookOutputs: 'flat' }],
    ['webhooks delayed', { webhookDelayMs: 300 }],
    ['intermediate webhooks withheld', { withholdWebhookIntermediate: true }],
    ['no outputs in the final webhook', { runcomfyWebhookOutputs: 'none' }],
  ] as const) {
    it(`ends right with ${name}`, async () => {
      Object.assign(rig.sim.faults, faults)
      const t = await core(true)
      const ok = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': name } })
      const bad = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.brokenGraph, inputs: {} })
      await t.waitForRun(ok.id, (r) => r.status === 'succeeded' && r.outputCount === 1, 20_000)
      await t.waitForRun(bad.id, (r) => r.status === 'failed', 20_000)
      await expectSavedPngs(t, ok.id, 1)
      expect(rig.sim.stats().runsQueued).toBe(2)
    })
  }

  it('fails a submit the service answers with 500001 clearly, without retrying it into a second paid run', async () => {
    Object.assign(rig.sim.faults, { runcomfyFailSubmitWithCode: 500001, runcomfyFailSubmitTimes: 1 })
    const t = await core(true)
    const result = await t.core.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'x' } })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_UNAVAILABLE' } })
    expect(rig.sim.stats()).toMatchObject({ runsQueued: 0, queueCallsFailed: 1 })
  })

  it('tells the user to check the token when RunComfy refuses it', async () => {
    rig.sim.faults.authFailure = true
    const t = await core(true)
    const check = await t.call('providers.test', { provider: 'runcomfy' })
    expect(check).toMatchObject({ ok: false, code: 'PROVIDER_AUTH' })
    expect(check.message).toMatch(/token/i)
  })

  it('reports outputs deleted before they could be fetched, and leaves no partial file', async () => {
    rig.sim.faults.runcomfyOutputTtlMs = 1
    const t = await core(true)
    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'gone' } })
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.error?.code === 'DOWNLOAD_FAILED' && !/will retry/.test(r.error.message), 20_000)
    expect(done.error!.message).toMatch(/expired or is gone/)
    expect(await t.call('outputs.list', { runId: run.id })).toEqual([])
  })

  it('follows a cancellation the service only accepts as requested', async () => {
    const slowSim = await rig.startSim({ timeScale: 1 })
    Object.assign(slowSim.faults, { runcomfyCancelRequested: true })
    const t = await core(true, slowSim.url)
    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'stop it' } })
    await t.waitForRun(run.id, (r) => r.status === 'running')
    await t.call('runs.cancel', { id: run.id })
    await t.waitForRun(run.id, (r) => r.status === 'cancelled')
  })

  it('reports errors sent as HTTP 200 with an error_code', async () => {
    rig.sim.faults.runcomfyErrorAsHttp200 = true
    const t = await core(true)
    const result = await t.core.call('runs.submit', { provider: 'runcomfy', deploymentId: RUNCOMFY_DEPLOYMENT_IDS.disabled, inputs: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_REFUSED' } })
  })
})

describe('RunComfy forms the user chooses', () => {
  // One core for every test here: the forms it saves carry over from test to test.
  const rig = useSimAndCores({ resetAfterEach: false })
  let t: TestCore
  beforeAll(async () => {
    t = await rig.start({ env: { RUNCOMFY_API_URL: rig.sim.url, RUNCOMFY_API_KEY: 'rc' }, webhooks: 'direct', tuning: { safetyPollMs: 1000 } })
  })

  it('exposes only the node inputs picked, with the user’s labels, and refuses the others', async () => {
    const candidates = await t.call('forms.candidates', { provider: 'runcomfy', deploymentId: FLUX })
    expect(candidates.map((c) => c.id)).toEqual(expect.arrayContaining(['6.text', '3.seed', '9.filename_prefix']))
    const picked = candidates.filter((c) => c.id === '6.text' || c.id === '3.seed').map((c) => (c.id === '6.text' ? { ...c, label: 'Subject' } : c))
    const saved = await t.call('forms.save', { provider: 'runcomfy', deploymentId: FLUX, fields: picked })
    expect(saved.customForm).toBe(true)
    expect(saved.inputs.map((f) => [f.id, f.label])).toEqual([
      ['6.text', 'Subject'],
      ['3.seed', picked[1]!.label],
    ])
    const listed = (await t.call('deployments.list', { provider: 'runcomfy' })).find((d) => d.id === FLUX)!
    expect(listed.inputs).toHaveLength(2)
    const hidden = await t.core.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '9.filename_prefix': 'x' } })
    expect(hidden).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: '9.filename_prefix' } })
    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: FLUX, inputs: { '6.text': 'picked form', '3.seed': 3 } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 1)

    const reset = await t.call('forms.reset', { provider: 'runcomfy', deploymentId: FLUX })
    expect(reset.customForm).toBe(false)
    expect(reset.inputs.length).toBeGreaterThan(2)
  })

  it('takes the inputs from an imported workflow in API format, and says clearly when it is not one', async () => {
    const workflow = JSON.stringify({
      '12': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat', clip: ['4', 1] } },
      '13': { class_type: 'KSampler', inputs: { seed: 5, steps: 12, cfg: 2, positive: ['12', 0] } },
    })
    const candidates = await t.call('forms.candidates', { provider: 'runcomfy', deploymentId: FLUX, workflowApiJson: workflow })
    expect(candidates.map((c) => c.id)).toEqual(expect.arrayContaining(['12.text', '13.seed', '13.steps']))
    const bad = await t.core.call('forms.candidates', { provider: 'runcomfy', deploymentId: FLUX, workflowApiJson: '{"nodes": [1, 2]}' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'PROVIDER_VALIDATION', field: 'workflowApiJson' } })
  })

  it('runs a LoRA deployment once its fields are added by name', async () => {
    const lora = RUNCOMFY_DEPLOYMENT_IDS.productShotLora
    const before = (await t.call('deployments.list', { provider: 'runcomfy' })).find((d) => d.id === lora)!
    expect(before.inputs).toEqual([])
    await t.call('forms.save', {
      provider: 'runcomfy',
      deploymentId: lora,
      fields: [
        { id: 'prompt', label: 'Prompt', kind: 'prompt', description: '', defaultValue: 'a bottle on marble', required: true },
        { id: 'seed', label: 'Seed', kind: 'seed', description: '', defaultValue: 42, required: false },
      ],
    })
    const run = await t.call('runs.submit', { provider: 'runcomfy', deploymentId: lora, inputs: { prompt: 'a perfume bottle', seed: 9 } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2)
    const outputs = await t.call('outputs.list', { runId: run.id })
    for (const output of outputs) decodePng(await readFile(join(t.libraryDir, output.path)))
  })
})
