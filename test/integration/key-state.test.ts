import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import { useSimAndCores } from '../support/sim-and-cores'

/**
 * Issue 15, item 1: a key is verified only once it passed a test (or a call with it succeeded); an
 * unverified key is kept only when the user saves it, and opens no tunnel (docs/api.md, "Keys and the tunnel").
 */
describe('API keys: tested before they are trusted', () => {
  const rig = useSimAndCores()
  // The services call the listener straight on loopback (tunnel mode `url`): the tunnel's wish shows in its state.
  const start = () => rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, RUNCOMFY_API_URL: rig.sim.url }, webhooks: 'direct' })

  it('tests a typed key without saving it, and a key saved after passing is verified and wants the tunnel', async () => {
    const t = await start()
    expect((await t.call('settings.get', {})).comfydeploy.keyState).toBe('none')
    expect((await t.call('tunnel.status', {})).state).toBe('off')

    const check = await t.call('providers.test', { provider: 'comfydeploy', apiKey: 'cd-typed-key' })
    expect(check.ok).toBe(true)
    // Tested, not saved: nothing in settings.json, no client, no tunnel.
    expect(existsSync(join(t.dataDir, 'settings.json')) ? readFileSync(join(t.dataDir, 'settings.json'), 'utf8') : '').not.toContain('sealedApiKey')
    expect((await t.call('providers.list', {})).find((p) => p.id === 'comfydeploy')?.configured).toBe(false)

    const view = await t.call('settings.update', { comfydeployApiKey: 'cd-typed-key' })
    expect(view.comfydeploy.keyState).toBe('verified')
    expect((await t.call('providers.list', {})).find((p) => p.id === 'comfydeploy')).toMatchObject({ configured: true, keyState: 'verified' })
    expect((await t.call('tunnel.status', {})).state).not.toBe('off')
  })

  it('a refused typed key is not saved; a key saved untested is unverified, opens no tunnel, and is verified by its first good call', async () => {
    const t = await start()
    rig.sim.faults.authFailure = true
    const refused = await t.call('providers.test', { provider: 'runcomfy', apiKey: 'rc-wrong' })
    expect(refused).toMatchObject({ ok: false, code: 'PROVIDER_AUTH' })
    expect((await t.call('settings.get', {})).runcomfy.keyState).toBe('none')

    // The user saves one anyway, without a test: kept, as unverified, and no public address is opened for it.
    const saved = await t.call('settings.update', { runcomfyApiKey: 'rc-untested' })
    expect(saved.runcomfy.keyState).toBe('unverified')
    expect((await t.call('tunnel.status', {})).state).toBe('off')
    // A test of the saved key that the service refuses leaves it unverified.
    expect(await t.call('providers.test', { provider: 'runcomfy' })).toMatchObject({ ok: false, code: 'PROVIDER_AUTH' })
    expect((await t.call('settings.get', {})).runcomfy.keyState).toBe('unverified')

    // Its runs are not told any webhook address: they are polled.
    rig.sim.faults.authFailure = false
    const [deployment] = await t.call('deployments.list', { provider: 'runcomfy' })
    // That call succeeded with the key: it is verified now, and the tunnel is wanted.
    expect((await t.call('settings.get', {})).runcomfy.keyState).toBe('verified')
    expect((await t.call('tunnel.status', {})).state).not.toBe('off')
    expect(deployment).toBeDefined()
  })

  it('an unverified key\'s run gets no webhook address and is polled', async () => {
    const t = await start()
    // Saved untested, and the tunnel (here the listener itself) stays unwanted.
    await t.call('settings.update', { comfydeployApiKey: 'cd-untested' })
    expect((await t.call('tunnel.status', {})).state).toBe('off')
    // The deployment id as the simulator seeds it, so no deployments.list verifies the key first.
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: { positive_prompt: 'a lighthouse', steps: 20, seed: 1 } })
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' || r.status === 'failed', 20_000)
    expect(done.status).toBe('succeeded')
    expect(rig.sim.stats().webhooksSent).toBe(0)
  })
})
