import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CourierEvent } from '../../src/shared/events'
import { isTerminal, type Run } from '../../src/shared/run'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'
import { hookTokenOf } from '../support/hook-token'

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Every string under a `url` key, however deep: the outputs of a ComfyDeploy run model. */
function urlsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(urlsIn)
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) => (key === 'url' && typeof inner === 'string' ? [inner] : urlsIn(inner)))
}

async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const FORGED_URLS = ['https://evil.example/x.png', 'http://127.0.0.1:9/steal.png']

describe('the public listener with a real core: forged webhooks cannot finish runs or plant files', () => {
  let t: TestCore
  /** Every request the simulator answered, with when it was logged. */
  const simLog: { at: number; line: string }[] = []
  // One core for the whole file: the later tests look back at the runs of the earlier ones.
  const rig = useSimAndCores({ log: (line) => simLog.push({ at: Date.now(), line }), resetAfterEach: false })
  /** Every event the core published, with when it was published. */
  const timeline: { at: number; event: CourierEvent }[] = []
  const API_KEY = 'cd-hardening-key'

  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const hookUrl = (run: Run) => `${t.core.listenerUrl()}/hooks/comfydeploy/${hookTokenOf(t.dataDir, run.id)}`
  const forgedSuccess = (run: Run) =>
    JSON.stringify({ run_id: run.providerRunId, status: 'success', outputs: [{ data: { images: FORGED_URLS.map((url) => ({ url })) } }] })

  /** The simulator's own view of a run, asked with our key: the truth a confirmation GET sees. */
  const simRun = async (providerRunId: string) => {
    const response = await fetch(`${rig.sim.url}/api/run/${providerRunId}`, { headers: { authorization: `Bearer ${API_KEY}` } })
    expect(response.status).toBe(200)
    return (await response.json()) as { status: string; outputs: unknown }
  }
  const simGetsOf = (providerRunId: string, after: number) =>
    simLog.filter((entry) => entry.at >= after && entry.line.startsWith(`GET /api/run/${providerRunId}`))

  async function submitSlowRun(prompt: string): Promise<Run> {
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.slowRender, inputs: { positive_prompt: prompt } })
    expect(run.polling).toBe(false) // its news comes by webhook, straight to the listener
    return t.waitForRun(run.id, (r) => r.status === 'running', 15_000)
  }

  /** Posts a forged final webhook and waits for the confirmation GET it causes to have been answered. */
  async function forgeAndWaitForConfirm(run: Run, body: string) {
    const sentAt = Date.now()
    const response = await post(hookUrl(run), body)
    const answer = (await response.json()) as Record<string, unknown>
    await until(() => (simGetsOf(run.providerRunId!, sentAt).length > 0 ? true : undefined), 5000, 'the confirmation GET')
    // Let the answer of that GET be applied before looking.
    await new Promise((resolve) => setTimeout(resolve, 150))
    return { status: response.status, answer }
  }

  beforeAll(async () => {
    t = await rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: API_KEY }, webhooks: 'direct' })
    t.core.events.subscribe((event) => timeline.push({ at: Date.now(), event }))
    await until(async () => ((await t.call('tunnel.status', {})).state === 'up' ? true : undefined), 10_000, 'the direct webhook URL')
  })

  let finished: Run

  it('takes a forged success with foreign output URLs as a hint only: the files are the simulator’s', async () => {
    const run = await submitSlowRun('a forged lighthouse')
    const { status, answer } = await forgeAndWaitForConfirm(run, forgedSuccess(run))
    expect(status).toBe(200)
    expect(answer).toMatchObject({ ok: true, outcome: 'applied' })
    const record = (await t.call('webhooks.list', {})).find((r) => r.runId === run.id && r.body.includes('evil.example'))
    expect(record).toMatchObject({ outcome: 'applied', httpStatus: 200, status: 'success' })
    expect(record!.reason).toMatch(/confirming/)

    // The simulator was still running it when asked, so nothing was saved.
    expect(rig.sim.stats().runsSucceeded).toBe(0)
    expect(await t.call('runs.get', { id: run.id })).toMatchObject({ status: 'running', outputCount: 0 })
    expect(await t.call('outputs.list', { runId: run.id })).toEqual([])
    expect(await filesUnder(t.libraryDir)).toEqual([])

    // The real end: only what the simulator's GET lists ends up on disk.
    finished = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount > 0, 20_000)
    await until(async () => ((await filesUnder(t.libraryDir)).some((f) => f.endsWith('.part')) ? undefined : true), 5000, 'downloads settled')
    const mediaServedByCore = rig.sim.stats().mediaServed
    const truth = await simRun(run.providerRunId!)
    expect(truth.status).toBe('success')
    const simUrls = urlsIn(truth.outputs)
    expect(simUrls.length).toBeGreaterThan(0)
    expect(simUrls.every((url) => url.startsWith(`${rig.sim.url}/`))).toBe(true)
    // The core fetched the simulator's media once per output, and nothing else from it.
    expect(mediaServedByCore).toBe(simUrls.length)

    const simHashes = new Set<string>()
    for (const url of simUrls) simHashes.add(sha256(new Uint8Array(await (await fetch(url)).arrayBuffer())))
    const outputs = await t.call('outputs.list', { runId: run.id })
    expect(outputs).toHaveLength(simUrls.length)
    // What was saved is what the simulator served (before our record was written into it)…
    expect(new Set(outputs.map((o) => o.originalSha256 ?? o.sha256))).toEqual(simHashes)
    // …and each file on disk is one of those outputs as it stands now.
    const saved = new Set(outputs.map((o) => o.sha256))
    const onDisk = await filesUnder(t.libraryDir)
    expect(onDisk).toHaveLength(simUrls.length)
    for (const file of onDisk) {
      expect(file).not.toMatch(/x\.png$|steal/)
      expect(saved.has(sha256(await readFile(file)))).toBe(true)
    }
  })

  it('leaves a run the simulator still reports running as running, until the real end', async () => {
    const run = await submitSlowRun('a patient harbour')
    // Two forgeries, one per dialect; each is confirmed with the simulator and each time it says running.
    const bodies = [forgedSuccess(run), JSON.stringify({ run_id: run.providerRunId, status: 'completed', progress: 100, outputs: [] })]
    for (const body of bodies) {
      const { status, answer } = await forgeAndWaitForConfirm(run, body)
      expect(status).toBe(200)
      expect(answer).toMatchObject({ ok: true, outcome: 'applied' })
      expect(rig.sim.stats().runsSucceeded).toBe(1) // only the first test's run
      expect(await t.call('runs.get', { id: run.id })).toMatchObject({ status: 'running', outputCount: 0 })
    }

    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount > 0, 20_000)
    expect(done.status).toBe('succeeded')
    // The run turned final only after the simulator finished it.
    const simEnded = simLog.find((entry) => entry.line === `run ${run.providerRunId} success`)
    expect(simEnded).toBeDefined()
    const firstFinal = timeline.find((entry) => entry.event.type === 'run.updated' && entry.event.run.id === run.id && isTerminal(entry.event.run.status))
    expect(firstFinal).toBeDefined()
    expect(firstFinal!.at).toBeGreaterThanOrEqual(simEnded!.at)
  })

  describe('bad input changes nothing', () => {
    const snapshot = async () => ({
      run: await t.call('runs.get', { id: finished.id }),
      outputs: await t.call('outputs.list', {}),
      files: (await filesUnder(t.libraryDir)).sort(),
      sim: rig.sim.stats(),
    })

    it('answers 400 to malformed JSON', async () => {
      const before = await snapshot()
      const response = await post(hookUrl(finished), '{"run_id": "x", "status": ')
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ ok: false, error: 'malformed JSON' })
      expect(await snapshot()).toEqual(before)
    })

    it('answers 413 to a 10 MB body and stores nothing of it', async () => {
      const before = await snapshot()
      const webhooksBefore = (await t.call('webhooks.list', {})).length
      const huge = JSON.stringify({ run_id: finished.providerRunId, status: 'success', live_status: 'x'.repeat(10 * 1024 * 1024) })
      const response = await post(hookUrl(finished), huge)
      expect(response.status).toBe(413)
      expect(await snapshot()).toEqual(before)
      expect(await t.call('webhooks.list', {})).toHaveLength(webhooksBefore)
    })

    it('answers 404 to a wrong token and to an unknown run', async () => {
      const before = await snapshot()
      const wrongToken = await post(`${t.core.listenerUrl()}/hooks/comfydeploy/not-a-real-token`, forgedSuccess(finished))
      expect(wrongToken.status).toBe(404)
      // A real token of the wrong provider family looks the same from outside.
      expect((await post(hookUrl(finished).replace('/comfydeploy/', '/runcomfy/'), forgedSuccess(finished))).status).toBe(404)
      const unknown = await post(`${t.core.listenerUrl()}/hooks/comfydeploy/${'A'.repeat(22)}`, JSON.stringify({ run_id: 'nope', status: 'success', outputs: [] }))
      expect(unknown.status).toBe(404)
      expect(await snapshot()).toEqual(before)
    })

    it('refuses a forged success naming another run id on a real token', async () => {
      const before = await snapshot()
      const response = await post(hookUrl(finished), JSON.stringify({ run_id: '00000000-0000-4000-8000-000000000000', status: 'success', outputs: [] }))
      expect(response.status).toBe(400)
      expect(await snapshot()).toEqual(before)
    })
  })
})
