import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Output } from '../../src/shared/output'
import { DEPLOYMENT_IDS, type SimFaults } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { decodePng } from '../support/png'
import { useSimAndCores } from '../support/sim-and-cores'

/** Every seeded deployment: how its runs end and which files a user finds on disk. */
const DEPLOYMENTS: { name: string; id: string; ends: 'succeeded' | 'failed'; files: Partial<Record<Output['kind'], number>> }[] = [
  { name: 'Dreamscape SDXL', id: DEPLOYMENT_IDS.dreamscape, ends: 'succeeded', files: { image: 1 } },
  { name: 'Quick Sketch', id: DEPLOYMENT_IDS.quickSketch, ends: 'succeeded', files: { image: 2 } },
  { name: 'Always Fails', id: DEPLOYMENT_IDS.alwaysFails, ends: 'failed', files: {} },
  { name: 'Every Input', id: DEPLOYMENT_IDS.everyInput, ends: 'succeeded', files: { image: 1, text: 1 } },
  { name: 'Motion Loop', id: DEPLOYMENT_IDS.motionLoop, ends: 'succeeded', files: { video: 2 } },
  { name: 'Contact Sheet', id: DEPLOYMENT_IDS.contactSheet, ends: 'succeeded', files: { image: 6, file: 1, text: 1 } },
  { name: 'Slow Render', id: DEPLOYMENT_IDS.slowRender, ends: 'succeeded', files: { image: 1 } },
  { name: 'Poster 8K', id: DEPLOYMENT_IDS.poster8k, ends: 'succeeded', files: { image: 1 } },
]

const countKinds = (outputs: Output[]) =>
  outputs.reduce<Partial<Record<Output['kind'], number>>>((acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }), {})

/** Files under their final names: not a `.part`, nor the `.part.resume` record beside one. */
async function completeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile() && !/\.part(\.resume)?$/.test(e.name)).map((e) => e.name)
}

async function partFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[])
  return entries.filter((name) => String(name).endsWith('.part')).map(String)
}

