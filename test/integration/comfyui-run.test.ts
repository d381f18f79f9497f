import { describe, expect, it } from 'vitest'
import { startComfySim } from '../../src/sim/comfyui/comfyui-sim'
import { removeDir, startTestCore } from '../support/core-fixture'
import { comfyuiSuite, SIMPLE } from '../support/comfyui-suite'

describe('your own ComfyUI, against the simulator', () => {
  comfyuiSuite(async () => {
    const sim = await startComfySim({ nodeMs: 40 })
    // The slow graph's nodes are told apart by title only: the simulator takes nodeMs per node, so 40 nodes ≈ 1.6 s.
    const slow = { ...SIMPLE }
    let previous = '1'
    for (let i = 10; i < 50; i++) {
      slow[String(i)] = { class_type: 'ImageBlur', inputs: { image: [previous, 0], blur_radius: 1, sigma: 1 } }
      previous = String(i)
    }
    slow['3'] = { class_type: 'SaveImage', inputs: { images: [previous, 0], filename_prefix: 'slow' } }
    delete slow['2']
    return {
      url: sim.url,
      slow: () => slow,
      runTimeoutMs: 15_000,
      saveWorkflow: async (file, text) => void sim.savedWorkflows.set(file, text),
      close: () => sim.close(),
    }
  })
})

describe('your own ComfyUI: several servers, auth, and what is refused', () => {
  it('adds a second server behind a bearer token, tests it, and runs a workflow there; its secret is never shown', async () => {
    const local = await startComfySim({ nodeMs: 5 })
    const remote = await startComfySim({ nodeMs: 5, token: 's3cret-token' })
    const t = await startTestCore({ env: { COMFYUI_URL: local.url } })
    try {
      const refused = await t.core.call('comfyui.saveServer', { name: 'Rented', url: 'ftp://example.com', auth: 'none' })
      expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
      const noUser = await t.core.call('comfyui.saveServer', { name: 'Rented', url: remote.url, auth: 'basic', secret: 'x' })
      expect(noUser).toMatchObject({ ok: false, error: { message: 'basic auth needs a user name' } })
      const withoutToken = await t.call('comfyui.saveServer', { name: 'Rented GPU', url: remote.url, auth: 'bearer', usdPerHour: 3.6 })
      const rented = withoutToken.find((s) => s.name === 'Rented GPU')!
      expect(rented).toMatchObject({ secretSet: false, isDefault: false, fromEnv: false, usdPerHour: 3.6 })
      expect(await t.call('comfyui.testServer', { id: rented.id })).toMatchObject({ ok: false, message: expect.stringMatching(/refused the credentials \(HTTP 401\)/) })
      const saved = await t.call('comfyui.saveServer', { id: rented.id, name: 'Rented GPU', url: remote.url, auth: 'bearer', secret: 's3cret-token' })
      expect(saved.find((s) => s.id === rented.id)).toMatchObject({ secretSet: true, usdPerHour: 3.6 })
      expect(JSON.stringify(saved)).not.toContain('s3cret-token')
      expect(await t.call('comfyui.testServer', { id: rented.id })).toMatchObject({ ok: true })

      const deployment = await t.call('deployments.add', { provider: 'comfyui', name: 'On the rented GPU', workflowJson: JSON.stringify(SIMPLE), serverId: rented.id })
      expect(deployment.hardware).toBe('Rented GPU')
      const run = await t.call('runs.submit', { provider: 'comfyui', deploymentId: deployment.id, inputs: {} })
      const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputs === 'saved')
      expect(done.cost!.usd).toBeCloseTo((done.cost!.gpuSeconds * 3.6) / 3600, 6)
      expect(remote.received).toHaveLength(1)
      expect(local.received).toHaveLength(0)

      const busy = await t.core.call('comfyui.removeServer', { id: rented.id })
      expect(busy).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
      await t.call('deployments.remove', { provider: 'comfyui', deploymentId: deployment.id })
      expect((await t.call('comfyui.removeServer', { id: rented.id })).map((s) => s.id)).toEqual(['env'])
      const notOurs = await t.core.call('deployments.add', { provider: 'runcomfy', name: 'x', workflowJson: '{}' })
      expect(notOurs).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } })
    } finally {
      await t.stop()
      await removeDir(t.dataDir)
      await local.close()
      await remote.close()
    }
  })
})
