import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'
import { decodePng } from '../support/png'
import { startSimProcess, type ReadyProcess } from '../support/ready-process'
import { startTunnelServer, type TunnelServer } from '../support/tunnel-server'

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

/** Submits a Dreamscape run, waits until its outputs are saved, and checks them on disk like a user would. */
async function runToDisk(t: TestCore, prompt: string) {
  const run = await t.call('runs.submit', {
    provider: 'comfydeploy',
    deploymentId: DEPLOYMENT_IDS.dreamscape,
    inputs: { positive_prompt: prompt, steps: 20, seed: 1234 },
  })
  expect(run.status).toBe('queued')
  const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount > 0, 20_000)
  const outputs = await t.call('outputs.list', { runId: run.id })
  expect(outputs).toHaveLength(1)
  const output = outputs[0]!
  const bytes = await readFile(join(t.libraryDir, output.path))
  const png = decodePng(bytes)
  expect(png.width).toBeGreaterThan(0)
  expect(output).toMatchObject({ kind: 'image', mime: 'image/png', bytes: bytes.length, width: png.width, height: png.height, prompt })
  expect(output.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
  expect(output.path).toMatch(/^\d{4}-\d\d-\d\d\/dreamscape-sdxl\/[A-Za-z0-9]{8}-1\.png$/)
  expect((await allFiles(t.libraryDir)).filter((f) => f.endsWith('.part'))).toEqual([])
  return { run: done, output }
}

describe('a ComfyDeploy run against `npm run sim`', () => {
  let sim: ReadyProcess<{ url: string }>
  let tunnelServer: TunnelServer
  const cores: TestCore[] = []

  beforeAll(async () => {
    ;[sim, tunnelServer] = await Promise.all([startSimProcess(0.1), startTunnelServer()])
  })
  afterAll(async () => {
    for (const t of cores) {
      await t.stop()
      await removeDir(t.dataDir)
    }
    await tunnelServer?.close()
    await sim?.stop()
  })

  const env = () => ({ COMFYDEPLOY_API_URL: `${sim.ready.url}/api`, COMFYDEPLOY_API_KEY: 'sk-test-key' })

  it('travels webhooks through the real localtunnel client and saves the image', async () => {
    const t = await startTestCore({ env: env(), flags: { tunnel: 'localtunnel', 'tunnel-host': tunnelServer.url } })
    cores.push(t)
    const up = await t.waitForEvent((e) => e.type === 'tunnel.changed' && e.tunnel.state === 'up')
    const publicUrl = up.type === 'tunnel.changed' ? up.tunnel.publicUrl : null
    expect(publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(publicUrl).not.toBe(t.core.listenerUrl())

    const { run } = await runToDisk(t, 'a lighthouse at dusk')
    expect(run.polling).toBe(false)
    // The run's progress came from webhooks that crossed the tunnel, not from polling.
    const hooks = (await t.call('webhooks.list', {})).filter((h) => h.runId === run.id)
    const applied = hooks.filter((h) => h.outcome === 'applied').map((h) => h.status)
    expect(applied).toEqual(expect.arrayContaining(['started', 'running', 'success']))
    const progress = t.seen.flatMap((e) => (e.type === 'run.updated' && e.run.id === run.id ? [e.run.progress] : []))
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it('gets there by polling when no tunnel is up', async () => {
    const t = await startTestCore({ env: env(), flags: { tunnel: 'off' } })
    cores.push(t)
    expect((await t.call('tunnel.status', {})).state).toBe('off')
    const { run } = await runToDisk(t, 'a quiet harbour')
    expect(run.polling).toBe(true)
    expect((await t.call('webhooks.list', {})).filter((h) => h.runId === run.id)).toEqual([])
  })
})
