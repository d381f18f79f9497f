import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from '../testing/webhook-receiver'
import { DEPLOYMENT_IDS } from './deployments'
import { wantsOutputEvents } from './run-engine'
import { call, download, itemsOf, pollRun, queue, succeeded, type RunBody } from './test-kit'

const FAST = 0.05
type Hook = Record<string, unknown> & { status: string; event_type?: string; progress: number; outputs: Array<{ id: string }> }
const ok = (hooks: ReceivedHook[]) => hooks.filter((h) => h.answered === 200).map((h) => h.body as Hook)
const until = (status: string, times = 1) => (hooks: ReceivedHook[]) => ok(hooks).filter((b) => b.status === status).length >= times

describe('ComfyDeploy simulator: webhook knobs', () => {
  let sim: Sim
  let receiver: WebhookReceiver
  beforeEach(async () => {
    sim = await startSim({ timeScale: FAST })
    receiver = await startWebhookReceiver()
  })
  afterEach(async () => {
    await sim.close()
    await receiver.close()
  })

  it('webhookDialect A-no-event-type drops event_type and keeps live_status', async () => {
    sim.faults.webhookDialect = 'A-no-event-type'
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/a` })
    const hooks = ok(await receiver.waitFor(until('success')))
    for (const body of hooks) expect(Object.keys(body).sort()).toEqual(['live_status', 'outputs', 'progress', 'run_id', 'status'])
    expect(hooks.map((b) => b.status)).toEqual(['queued', 'started', 'running', 'success'])
  })

  it('webhookDialect B sends five status words and progress 0–100, nothing else', async () => {
    sim.faults.webhookDialect = 'B'
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/b`, webhook_intermediate_status: true })
    const hooks = ok(await receiver.waitFor(until('completed')))
    for (const body of hooks) expect(Object.keys(body).sort()).toEqual(['outputs', 'progress', 'run_id', 'status'])
    expect([...new Set(hooks.map((b) => b.status))]).toEqual(['queued', 'processing', 'completed'])
    expect(hooks.filter((b) => b.status === 'processing').map((b) => b.progress)).toEqual([0, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
    expect(hooks.at(-1)).toMatchObject({ status: 'completed', progress: 100 })
    expect(hooks.at(-1)!.outputs).toHaveLength(1)

    receiver.hooks.length = 0
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.alwaysFails, webhook: `${receiver.url}/b2` })
    expect(ok(await receiver.waitFor(until('failed'))).at(-1)).toMatchObject({ status: 'failed', progress: 70 })
  })

  it('failRunsWithInput fails the runs sent that text, and only those', async () => {
    sim.faults.failRunsWithInput = 'zebra'
    const marked = await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'a zebra on a road', seed: 1 } })
    const plain = await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'a fox', seed: 1 } })
    const terminal = (run: RunBody) => ['success', 'failed'].includes(String(run.status))
    expect(await pollRun(sim, marked, terminal)).toMatchObject({ status: 'failed', live_status: 'Executing KSampler' })
    expect((await pollRun(sim, plain, terminal)).status).toBe('success')
  })

  it('reads target_events from the URL query without decoding it', () => {
    expect(wantsOutputEvents('https://h/cd/1?target_events=run.output,run.updated')).toBe(true)
    expect(wantsOutputEvents('https://h/cd/1?token=x&target_events=run.updated,run.output#frag')).toBe(true)
    expect(wantsOutputEvents('https://h/cd/1?target_events=run.output%2Crun.updated')).toBe(false)
    expect(wantsOutputEvents('https://h/cd/1?target_events=run.updated')).toBe(false)
    expect(wantsOutputEvents('https://h/run.output?x=1')).toBe(false)
  })

  it('sends one run.output event per output when target_events asks, each with its own output', async () => {
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.contactSheet, webhook: `${receiver.url}/o?target_events=run.output` })
    const hooks = ok(await receiver.waitFor(until('success')))
    const outputEvents = hooks.filter((b) => b.event_type === 'run.output')
    expect(outputEvents.map((b) => b.status)).toEqual(Array(5).fill('running'))
    expect(outputEvents.every((b) => b.outputs.length === 1)).toBe(true)
    expect(new Set(outputEvents.map((b) => b.outputs[0]!.id)).size).toBe(5)
    const end = hooks.at(-1)!
    expect(end).toMatchObject({ event_type: 'run.updated', status: 'success' })
    expect(end.outputs.map((o) => o.id)).toEqual(outputEvents.map((b) => b.outputs[0]!.id))
  })

  it('runOutputEvents forces run.output events on without target_events', async () => {
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch, webhook: `${receiver.url}/plain` })
    await receiver.waitFor(until('success'))
    expect(ok(receiver.hooks).some((b) => b.event_type === 'run.output')).toBe(false)

    receiver.hooks.length = 0
    sim.faults.runOutputEvents = true
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch, webhook: `${receiver.url}/forced` })
    await receiver.waitFor(until('success'))
    expect(ok(receiver.hooks).map((b) => `${b.event_type}:${b.status}`)).toEqual([
      'run.updated:queued',
      'run.updated:started',
      'run.updated:running',
      'run.output:running',
      'run.updated:success',
    ])
  })

  it('webhookRetryAsGet sends attempts 2 and 3 as GET with the same body', async () => {
    sim.faults.webhookRetryAsGet = true
    receiver.failNext(500, 405)
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/g` })
    await receiver.waitFor(until('success'))
    const first = receiver.hooks.slice(0, 3)
    expect(first.map((h) => [h.method, (h.body as Hook).status, h.answered])).toEqual([
      ['POST', 'queued', 500],
      ['GET', 'queued', 405],
      ['GET', 'queued', 200],
    ])
    expect(first[2]!.body).toEqual(first[0]!.body)
    expect(receiver.hooks.slice(3).every((h) => h.method === 'POST')).toBe(true)
  })

  it('duplicateTerminalWebhook re-sends success and failed', async () => {
    sim.faults.duplicateTerminalWebhook = true
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/d` })
    await receiver.waitFor(until('success', 2))
    expect(ok(receiver.hooks).map((b) => b.status)).toEqual(['queued', 'started', 'running', 'success', 'success'])

    receiver.hooks.length = 0
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.alwaysFails, webhook: `${receiver.url}/f` })
    await receiver.waitFor(until('failed', 2))
    expect(ok(receiver.hooks).map((b) => b.status)).toEqual(['queued', 'started', 'running', 'failed', 'failed'])
  })

  it('duplicateTerminalWebhook leaves a cancelled run with one cancelled webhook', async () => {
    sim.faults.duplicateTerminalWebhook = true
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.slowRender, webhook: `${receiver.url}/c` })
    await receiver.waitFor(until('queued'))
    expect((await call(sim, `/api/run/${id}/cancel`, { method: 'POST' })).status).toBe(200)
    await receiver.waitFor(until('cancelled'))
    await new Promise((r) => setTimeout(r, 100))
    expect(ok(receiver.hooks).map((b) => b.status)).toEqual(['queued', 'cancelled'])
  })

  it('finalApiLagMs sends the final webhook while GET /run still shows the state before it, for that long', async () => {
    sim.faults.finalApiLagMs = 400
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/l` })
    await receiver.waitFor(until('success'))
    const early = (await call(sim, `/api/run/${id}`)).body as RunBody
    expect(early.status).toBe('running')
    const settled = await pollRun(sim, id, succeeded)
    expect(Date.now() - Date.parse(settled.ended_at as string)).toBeGreaterThanOrEqual(400)
  })

  it('skipQueuedStarted jumps from not-started straight to running', async () => {
    sim.faults.skipQueuedStarted = true
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/s` })
    await receiver.waitFor(until('success'))
    expect(ok(receiver.hooks).map((b) => b.status)).toEqual(['running', 'success'])
    const run = (await call(sim, `/api/run/${id}`)).body as RunBody
    expect(run.queued_at).not.toBeNull()
    expect(run.started_at).toBe(run.queued_at)
  })
})

