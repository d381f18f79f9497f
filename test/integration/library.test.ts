/**
 * The library through a real core: batches and re-runs against the Demo provider (and the ComfyDeploy
 * simulator for failing queue calls), then search, favourites, facets, thumbnails on both media routes,
 * their confinement, and delete to a stand-in trash (never the user's own).
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mediaHandler } from '../../src/main/electron/media-handler'
import { startWebHost, type WebHost } from '../../src/main/web/web-host'
import type { Output, OutputId } from '../../src/shared/output'
import type { Run } from '../../src/shared/run'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

const TOKEN = 'library-test-token-0123456789abcdefghij'

/** A raw GET, so that the path reaches the host exactly as written (fetch would tidy it). */
function rawGet(port: number, path: string): Promise<{ status: number; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the library through a running core', () => {
  // One core for the whole file: each test builds on the outputs of the ones before.
  const rig = useSimAndCores({ resetAfterEach: false })
  let t: TestCore
  let host: WebHost
  let trashDir: string
  const trashed: string[] = []
  const refuseToTrash = new Set<string>()
  const electron = () => mediaHandler(t.core, () => {})
  const web = (path: string) => fetch(`${host.origin}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })

  const submitted: Run[] = []
  const succeeded = (runs: Run[]) =>
    Promise.all(runs.map((run) => t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2, 20_000)))

  beforeAll(async () => {
    const dataDir = await (async () => {
      const { mkdtemp } = await import('node:fs/promises')
      const { tmpdir } = await import('node:os')
      return mkdtemp(join(tmpdir(), 'courier-library-'))
    })()
    trashDir = join(dataDir, 'fake-trash')
    await mkdir(trashDir)
    t = await rig.start({
      dataDir,
      env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'sk-test-key' },
      tuning: {
        // A stand-in for the OS trash: files are moved aside, or refused like a trash that cannot take them.
        trash: async (path) => {
          if (refuseToTrash.has(path)) throw new Error('Operation not permitted')
          trashed.push(path)
          await rename(path, join(trashDir, `${trashed.length}-${path.split('/').pop()}`))
        },
      },
    })
    const rendererDir = join(t.dataDir, 'renderer')
    await mkdir(rendererDir, { recursive: true })
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Comfy Courier</title>')
    host = await startWebHost({ core: t.core, port: 0, rendererDir, token: TOKEN })
  })
  // Closes before the core stops (after-hooks run in reverse order).
  afterAll(async () => {
    await host?.close()
  })

  it('submits a batch of variations: one run per seed, all sharing a batch id', async () => {
    const runs = await t.call('runs.submitBatch', {
      provider: 'demo',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'a red fox in the snow', seed: 7 },
      count: 3,
    })
    expect(runs).toHaveLength(3)
    const batchId = runs[0]!.batchId
    expect(batchId).toMatch(/^b_/)
    expect(runs.every((run) => run.batchId === batchId && run.status === 'queued' && run.inputs.prompt === 'a red fox in the snow')).toBe(true)
    const seeds = runs.map((run) => run.inputs.seed)
    expect(new Set(seeds).size).toBe(3)
    expect(seeds.every((seed) => typeof seed === 'number' && Number.isInteger(seed))).toBe(true)
    submitted.push(...(await succeeded(runs)))

    const outputs = await t.call('outputs.list', { batchId: batchId! })
    expect(outputs).toHaveLength(6)
    for (const output of outputs) {
      const run = runs.find((r) => r.id === output.runId)!
      expect(output).toMatchObject({ batchId, provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, prompt: 'a red fox in the snow', seed: run.inputs.seed })
      expect(output).toMatchObject({ kind: 'image', width: 512, height: 512, durationMs: null })
    }
    expect((await t.call('runs.get', { id: runs[0]!.id })).batchId).toBe(batchId)
    // Each picture was announced with its thumbnail already made.
    const announced = t.seen.flatMap((e) => (e.type === 'output.saved' && e.output.batchId === batchId ? [e.output] : []))
    expect(announced).toHaveLength(6)
    expect(announced.every((output) => output.hasThumbnail)).toBe(true)
  })

  it('sends at most `count` queue calls; a call that fails fails its run alone', async () => {
    rig.sim.faults.failQueueWithStatus = 500
    rig.sim.faults.failQueueTimes = 2
    const before = rig.sim.stats()
    const runs = await t.call('runs.submitBatch', {
      provider: 'comfydeploy',
      deploymentId: DEPLOYMENT_IDS.dreamscape,
      inputs: { positive_prompt: 'a lighthouse at dusk', steps: 20 },
      count: 4,
    })
    const after = rig.sim.stats()
    expect(after.runsQueued - before.runsQueued + (after.queueCallsFailed - before.queueCallsFailed)).toBe(4)
    expect(after.queueCallsFailed - before.queueCallsFailed).toBe(2)
    expect(runs).toHaveLength(4)
    const failed = runs.filter((run) => run.status === 'failed')
    expect(failed).toHaveLength(2)
    expect(failed.every((run) => run.error?.code === 'PROVIDER_UNAVAILABLE')).toBe(true)
    const queued = runs.filter((run) => run.status === 'queued' && run.providerRunId !== null)
    expect(queued).toHaveLength(2)
    expect(new Set(runs.map((run) => run.batchId)).size).toBe(1)
    await Promise.all(queued.map((run) => t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 1, 20_000)))
  })

  it('refuses a batch, before anything is sent, for a deployment without a seed input', async () => {
    const [sketch] = (await t.call('deployments.list', { provider: 'demo' })).filter((d) => d.id === DEPLOYMENT_IDS.quickSketch)
    await t.call('forms.save', { provider: 'demo', deploymentId: sketch!.id, fields: sketch!.inputs.filter((field) => field.kind !== 'seed') })
    const runsBefore = (await t.call('runs.list', {})).length
    const refused = await t.core.call('runs.submitBatch', { provider: 'demo', deploymentId: sketch!.id, inputs: { prompt: 'x' }, count: 2 })
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(!refused.ok && refused.error.message).toContain('has no seed input')
    expect((await t.call('runs.list', {})).length).toBe(runsBefore)
    await t.call('forms.reset', { provider: 'demo', deploymentId: sketch!.id })
  })

  it('re-runs a run with its own seed or a new one', async () => {
    const original = submitted[0]!
    const same = await t.call('runs.rerun', { id: original.id, seed: 'same' })
    expect(same.id).not.toBe(original.id)
    expect(same).toMatchObject({ provider: 'demo', deploymentId: original.deploymentId, inputs: original.inputs, batchId: null })
    const fresh = await t.call('runs.rerun', { id: original.id, seed: 'new' })
    expect(fresh.inputs.prompt).toBe(original.inputs.prompt)
    expect(fresh.inputs.seed).not.toBe(original.inputs.seed)
    submitted.push(...(await succeeded([same, fresh])))
    const [sameOutput] = await t.call('outputs.list', { runId: same.id })
    expect(sameOutput!.seed).toBe(original.inputs.seed)
    expect(await t.core.call('runs.rerun', { id: 'r_unknown', seed: 'new' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('finds outputs by prompt words and deployment name, whatever the user types', async () => {
    const other = await t.call('runs.submit', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'harbour at night, oil painting' } })
    submitted.push(...(await succeeded([other])))
    const fox = await t.call('outputs.list', { query: 'FOX sno' })
    expect(fox).toHaveLength(10) // the batch of three and two re-runs, two sketches each
    expect(fox.every((output) => output.prompt === 'a red fox in the snow')).toBe(true)
    expect((await t.call('outputs.list', { query: 'harb' })).map((o) => o.runId)).toEqual([other.id, other.id])
    expect(await t.call('outputs.list', { query: 'quick sketch' })).toHaveLength(12)
    expect(await t.call('outputs.list', { query: 'fox harbour' })).toEqual([])
    for (const query of ['"', '"fox', 'fox*', 'NOT', 'fox AND (', 'NEAR(a b)', "'; --", '-']) {
      expect((await t.core.call('outputs.list', { query })).ok, query).toBe(true)
    }
  })

  it('pages newest first, marks favourites and counts what can be filtered', async () => {
    const all = await t.call('outputs.list', {})
    expect(all.map((o) => o.createdAt)).toEqual([...all.map((o) => o.createdAt)].sort((a, b) => b - a))
    const first = await t.call('outputs.list', { limit: 5 })
    const rest = await t.call('outputs.list', { after: first.at(-1)!.id, limit: 100 })
    expect([...first, ...rest].map((o) => o.id)).toEqual(all.map((o) => o.id))

    const liked = await t.call('outputs.update', { id: all[1]!.id, favourite: true })
    expect(liked.favourite).toBe(true)
    expect((await t.call('outputs.list', { favourite: true })).map((o) => o.id)).toEqual([all[1]!.id])
    // Twelve Quick Sketches from Demo, and one picture from each of the two Dreamscape runs that were queued.
    expect(all).toHaveLength(14)
    expect(await t.call('outputs.facets', {})).toEqual({
      total: 14,
      matching: 14,
      providers: [
        { id: 'demo', count: 12 },
        { id: 'comfydeploy', count: 2 },
      ],
      deployments: [
        { id: DEPLOYMENT_IDS.quickSketch, name: 'Quick Sketch', provider: 'demo', count: 12 },
        { id: DEPLOYMENT_IDS.dreamscape, name: 'Dreamscape SDXL', provider: 'comfydeploy', count: 2 },
      ],
      kinds: [{ kind: 'image', count: 14 }],
      sources: [{ source: 'generated', count: 14 }],
      favourites: 1,
    })
    expect((await t.call('outputs.list', { provider: 'comfydeploy', kind: 'image' })).map((o) => o.prompt)).toEqual(['a lighthouse at dusk', 'a lighthouse at dusk'])
    expect(await t.core.call('outputs.update', { id: 'o_unknown', favourite: true })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('serves a thumbnail on both routes, made once, outside the library', async () => {
    const [output] = await t.call('outputs.list', { runId: submitted[0]!.id })
    const fromWeb = await web(`/media/${output!.id}?thumb=1`)
    expect(fromWeb.status).toBe(200)
    expect(fromWeb.headers.get('content-type')).toBe('image/webp')
    const bytes = Buffer.from(await fromWeb.arrayBuffer())
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 384, height: 384 })
    const fromElectron = await electron()(new Request(`courier-media://thumb/${output!.id}`))
    expect(fromElectron.status).toBe(200)
    expect(Buffer.from(await fromElectron.arrayBuffer()).equals(bytes)).toBe(true)
    expect((await t.call('outputs.get', { id: output!.id })).hasThumbnail).toBe(true)
    const thumbnails = await readdir(join(t.dataDir, 'thumbnails'), { recursive: true })
    expect(thumbnails.some((name) => name.endsWith(`${output!.id}.webp`))).toBe(true)
    expect((await readdir(t.libraryDir, { recursive: true })).some((name) => name.endsWith('.webp'))).toBe(false)
    // The file itself is still the PNG.
    expect((await web(`/media/${output!.id}`)).headers.get('content-type')).toBe('image/png')
  })

  it('keeps both routes inside the library: no path-like ids, no links out', async () => {
    for (const path of ['/media/..%2F..%2Fcourier.db?thumb=1', '/media/%2Fetc%2Fpasswd', '/media/%2F%2Fetc%2Fpasswd?thumb=1', '/media/C:%5Cwin.ini', '/media/a%00b?thumb=1']) {
      expect((await rawGet(host.port, path)).status, path).toBe(404)
    }
    // Dot segments are resolved by URL parsing before any route is chosen: they never reach /media/.
    for (const path of ['/media/%2E%2E?thumb=1', '/media/..?thumb=1']) {
      expect(await rawGet(host.port, path), path).toEqual({ status: 200, type: 'text/html; charset=utf-8' }) // the app's page
    }
    expect(await rawGet(host.port, '/media/../courier.db')).toEqual({ status: 404, type: 'text/plain; charset=utf-8' })
    for (const url of ['courier-media://thumb/..%2F..%2Fcourier.db', 'courier-media://thumb/%2Fetc%2Fpasswd', 'courier-media://output/%2E%2E']) {
      expect((await electron()(new Request(url))).status, url).toBe(404)
    }

    // A picture outside the library, and an output whose file became a link to it.
    const secret = join(t.dataDir, 'secret.png')
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } }).png().toFile(secret)
    const [, output] = await t.call('outputs.list', { runId: submitted[1]!.id })
    // Every thumbnail is made (from the real files) before the cache is emptied: none is being made meanwhile.
    for (const each of await t.call('outputs.list', {})) expect((await web(`/media/${each.id}?thumb=1`)).status).toBe(200)
    await rm(join(t.dataDir, 'thumbnails'), { recursive: true })
    const file = join(t.libraryDir, output!.path)
    await rm(file)
    await symlink(secret, file)
    expect((await web(`/media/${output!.id}`)).status).toBe(403)
    expect((await electron()(new Request(`courier-media://output/${output!.id}`))).status).toBe(403)
    expect((await web(`/media/${output!.id}?thumb=1`)).status).toBe(404)
    expect((await electron()(new Request(`courier-media://thumb/${output!.id}`))).status).toBe(404)
    expect(existsSync(join(t.dataDir, 'thumbnails'))).toBe(false) // nothing was made from the secret
  })

  it('deletes outputs to the trash; what the trash refuses stays, with the reason', async () => {
    const run = submitted.at(-1)!
    const [a, b] = (await t.call('outputs.list', { runId: run.id })) as [Output, Output]
    const files = [a, b].map((output) => join(t.libraryDir, output.path))
    refuseToTrash.add(files[1]!)
    const refused = await t.core.call('outputs.delete', { ids: [a.id, b.id] })
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })
    expect(!refused.ok && refused.error.message).toContain('Operation not permitted')
    expect(trashed).toEqual([files[0]])
    expect(existsSync(files[0]!)).toBe(false)
    expect(await t.core.call('outputs.get', { id: a.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect((await web(`/media/${a.id}?thumb=1`)).status).toBe(404)
    expect((await t.call('outputs.get', { id: b.id })).id).toBe(b.id)
    expect((await t.call('runs.get', { id: run.id })).outputCount).toBe(1)

    refuseToTrash.clear()
    expect(await t.call('outputs.delete', { ids: [b.id] })).toEqual({ deleted: 1 })
    expect(await t.call('outputs.list', { query: 'harbour' })).toEqual([])
    expect((await t.call('runs.get', { id: run.id })).outputCount).toBe(0)

    // A file already gone from disk still lets its output go.
    const [c] = await t.call('outputs.list', { runId: submitted[0]!.id })
    await rm(join(t.libraryDir, c!.path))
    expect(await t.call('outputs.delete', { ids: [c!.id] })).toEqual({ deleted: 1 })
    expect(trashed).toHaveLength(2)
  })

  it('answers NOT_SUPPORTED to open and reveal in web mode', async () => {
    const [output] = await t.call('outputs.list', { limit: 1 })
    for (const how of ['open', 'reveal'] as const) {
      expect(await t.core.call('outputs.open', { id: output!.id as OutputId, how })).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } })
    }
  })
})
