import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { decodePng } from '../support/png'
import { useSimAndCores } from '../support/sim-and-cores'

describe('restarting the app loses nothing', () => {
  const rig = useSimAndCores({ timeScale: 0.3 })

  it('keeps finished runs and saved images across a restart', async () => {
    let t: TestCore = await rig.start()
    const deployment = (await t.call('deployments.list', { provider: 'demo' })).find((d) => d.name === 'Dreamscape SDXL')!
    const run = await t.call('runs.submit', { provider: 'demo', deploymentId: deployment.id, inputs: { positive_prompt: 'kept' } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 1)
    const before = await t.call('outputs.list', {})

    t = await rig.restart(t)
    expect(await t.call('runs.get', { id: run.id })).toMatchObject({ status: 'succeeded', outputCount: 1 })
    const after = await t.call('outputs.list', {})
    expect(after).toEqual(before)
    decodePng(await readFile(join(t.libraryDir, after[0]!.path)))
    await t.stop()
  })

  it('picks up a run that was live when the app stopped, and saves its output', async () => {
    const env = { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'sk-test' }
    let t: TestCore = await rig.start({ env })
    const run = await t.call('runs.submit', {
      provider: 'comfydeploy',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'interrupted', seed: 7 },
    })
    await t.waitForRun(run.id, (r) => r.status === 'running')
    await t.stop()

    t = await rig.restart(t)
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2, 20_000)
    expect(done.providerRunId).toBe(run.providerRunId)
    expect(rig.sim.stats().runsQueued).toBe(1)
    const outputs = await t.call('outputs.list', { runId: run.id })
    expect(outputs).toHaveLength(2)
    for (const output of outputs) decodePng(await readFile(join(t.libraryDir, output.path)))
    await t.stop()
  })
})