describe('ComfyDeploy knobs through POST /__sim/faults', () => {
  let sim: Sim
  beforeEach(async () => {
    sim = await startSim({ timeScale: FAST })
  })
  afterEach(() => sim.close())

  const patch = (body: unknown) =>
    fetch(`${sim.url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('validates and applies them, and reset puts the defaults back', async () => {
    const knobs = {
      webhookDialect: 'B',
      runOutputEvents: true,
      webhookRetryAsGet: true,
      duplicateTerminalWebhook: true,
      skipQueuedStarted: true,
      slowDownloadsBytesPerSecond: 1000,
      truncateDownloads: true,
      wrongContentLength: true,
      expireOutputUrlsAfterMs: 5000,
      failGetRunWithStatus: 502,
      failGetRunTimes: 1,
      largeOutputBytes: 2048,
    }
    expect((await patch(knobs)).status).toBe(200)
    expect(sim.faults).toMatchObject(knobs)
    for (const bad of [{ webhookDialect: 'C' }, { largeOutputBytes: 10 }, { failGetRunWithStatus: 200 }, { slowDownloadsBytesPerSecond: 0 }]) {
      expect((await patch(bad)).status, JSON.stringify(bad)).toBe(400)
    }
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as { knobs: Record<string, string> }
    for (const name of Object.keys(knobs)) expect(state.knobs[name], name).not.toBe('')
    sim.reset()
    expect(sim.faults).toMatchObject({ webhookDialect: 'A', largeOutputBytes: 64 * 1024 * 1024, expireOutputUrlsAfterMs: null })
  })
})

describe('ComfyDeploy simulator: GET /run failures and expiring output URLs', () => {
  let sim: Sim
  beforeEach(async () => {
    sim = await startSim({ timeScale: FAST })
  })
  afterEach(() => sim.close())

  it('failGetRunWithStatus answers GET /run with 429 + Retry-After, failGetRunTimes times', async () => {
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape })
    Object.assign(sim.faults, { failGetRunWithStatus: 429, failGetRunTimes: 2, retryAfterSeconds: 3 })
    for (let i = 0; i < 2; i++) {
      const res = await call(sim, `/api/run/${id}`)
      expect(res).toMatchObject({ status: 429, body: { detail: 'Too Many Requests' } })
      expect(res.headers.get('retry-after')).toBe('3')
    }
    expect((await call(sim, `/api/run/${id}`)).status).toBe(200)
    expect(sim.faults.failGetRunWithStatus).toBeNull()

    Object.assign(sim.faults, { failGetRunWithStatus: 503, retryAfterSeconds: null })
    const res = await call(sim, `/api/run/${id}`)
    expect(res).toMatchObject({ status: 503, body: { detail: 'Service Unavailable' } })
    expect(res.headers.get('retry-after')).toBeNull()
    expect((await call(sim, `/api/run/${id}`)).status).toBe(503)
    // Queueing is not affected.
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape })
  })

  it('expireOutputUrlsAfterMs presigns output URLs; expired → 403, a fresh GET /run re-signs', async () => {
    sim.faults.expireOutputUrlsAfterMs = 300
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape })
    const run = await pollRun(sim, id, succeeded)
    const [image] = itemsOf(run, 'images')
    const url = new URL(image!.url)
    expect(url.searchParams.get('expires')).toMatch(/^\d+$/)
    expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/)
    expect(image!.is_public).toBe(false)
    expect((await download(image!.url)).status).toBe(200)

    const unsigned = `${url.origin}${url.pathname}`
    expect((await download(unsigned)).status).toBe(403)
    const forged = new URL(image!.url)
    forged.searchParams.set('expires', String(Date.now() + 3_600_000))
    const denied = await download(forged.toString())
    expect(denied.status).toBe(403)
    expect(denied.bytes.toString()).toContain('SignatureDoesNotMatch')

    await new Promise((r) => setTimeout(r, 350))
    const expired = await download(image!.url)
    expect(expired).toMatchObject({ status: 403, type: 'application/xml' })
    expect(expired.bytes.toString()).toContain('Request has expired')

    const again = (await call(sim, `/api/run/${id}`)).body as RunBody
    const fresh = itemsOf(again, 'images')[0]!.url
    expect(fresh).not.toBe(image!.url)
    expect((await download(fresh)).status).toBe(200)

    sim.faults.expireOutputUrlsAfterMs = null
    expect((await download(unsigned)).status).toBe(200)
  })
})
