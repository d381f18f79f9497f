import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from '../testing/webhook-receiver'
import { DEPLOYMENT_IDS } from './deployments'
import { KEY, call, itemsOf, pollRun, queue } from './test-kit'

const FAST = 0.05

type HookBody = {
  event_type: string
  run_id: string
  status: string
  live_status: string | null
  progress: number
  outputs: Array<{ data: { images: Array<{ url: string; filename: string }> } }>
}
const bodies = (hooks: ReceivedHook[]) => hooks.filter((h) => h.answered === 200).map((h) => h.body as HookBody)
const statuses = (hooks: ReceivedHook[]) => bodies(hooks).map((b) => b.status)
const hasStatus = (status: string, times = 1) => (hooks: ReceivedHook[]) =>
  statuses(hooks).filter((s) => s === status).length >= times

/**
 * Waits until the sim's counters satisfy `expected`. The receiver sees a webhook before the sim has read
 * the answer, so delivery counters settle a moment after the last webhook arrives.
 */
async function statsSettle(sim: Sim, expected: Partial<ReturnType<Sim['stats']>>): Promise<void> {
  const deadline = Date.now() + 5_000
  const matches = () => Object.entries(expected).every(([k, v]) => sim.stats()[k as keyof typeof expected] === v)
  while (!matches() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  expect(sim.stats()).toMatchObject(expected)
}

describe('ComfyDeploy simulator', () => {
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

  describe('auth and routing', () => {
    it('answers 401 without a usable Bearer key, and for every key under authFailure', async () => {
      const refused: Record<string, string>[] = [{}, { authorization: 'Bearer ' }, { authorization: 'Basic abc' }]
      for (const headers of refused) {
        const res = await call(sim, '/api/deployments', { headers })
        expect(res.status).toBe(401)
        expect(res.body).toEqual({ detail: 'Invalid or missing token' })
      }
      expect((await call(sim, '/api/deployments')).status).toBe(200)
      sim.faults.authFailure = true
      const res = await call(sim, '/api/deployments')
      expect(res.status).toBe(401)
      expect(res.body).toHaveProperty('detail')
    })

    it('answers unknown paths with FastAPI 404 and wrong methods with 405', async () => {
      expect(await call(sim, '/api/nope')).toMatchObject({ status: 404, body: { detail: 'Not Found' } })
      expect(await call(sim, '/elsewhere')).toMatchObject({ status: 404, body: { detail: 'Not Found' } })
      const wrong = await call(sim, '/api/run/deployment/queue')
      expect(wrong).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } })
      expect(wrong.headers.get('allow')).toBe('POST')
      expect(await call(sim, '/api/run/3b241101-e2bb-4255-8caf-4136c566a962')).toMatchObject({
        status: 404,
        body: { detail: 'Run not found' },
      })
      expect(await call(sim, '/media/nope/x.png')).toMatchObject({ status: 404 })
    })

    it('binds to loopback only by default', () => {
      expect(new URL(sim.url).hostname).toBe('127.0.0.1')
    })
  })

  describe('deployments', () => {
    it('lists the seeded deployments with full InputModel fields', async () => {
      const res = await call(sim, '/api/deployments?environment=production')
      expect(res.status).toBe(200)
      const list = res.body as Array<Record<string, unknown>>
      expect(list.map((d) => (d.workflow as { name: string }).name)).toEqual(
        expect.arrayContaining(['Dreamscape SDXL', 'Quick Sketch', 'Always Fails']),
      )
      const dream = list.find((d) => d.id === DEPLOYMENT_IDS.dreamscape)!
      const inputs = dream.input_types as Array<Record<string, unknown>>
      for (const input of inputs) {
        expect(Object.keys(input).sort()).toEqual(
          ['class_type', 'default_value', 'description', 'display_name', 'enum_options', 'input_id', 'max_value', 'min_value', 'step', 'type'],
        )
      }
      expect(inputs.find((i) => i.input_id === 'steps')).toMatchObject({
        type: 'integer',
        class_type: 'ComfyUIDeployExternalNumberSliderInt',
        default_value: 25,
        min_value: 1,
        max_value: 60,
        step: 1,
      })
      expect(inputs.find((i) => i.input_id === 'seed')).toMatchObject({ display_name: 'Seed', min_value: 0, max_value: 2 ** 32 - 1 })
      expect(dream.output_types).toEqual([{ class_type: 'ComfyDeployStdOutputImage', output_id: 'final_result' }])

      expect((await call(sim, '/api/deployments?environment=staging')).body).toEqual([])
    })

    it('reads one deployment, 404 for an unknown one', async () => {
      const one = await call(sim, `/api/deployment/${DEPLOYMENT_IDS.quickSketch}`)
      expect(one.status).toBe(200)
      expect(one.body).toMatchObject({ id: DEPLOYMENT_IDS.quickSketch, workflow: { name: 'Quick Sketch' } })
      const missing = await call(sim, '/api/deployment/3b241101-e2bb-4255-8caf-4136c566a962')
      expect(missing).toMatchObject({ status: 404, body: { detail: 'Deployment not found' } })
    })
  })

  describe('queue validation', () => {
    it('answers 422 in FastAPI shape', async () => {
      const path = '/api/run/deployment/queue'
      const missing = await call(sim, path, { method: 'POST', json: { inputs: {} } })
      expect(missing.status).toBe(422)
      expect(missing.body).toEqual({ detail: [{ loc: ['body', 'deployment_id'], msg: 'Field required', type: 'missing' }] })

      const badId = await call(sim, path, { method: 'POST', json: { deployment_id: 'not-a-uuid' } })
      expect(badId.status).toBe(422)
      expect(badId.body).toMatchObject({ detail: [{ loc: ['body', 'deployment_id'], type: 'uuid_parsing' }] })

      const badJson = await call(sim, path, { method: 'POST', body: '{oops', headers: { ...KEY, 'content-type': 'application/json' } })
      expect(badJson.status).toBe(422)
      expect(badJson.body).toMatchObject({ detail: [{ type: 'json_invalid' }] })

      const badSeed = await call(sim, path, {
        method: 'POST',
        json: { deployment_id: DEPLOYMENT_IDS.dreamscape, inputs: { seed: 'forty-two' } },
      })
      expect(badSeed.status).toBe(422)
      expect(badSeed.body).toEqual({
        detail: [{ loc: ['body', 'inputs', 'seed'], msg: 'Input should be a valid integer', type: 'int_type', input: 'forty-two' }],
      })
      expect(sim.stats().runsQueued).toBe(0)
    })

    it('answers 404 for an unknown deployment and ignores unknown input keys', async () => {
      const res = await call(sim, '/api/run/deployment/queue', {
        method: 'POST',
        json: { deployment_id: '3b241101-e2bb-4255-8caf-4136c566a962' },
      })
      expect(res).toMatchObject({ status: 404, body: { detail: 'Deployment not found' } })
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, inputs: { no_such_input: 1, seed: 7 } })
      expect(sim.stats().runsQueued).toBe(1)
    })

    it('injects queue failures: 429 with Retry-After for the next call only', async () => {
      Object.assign(sim.faults, { failQueueWithStatus: 429, failQueueTimes: 1, retryAfterSeconds: 7 })
      const body = { deployment_id: DEPLOYMENT_IDS.dreamscape }
      const limited = await call(sim, '/api/run/deployment/queue', { method: 'POST', json: body })
      expect(limited).toMatchObject({ status: 429, body: { detail: 'Too Many Requests' } })
      expect(limited.headers.get('retry-after')).toBe('7')
      await queue(sim, body)
      expect(sim.faults.failQueueWithStatus).toBeNull()

      sim.faults.failQueueWithStatus = 503
      for (let i = 0; i < 2; i++) {
        expect((await call(sim, '/api/run/deployment/queue', { method: 'POST', json: body })).status).toBe(503)
      }
      expect(sim.stats()).toMatchObject({ queueCallsFailed: 3, runsQueued: 1 })
    })
  })

  describe('run timeline and webhooks', () => {
    it('sends ordered dialect-A webhooks, and GET /run matches the end', async () => {
      const webhook = `${receiver.url}/cd/hook-1?token=abc&target_events=run.output,run.updated`
      const id = await queue(sim, {
        deployment_id: DEPLOYMENT_IDS.dreamscape,
        inputs: { positive_prompt: 'a red barn', seed: 11, steps: 30 },
        webhook,
        webhook_intermediate_status: true,
      })
      const hooks = await receiver.waitFor(hasStatus('success'))
      const all = bodies(hooks)

      for (const hook of hooks) {
        expect(hook.method).toBe('POST')
        expect(hook.path).toBe('/cd/hook-1?token=abc&target_events=run.output,run.updated')
      }
      for (const body of all) {
        expect(Object.keys(body).sort()).toEqual(['event_type', 'live_status', 'outputs', 'progress', 'run_id', 'status'])
        expect(body).toMatchObject({ run_id: id })
      }
      // target_events=run.output: one run.output event per saved output, before success (§9.3).
      const outputEvents = all.filter((b) => b.event_type === 'run.output')
      expect(outputEvents).toHaveLength(1)
      expect(outputEvents[0]).toMatchObject({ status: 'running', progress: 0.9 })
      expect(outputEvents[0]!.outputs).toHaveLength(1)
      const got = all.filter((b) => b.event_type === 'run.updated')
      const order = got.map((b) => b.status).filter((s, i, list) => s !== list[i - 1])
      expect(order).toEqual(['queued', 'started', 'running', 'success'])

      const progress = got.map((b) => b.progress)
      expect(progress).toEqual([...progress].sort((a, b) => a - b))
      const ticks = got.filter((b) => b.status === 'running').map((b) => b.progress)
      expect(ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
      for (const b of got.filter((b) => b.status === 'running')) expect(b.live_status).toMatch(/^Executing \w+$/)
      expect(got[0]!.live_status).toBeNull()

      const end = got.at(-1)!
      expect(end).toMatchObject({ status: 'success', progress: 1, live_status: null })
      expect(end.outputs).toHaveLength(1)

      const run = (await call(sim, `/api/run/${id}`)).body as Record<string, unknown>
      expect(run).toMatchObject({
        id,
        status: 'success',
        progress: 1,
        origin: 'api',
        webhook,
        webhook_intermediate_status: true,
        workflow_inputs: { positive_prompt: 'a red barn', seed: 11, steps: 30 },
        queue_position: null,
        machine_type: 'comfy-deploy-serverless',
      })
      expect(run.outputs).toEqual(end.outputs)
      for (const field of ['created_at', 'updated_at', 'queued_at', 'started_at', 'ended_at']) {
        expect(new Date(run[field] as string).toISOString()).toBe(run[field])
      }
      for (const field of ['duration', 'cold_start_duration', 'cold_start_duration_total', 'run_duration']) {
        expect(typeof run[field]).toBe('number')
      }
      expect(run.modal_function_call_id).toMatch(/^fc-/)
      await statsSettle(sim, { runsQueued: 1, runsSucceeded: 1, webhooksSent: all.length })
    })

    it('sends only status changes without webhook_intermediate_status, or when withheld', async () => {
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/a` })
      await receiver.waitFor(hasStatus('success'))
      expect(statuses(receiver.hooks)).toEqual(['queued', 'started', 'running', 'success'])

      receiver.hooks.length = 0
      sim.faults.withholdWebhookIntermediate = true
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/b`, webhook_intermediate_status: true })
      await receiver.waitFor(hasStatus('success'))
      expect(statuses(receiver.hooks)).toEqual(['queued', 'started', 'running', 'success'])
    })

    it('serves output PNGs at absolute URLs, different per seed', async () => {
      const a = await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'owl', seed: 1 } })
      const b = await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'owl', seed: 2 } })
      const images = async (id: string) => {
        const run = await pollRun(sim, id, (r) => r.status === 'success')
        expect(run.outputs).toHaveLength(1)
        return itemsOf(run, 'images')
      }
      const [first, second] = [await images(a), await images(b)]
      expect(first).toHaveLength(2)

      const fetched: Buffer[] = []
      for (const image of [...first, ...second]) {
        expect(image.url.startsWith(`${sim.url}/media/`)).toBe(true)
        const res = await fetch(image.url)
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toBe('image/png')
        const bytes = Buffer.from(await res.arrayBuffer())
        expect(res.headers.get('content-length')).toBe(String(bytes.length))
        expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
        fetched.push(bytes)
      }
      expect(new Set(fetched.map((f) => f.toString('base64'))).size).toBe(4)
      expect(sim.stats().mediaServed).toBe(4)
    })

    it('ends the failing deployment as failed, with the failing node and no outputs', async () => {
      const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.alwaysFails, webhook: `${receiver.url}/f` })
      const hooks = await receiver.waitFor(hasStatus('failed'))
      expect(bodies(hooks).at(-1)).toMatchObject({ status: 'failed', live_status: 'Executing VAEDecode', progress: 0.7, outputs: [] })
      const run = (await call(sim, `/api/run/${id}`)).body
      expect(run).toMatchObject({ status: 'failed', live_status: 'Executing VAEDecode', outputs: [] })
      expect(sim.stats().runsFailed).toBe(1)
    })

    it('retries a webhook that got a non-2xx answer', async () => {
      receiver.failNext(500, 503)
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/r` })
      await receiver.waitFor(hasStatus('success'))
      expect(receiver.hooks.slice(0, 3).map((h) => [(h.body as HookBody).status, h.answered])).toEqual([
        ['queued', 500],
        ['queued', 503],
        ['queued', 200],
      ])
      expect(statuses(receiver.hooks)).toEqual(['queued', 'started', 'running', 'success'])
      await statsSettle(sim, { webhookAttempts: 6, webhooksSent: 4, webhooksFailed: 0 })
    })

    it('gives up after three attempts and moves on to the next event', async () => {
      receiver.failNext(500, 500, 500)
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/g` })
      await receiver.waitFor(hasStatus('success'))
      expect(statuses(receiver.hooks)).toEqual(['started', 'running', 'success'])
      await statsSettle(sim, { webhookAttempts: 6, webhooksSent: 3, webhooksFailed: 1 })
    })

    it('reports each attempt to onWebhookSent before it is written', async () => {
      const sent: Array<{ runId: string; status: string; sentAt: number }> = []
      sim.onWebhookSent = (runId, status, sentAt) => sent.push({ runId, status, sentAt })
      const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/s` })
      const hooks = await receiver.waitFor(hasStatus('success'))
      expect(sent.map((s) => s.status)).toEqual(['queued', 'started', 'running', 'success'])
      sent.forEach((s, i) => {
        expect(s.runId).toBe(id)
        expect(s.sentAt).toBeLessThanOrEqual(hooks[i]!.receivedAt)
      })
    })
  })

  describe('webhook faults', () => {
    it('dropWebhooks sends nothing, and polling still reaches success', async () => {
      sim.faults.dropWebhooks = true
      const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/d`, webhook_intermediate_status: true })
      await pollRun(sim, id, (r) => r.status === 'success')
      expect(receiver.hooks).toEqual([])
      expect(sim.stats()).toMatchObject({ webhookAttempts: 0, webhooksDropped: 13 })
    })

    it('duplicateWebhooks sends every event twice in a row', async () => {
      sim.faults.duplicateWebhooks = true
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/dup` })
      await receiver.waitFor(hasStatus('success', 2))
      expect(statuses(receiver.hooks)).toEqual(['queued', 'queued', 'started', 'started', 'running', 'running', 'success', 'success'])
    })

    it('reorderWebhooks swaps neighbours but delivers everything', async () => {
      sim.faults.reorderWebhooks = true
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/ro` })
      await receiver.waitFor((h) => h.length === 4)
      expect(statuses(receiver.hooks)).toEqual(['started', 'queued', 'success', 'running'])
    })

    it('webhookDelayMs holds each webhook back', async () => {
      sim.faults.webhookDelayMs = 150
      const sent: number[] = []
      sim.onWebhookSent = (_id, _status, at) => sent.push(at)
      const before = performance.timeOrigin + performance.now()
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/late` })
      await receiver.waitFor(hasStatus('queued'))
      // A lower bound only: the event exists ~15 ms after queueing, and cannot leave before the delay.
      expect(sent[0]! - before).toBeGreaterThanOrEqual(150)
    })
  })

  describe('cancel', () => {
    it('answers 404 for an unknown run and 200 with no change for a finished one', async () => {
      expect(await call(sim, '/api/run/3b241101-e2bb-4255-8caf-4136c566a962/cancel', { method: 'POST' })).toMatchObject({
        status: 404,
        body: { detail: 'Run not found' },
      })
      const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape })
      await pollRun(sim, id, (r) => r.status === 'success')
      const res = await call(sim, `/api/run/${id}/cancel`, { method: 'POST' })
      expect(res).toMatchObject({ status: 200, body: { status: 'success', message: 'Function cancelled' } })
      expect((await call(sim, `/api/run/${id}`)).body).toMatchObject({ status: 'success' })
    })
  })
})

describe('ComfyDeploy simulator, slow timeline', () => {
  // timeScale 5: the cold start lasts 1.5 s, long enough to act on a run in a known state.
  let sim: Sim
  let receiver: WebhookReceiver
  beforeEach(async () => {
    sim = await startSim({ timeScale: 5 })
    receiver = await startWebhookReceiver()
  })
  afterEach(async () => {
    await sim.close()
    await receiver.close()
  })

  it('reports queue_position only when asked, while the run waits', async () => {
    const first = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape })
    const second = await queue(sim, { deployment_id: DEPLOYMENT_IDS.alwaysFails })
    expect((await call(sim, `/api/run/${first}?queue_position=true`)).body).toMatchObject({ status: 'not-started', queue_position: 0 })
    expect((await call(sim, `/api/run/${second}?queue_position=true`)).body).toMatchObject({ queue_position: 1 })
    expect((await call(sim, `/api/run/${second}`)).body).toMatchObject({ queue_position: null, queued_at: null, progress: 0 })
  })

  it('refuses to cancel before dispatch (500), then cancels and sends a cancelled webhook', async () => {
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/c` })
    const early = await call(sim, `/api/run/${id}/cancel`, { method: 'POST' })
    expect(early).toMatchObject({
      status: 500,
      body: { detail: 'Error cancel function 404: Run not found or has no modal function call ID' },
    })

    await receiver.waitFor(hasStatus('queued'))
    const res = await call(sim, `/api/run/${id}/cancel`, { method: 'POST' })
    expect(res).toMatchObject({ status: 200, body: { status: 'success', message: 'Function cancelled' } })
    await receiver.waitFor(hasStatus('cancelled'))
    expect(statuses(receiver.hooks)).toEqual(['queued', 'cancelled'])
    const run = (await call(sim, `/api/run/${id}`)).body as Record<string, unknown>
    expect(run).toMatchObject({ status: 'cancelled', outputs: [] })
    expect(run.ended_at).not.toBeNull()
    expect(sim.stats()).toMatchObject({ runsCancelled: 1, runsSucceeded: 0 })
  })

  it('close() resolves promptly with timelines and a hanging webhook in flight', async () => {
    receiver.hang(true)
    const fast = await startSim({ timeScale: FAST })
    try {
      // Installed before queueing, so the first attempt cannot slip past unobserved.
      const attempted = new Promise<void>((resolve) => {
        fast.onWebhookSent = () => resolve()
      })
      await queue(fast, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/hang` })
      await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: `${receiver.url}/hang` })
      await attempted
    } finally {
      await fast.close()
    }
    expect(fast.stats().webhookAttempts).toBe(1)
  })
})