describe('ComfyDeploy: every seeded deployment, every fault knob', () => {
  const rig = useSimAndCores()

  const core = (webhooks = true): Promise<TestCore> =>
    rig.start({
      env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'cd-test-key' },
      ...(webhooks ? { webhooks: 'direct' as const } : { flags: { tunnel: 'off' } }),
      tuning: { safetyPollMs: 1000, downloadRetryMs: 300 },
    })

  async function runToEnd(t: TestCore, deploymentId: string, ends: 'succeeded' | 'failed') {
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId, inputs: {} })
    return t.waitForRun(run.id, (r) => r.status === ends && (ends === 'failed' || r.outputCount > 0), 30_000)
  }

  it.each(DEPLOYMENTS)('$name ends $ends with its files on disk', async ({ id, ends, files }) => {
    rig.sim.faults.largeOutputBytes = 3 * 1024 * 1024
    const t = await core()
    const run = await runToEnd(t, id, ends)
    const expected = Object.values(files).reduce((a, b) => a + b, 0)
    const final = await t.waitForRun(run.id, (r) => r.outputCount === expected && r.error?.code !== 'DOWNLOAD_FAILED', 30_000)
    if (ends === 'failed') expect(final.error).toMatchObject({ code: 'RUN_FAILED' })
    const outputs = await t.call('outputs.list', { runId: run.id })
    expect(countKinds(outputs)).toEqual(files)
    for (const output of outputs) {
      const bytes = await readFile(join(t.libraryDir, output.path))
      expect(bytes.length).toBe(output.bytes)
      if (output.mime === 'image/png') decodePng(bytes)
    }
    expect(await partFiles(t.libraryDir)).toEqual([])
  })

  const knobs: [string, Partial<SimFaults>][] = [
    ['webhooks dropped', { dropWebhooks: true }],
    ['webhooks duplicated', { duplicateWebhooks: true }],
    ['webhooks reordered', { reorderWebhooks: true }],
    ['webhooks delayed', { webhookDelayMs: 300 }],
    ['progress ticks withheld', { withholdWebhookIntermediate: true }],
    ['the newer webhook dialect (0–100)', { webhookDialect: 'B' }],
    ['webhooks without event_type', { webhookDialect: 'A-no-event-type' }],
    ['run.output events', { runOutputEvents: true }],
    ['terminal webhooks sent twice', { duplicateTerminalWebhook: true }],
    ['queued and started skipped', { skipQueuedStarted: true }],
    ['slow downloads', { slowDownloadsBytesPerSecond: 400_000 }],
    ['output links that expire before the webhook lands', { expireOutputUrlsAfterMs: 400, webhookDelayMs: 600 }],
    ['503 on polling, twice', { failGetRunWithStatus: 503, failGetRunTimes: 2 }],
    ['429 with Retry-After on polling', { failGetRunWithStatus: 429, failGetRunTimes: 1, retryAfterSeconds: 1 }],
  ]

  it.each(knobs)('ends right with %s, and nothing is lost', async (_name, faults) => {
    Object.assign(rig.sim.faults, faults)
    const t = await core()
    const good = t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'knob' } })
    const bad = t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.alwaysFails, inputs: {} })
    const [ok, failing] = await Promise.all([good, bad])
    await t.waitForRun(ok.id, (r) => r.status === 'succeeded' && r.outputCount === 2 && r.error === null, 30_000)
    const failed = await t.waitForRun(failing.id, (r) => r.status === 'failed', 30_000)
    expect(failed.error).toMatchObject({ code: 'RUN_FAILED' })
    const outputs = await t.call('outputs.list', { runId: ok.id })
    expect(outputs).toHaveLength(2)
    for (const output of outputs) decodePng(await readFile(join(t.libraryDir, output.path)))
    expect(rig.sim.stats().runsQueued).toBe(2) // no duplicate paid submission
    expect(await partFiles(t.libraryDir)).toEqual([])
  })

  it.each([
    ['truncated downloads', { truncateDownloads: true }],
    ['a wrong Content-Length', { wrongContentLength: true }],
  ] as const)('never shows a half-written file with %s, and saves it once the host behaves', async (_name, faults) => {
    Object.assign(rig.sim.faults, faults)
    const t = await core()
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: {} })
    const broken = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.error?.code === 'DOWNLOAD_FAILED', 30_000)
    expect(broken.error!.message).toMatch(/will retry/)
    expect(await t.call('outputs.list', { runId: run.id })).toEqual([])
    // Nothing on disk under a final name; a `.part` may exist only while the next retry is under way.
    expect(await completeFiles(t.libraryDir)).toEqual([])

    // The host behaves again: the next retry saves the file, and the error goes away.
    Object.assign(rig.sim.faults, { truncateDownloads: false, wrongContentLength: false })
    const healed = await t.waitForRun(run.id, (r) => r.outputCount === 1 && r.error === null, 30_000)
    expect(healed.status).toBe('succeeded')
    const [output] = await t.call('outputs.list', { runId: run.id })
    decodePng(await readFile(join(t.libraryDir, output!.path)))
    expect(await partFiles(t.libraryDir)).toEqual([])
  })

  it('fails a submit the service answers with 500 clearly, without retrying it into a second paid run', async () => {
    Object.assign(rig.sim.faults, { failQueueWithStatus: 500, failQueueTimes: 1 })
    const t = await core()
    const result = await t.core.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'PROVIDER_UNAVAILABLE' } })
    expect(rig.sim.stats()).toMatchObject({ runsQueued: 0, queueCallsFailed: 1 })
    expect((await t.call('runs.list', {}))[0]).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_UNAVAILABLE' } })
  })

  it('tells the user to check the API key when the service refuses it', async () => {
    rig.sim.faults.authFailure = true
    const t = await core()
    expect(await t.core.call('deployments.list', { provider: 'comfydeploy' })).toMatchObject({ ok: false, error: { code: 'PROVIDER_AUTH' } })
    const check = await t.call('providers.test', { provider: 'comfydeploy' })
    expect(check).toMatchObject({ ok: false, code: 'PROVIDER_AUTH' })
    expect(check.message).toMatch(/API key/)
  })

  it('uploads a file input and sends the service its URL', async () => {
    const t = await core()
    const png = await readFile(join(process.cwd(), 'docs', 'screenshot.png'))
    const upload = await t.call('uploads.create', { provider: 'comfydeploy', fileName: 'ref.png', mime: 'image/png', dataBase64: png.toString('base64') })
    expect(upload.value).toMatch(new RegExp(`^${rig.sim.url}/media/uploads/img_`))
    expect(Buffer.from(await (await fetch(upload.value)).arrayBuffer())).toEqual(png)
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.everyInput, inputs: { input_image: upload.value } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2, 30_000)
  })
})

describe('uploading a large file input', () => {
  const rig = useSimAndCores()
  it('reports the upload’s progress to the end and hands the service the exact bytes', async () => {
    const t = await rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k' } })
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff
    const upload = await t.call('uploads.create', {
      provider: 'comfydeploy',
      fileName: 'clip "one".mp4',
      mime: 'video/mp4',
      dataBase64: bytes.toString('base64'),
      uploadId: 'u1',
    })
    expect(upload.value).toMatch(/\/media\/uploads\/vid_/)
    expect(Buffer.from(await (await fetch(upload.value)).arrayBuffer()).equals(bytes)).toBe(true)
    const steps = t.seen.flatMap((e) => (e.type === 'upload.progress' && e.progress.uploadId === 'u1' ? [e.progress] : []))
    expect(steps.length).toBeGreaterThan(1)
    expect(steps.map((p) => p.sentBytes)).toEqual([...steps.map((p) => p.sentBytes)].sort((a, b) => a - b))
    expect(steps.at(-1)!.sentBytes).toBe(steps.at(-1)!.totalBytes)
    expect(steps.at(-1)!.totalBytes).toBeGreaterThan(bytes.length)
  })
})
