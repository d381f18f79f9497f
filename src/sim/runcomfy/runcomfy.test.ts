import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from '../testing/webhook-receiver'
import { RUNCOMFY_DEPLOYMENT_IDS as IDS } from './deployments'

const KEY = { authorization: 'Bearer rc-test-key' }
const FAST = 0.05
const UNKNOWN = '3b241101-e2bb-4255-8caf-4136c566a962'
const MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/
const SECONDS_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

interface Answer {
  status: number
  body: Record<string, unknown>
}

async function call(sim: Sim, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> {
  const { json, ...rest } = init
  const headers = new Headers(rest.headers ?? KEY)
  if (json !== undefined) headers.set('content-type', 'application/json')
  const url = path.startsWith('http') ? path : `${sim.url}${path}`
  const res = await fetch(url, { ...rest, headers, body: json === undefined ? rest.body : JSON.stringify(json) })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

interface Submitted {
  request_id: string
  status_url: string
  result_url: string
  cancel_url: string
}

const inference = (version: 'v1' | 'v2', id: string, query = '') => `/prod/${version}/deployments/${id}/inference${query}`
const hookQuery = (url: string, intermediate = true) =>
  `?webhook=${encodeURIComponent(url)}${intermediate ? '&webhook_intermediate_status=true' : ''}`

async function submit(sim: Sim, path: string, body: unknown): Promise<Submitted> {
  const res = await call(sim, path, { method: 'POST', json: body })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as unknown as Submitted
}

/** Polls a status or result URL until `done` holds: the request's own state is the signal, not a duration. */
async function pollUntil(sim: Sim, url: string, done: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const { body } = await call(sim, url)
    if (done(body)) return body
    if (Date.now() > deadline) throw new Error(`request never got there: ${JSON.stringify(body)}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const finished = (body: Record<string, unknown>) => ['completed', 'cancelled', 'canceled'].includes(String(body.status))

type Hook = Record<string, unknown>
const bodies = (hooks: ReceivedHook[]) => hooks.filter((h) => h.answered === 200).map((h) => h.body as Hook)
/** in_queue webhooks carry no status: name them for assertions. */
const words = (hooks: ReceivedHook[]) => bodies(hooks).map((b) => String(b.status ?? 'in_queue'))
const hasWord = (word: string, times = 1) => (hooks: ReceivedHook[]) => words(hooks).filter((w) => w === word).length >= times

async function statsSettle(sim: Sim, expected: Partial<ReturnType<Sim['stats']>>): Promise<void> {
  const deadline = Date.now() + 5_000
  const matches = () => Object.entries(expected).every(([k, v]) => sim.stats()[k as keyof typeof expected] === v)
  while (!matches() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  expect(sim.stats()).toMatchObject(expected)
}

async function png(url: string): Promise<Buffer> {
  const res = await fetch(url)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('image/png')
  const bytes = Buffer.from(await res.arrayBuffer())
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return bytes
}

describe('RunComfy simulator', () => {
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

  describe('auth and errors', () => {
    it('answers 401001 without a usable Bearer key and for every key under authFailure', async () => {
      const path = `/prod/v2/deployments/${IDS.fluxPortrait}`
      for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
        expect(await call(sim, path, { headers })).toEqual({ status: 401, body: { error_code: 401001, error_message: 'Unauthorized' } })
      }
      const post = await call(sim, inference('v1', IDS.fluxPortrait), { method: 'POST', headers: {}, json: { overrides: {} } })
      expect(post).toEqual({ status: 401, body: { error_code: 401001, error_message: 'Unauthorized' } })
      expect((await call(sim, path)).status).toBe(200)
      sim.faults.authFailure = true
      expect(await call(sim, path)).toEqual({ status: 401, body: { error_code: 401001, error_message: 'Unauthorized' } })
      expect(sim.stats().runsQueued).toBe(0)
    })

    it('answers 404001 for unknown deployments, requests and v1 deployment reads; 403003 across deployments', async () => {
      const notFound = { status: 404, body: { error_code: 404001, error_message: 'Not Found' } }
      expect(await call(sim, inference('v2', UNKNOWN), { method: 'POST', json: { overrides: {} } })).toEqual(notFound)
      expect(await call(sim, `/prod/v2/deployments/${UNKNOWN}`)).toEqual(notFound)
      expect(await call(sim, `/prod/v1/deployments/${IDS.fluxPortrait}/requests/${UNKNOWN}/status`)).toEqual(notFound)
      expect(await call(sim, `/prod/v2/deployments/${IDS.fluxPortrait}/requests/${UNKNOWN}/result`)).toEqual(notFound)
      expect(await call(sim, `/prod/v2/deployments/${IDS.fluxPortrait}/requests/${UNKNOWN}/cancel`, { method: 'POST' })).toEqual(notFound)
      expect(await call(sim, '/prod/v1/deployments')).toEqual(notFound)
      expect(await call(sim, `/prod/v1/deployments/${IDS.fluxPortrait}`)).toEqual(notFound)

      const { request_id } = await submit(sim, inference('v2', IDS.fluxPortrait), { overrides: {} })
      const forbidden = { status: 403, body: { error_code: 403003, error_message: 'Forbidden' } }
      expect(await call(sim, `/prod/v2/deployments/${IDS.productShotLora}/requests/${request_id}/status`)).toEqual(forbidden)
      expect(await call(sim, `/prod/v1/deployments/${IDS.brokenGraph}/requests/${request_id}/result`)).toEqual(forbidden)
    })

    it('refuses the disabled deployment with 10002 DisabledDeployment (HTTP 403)', async () => {
      const res = await call(sim, inference('v2', IDS.disabled), { method: 'POST', json: { overrides: { '6': { inputs: { text: 'x' } } } } })
      expect(res).toEqual({ status: 403, body: { error_code: 10002, error_message: 'DisabledDeployment' } })
      expect(sim.stats().runsQueued).toBe(0)
    })

    it('answers errors as HTTP 200 with error_code under runcomfyErrorAsHttp200', async () => {
      sim.faults.runcomfyErrorAsHttp200 = true
      expect(await call(sim, `/prod/v2/deployments/${UNKNOWN}`)).toEqual({ status: 200, body: { error_code: 404001, error_message: 'Not Found' } })
      expect(await call(sim, inference('v1', IDS.disabled), { method: 'POST', json: { overrides: {} } })).toEqual({
        status: 200,
        body: { error_code: 10002, error_message: 'DisabledDeployment' },
      })
      expect(await call(sim, '/prod/v2/deployments', { headers: {} })).toMatchObject({ status: 200, body: { error_code: 401001 } })
    })

    it('injects submit failures by code (500001 once), then accepts again', async () => {
      Object.assign(sim.faults, { runcomfyFailSubmitWithCode: 500001, runcomfyFailSubmitTimes: 1 })
      const body = { overrides: {} }
      expect(await call(sim, inference('v2', IDS.fluxPortrait), { method: 'POST', json: body })).toEqual({
        status: 500,
        body: { error_code: 500001, error_message: 'Internal Error' },
      })
      expect(sim.faults.runcomfyFailSubmitWithCode).toBeNull()
      await submit(sim, inference('v2', IDS.fluxPortrait), body)
      sim.faults.runcomfyFailSubmitWithCode = 10001
      expect(await call(sim, inference('v2', IDS.fluxPortrait), { method: 'POST', json: body })).toEqual({
        status: 403,
        body: { error_code: 10001, error_message: 'InsufficientFunds' },
      })
      expect(sim.stats()).toMatchObject({ runsQueued: 1, queueCallsFailed: 2 })
    })
  })

  describe('submit validation (422001)', () => {
    const post = (s: Sim, body: unknown) => call(s, inference('v2', IDS.fluxPortrait), { method: 'POST', json: body })

    it('names an unknown input with its loc, as the spec example', async () => {
      expect(await post(sim, { overrides: { '6': { inputs: { txt: 'a cat' } } } })).toEqual({
        status: 422,
        body: { error_code: 422001, error_message: 'Validation Error', detail: [{ loc: ['overrides', '6', 'inputs', 'txt'], msg: 'unknown input' }] },
      })
    })

    it('refuses unknown node ids, wrong types, enum values outside the list and out-of-range numbers', async () => {
      const res = await post(sim, {
        overrides: {
          '99': { inputs: { text: 'x' } },
          '6': { inputs: { text: 42 } },
          '3': { inputs: { seed: '42', steps: 2.5, cfg: 'high', sampler_name: 'euler_magic', scheduler: 'karras', denoise: 2 } },
          '5': { inputs: { width: 8 } },
          '10': { inputs: { image: 'https://' } },
          '7': 'not an object',
        },
      })
      expect(res.status).toBe(422)
      expect(res.body.error_code).toBe(422001)
      expect(res.body.detail).toEqual(
        expect.arrayContaining([
          { loc: ['overrides', '99'], msg: 'unknown node id' },
          { loc: ['overrides', '6', 'inputs', 'text'], msg: 'expected a string' },
          { loc: ['overrides', '3', 'inputs', 'seed'], msg: 'expected an integer' },
          { loc: ['overrides', '3', 'inputs', 'steps'], msg: 'expected an integer' },
          { loc: ['overrides', '3', 'inputs', 'cfg'], msg: 'expected a number' },
          { loc: ['overrides', '3', 'inputs', 'sampler_name'], msg: "value not in list: 'euler_magic'" },
          { loc: ['overrides', '3', 'inputs', 'denoise'], msg: 'Value 2 bigger than max of 1' },
          { loc: ['overrides', '5', 'inputs', 'width'], msg: 'Value 8 smaller than min of 16' },
          { loc: ['overrides', '10', 'inputs', 'image'], msg: 'invalid image URL or Base64 data URI' },
          { loc: ['overrides', '7', 'inputs'], msg: 'expected {"inputs": {<input name>: value}}' },
        ]),
      )
      expect((res.body.detail as unknown[]).length).toBe(10)
    })

    it('wants overrides or workflow_api_json, valid JSON and an http(s) webhook', async () => {
      expect(await post(sim, {})).toMatchObject({ status: 422, body: { detail: [{ loc: ['overrides'], msg: 'overrides is missing' }] } })
      const badJson = await call(sim, inference('v2', IDS.fluxPortrait), { method: 'POST', body: '{oops', headers: { ...KEY, 'content-type': 'application/json' } })
      expect(badJson).toMatchObject({ status: 422, body: { error_code: 422001, detail: [{ loc: ['body'] }] } })
      const badHook = await call(sim, inference('v2', IDS.fluxPortrait, '?webhook=not-a-url'), { method: 'POST', json: { overrides: {} } })
      expect(badHook).toMatchObject({ status: 422, body: { detail: [{ loc: ['query', 'webhook'] }] } })
      expect(sim.stats().runsQueued).toBe(0)
    })

    it('accepts links, a URL or a Base64 data URI for LoadImage, and a whole workflow_api_json', async () => {
      await submit(sim, inference('v2', IDS.fluxPortrait), {
        overrides: { '10': { inputs: { image: 'data:image/png;base64,iVBORw0KGgo=' } }, '3': { inputs: { positive: ['7', 0] } } },
      })
      const graph = (await call(sim, `/prod/v2/deployments/${IDS.fluxPortrait}?includes=payload`)).body.workflow_api_json as Record<
        string,
        { inputs: Record<string, unknown> }
      >
      graph['5']!.inputs.batch_size = 2
      const sent = await submit(sim, inference('v2', IDS.fluxPortrait), { workflow_api_json: graph, overrides: { '6': { inputs: { text: 'two owls' } } } })
      await pollUntil(sim, sent.status_url, finished)
      const result = (await call(sim, sent.result_url)).body
      const images = (result.outputs as Record<string, { images: { filename: string }[] }>)['9']!.images
      expect(images.map((i) => i.filename)).toEqual(['FluxPortrait_00001_.png', 'FluxPortrait_00002_.png'])

      delete graph['4']
      graph['12'] = { class_type: 'NoSuchNode', inputs: {} } as never
      const res = await call(sim, inference('v2', IDS.fluxPortrait), { method: 'POST', json: { workflow_api_json: graph } })
      expect(res.status).toBe(422)
      expect(res.body.detail).toEqual(
        expect.arrayContaining([
          { loc: ['workflow_api_json', '3', 'inputs', 'model'], msg: 'linked node 4 does not exist' },
          { loc: ['workflow_api_json', '12', 'class_type'], msg: 'unknown node class NoSuchNode' },
        ]),
      )
    })

    it('checks LoRA flat bodies against their schema', async () => {
      const res = await call(sim, inference('v1', IDS.productShotLora), {
        method: 'POST',
        json: { promt: 'typo', width: 'wide', ctrl_img_1: 'ftp://x/y.png', sampler: 'euler' },
      })
      expect(res.status).toBe(422)
      expect(res.body.detail).toEqual([
        { loc: ['body', 'promt'], msg: 'unknown field' },
        { loc: ['body', 'prompt'], msg: 'field required' },
        { loc: ['body', 'ctrl_img_1'], msg: 'expected a public http(s) URL or a Base64 data URI' },
        { loc: ['body', 'width'], msg: 'expected an integer' },
        { loc: ['body', 'sampler'], msg: 'expected one of flowmatch' },
      ])
    })
  })

  describe('requests, results and webhooks', () => {
    it('v2: ordered webhooks in the §7 shapes, status completed, result succeeded with node-keyed PNG outputs', async () => {
      const hook = `${receiver.url}/rc/7f3a-secret?source=sim`
      const sent = await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(hook)), {
        overrides: { '6': { inputs: { text: 'a lighthouse at dusk' } }, '3': { inputs: { seed: 123456, steps: 28 } } },
      })
      const root = `${sim.url}/prod/v2/deployments/${IDS.fluxPortrait}/requests/${sent.request_id}`
      expect(sent).toEqual({ request_id: sent.request_id, status_url: `${root}/status`, result_url: `${root}/result`, cancel_url: `${root}/cancel` })
      expect(Object.keys(sent)).toEqual(['request_id', 'status_url', 'result_url', 'cancel_url'])

      const hooks = await receiver.waitFor(hasWord('succeeded'))
      for (const h of hooks) expect([h.method, h.path]).toEqual(['POST', '/rc/7f3a-secret?source=sim'])
      expect(words(hooks)).toEqual(['in_queue', 'in_progress', 'succeeded'])
      const [queued, progress, done] = bodies(hooks) as [Hook, Hook, Hook]
      const urls = { status_url: sent.status_url, result_url: sent.result_url, cancel_url: sent.cancel_url }
      expect(queued).toEqual({ request_id: sent.request_id, ...urls })
      expect(Object.keys(queued)).toEqual(['request_id', 'status_url', 'result_url', 'cancel_url'])
      expect(Object.keys(progress)).toEqual([
        'request_id',
        'deployment_id',
        'status',
        'status_url',
        'result_url',
        'cancel_url',
        'instance_id',
        'created_at',
        'started_at',
      ])
      expect(progress).toMatchObject({ request_id: sent.request_id, deployment_id: IDS.fluxPortrait, status: 'in_progress', ...urls })
      expect(progress.instance_id).toMatch(/^i-[0-9a-f]{8}$/)
      expect(Object.keys(done)).toEqual(['request_id', 'deployment_id', 'status', 'outputs', 'instance_id', 'created_at', 'started_at', 'finished_at'])
      expect(done).toMatchObject({ status: 'succeeded', instance_id: progress.instance_id, created_at: progress.created_at })
      for (const t of [progress.created_at, progress.started_at, done.finished_at]) expect(t).toMatch(SECONDS_Z)

      const status = (await call(sim, sent.status_url)).body
      expect(status).toEqual({ request_id: sent.request_id, status: 'completed', instance_id: progress.instance_id, status_url: sent.status_url, result_url: sent.result_url })

      const result = (await call(sim, sent.result_url)).body
      expect(Object.keys(result)).toEqual(['request_id', 'status', 'created_at', 'finished_at', 'outputs'])
      expect(result.status).toBe('succeeded')
      expect(result.created_at).toMatch(MICROS)
      expect(result.finished_at).toMatch(MICROS)
      expect(result.outputs).toEqual(done.outputs)
      const outputs = result.outputs as Record<string, Record<string, unknown[]>>
      expect(Object.keys(outputs)).toEqual(['9', '38:42'])
      expect(outputs['38:42']).toEqual({ text: [['flux1-dev-fp8.safetensors · 512×640']] })
      const [image] = outputs['9']!.images as { url: string; filename: string; subfolder: string; type: string }[]
      expect(image).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//), filename: 'FluxPortrait_00001_.png', subfolder: '', type: 'output' })
      await png(image!.url)
      await statsSettle(sim, { runsQueued: 1, runsSucceeded: 1, webhooksSent: 3, mediaServed: 1 })
    })

    it('v1: URLs on v1, legacy body webhook fields, only the final webhook without the flag, reachable via v2 too', async () => {
      const sent = await submit(sim, inference('v1', IDS.fluxPortrait), {
        overrides: { '6': { inputs: { text: 'a red barn' } } },
        webhook: `${receiver.url}/legacy`,
      })
      expect(sent.status_url).toBe(`${sim.url}/prod/v1/deployments/${IDS.fluxPortrait}/requests/${sent.request_id}/status`)
      expect(sent.cancel_url).toContain('/prod/v1/')
      const hooks = await receiver.waitFor(hasWord('succeeded'))
      expect(words(hooks)).toEqual(['succeeded'])
      expect(hooks[0]!.path).toBe('/legacy')

      const v2 = await call(sim, `/prod/v2/deployments/${IDS.fluxPortrait}/requests/${sent.request_id}/status`)
      expect(v2.body).toMatchObject({ status: 'completed', status_url: expect.stringContaining('/prod/v2/') })
      expect((await call(sim, sent.status_url)).body).toMatchObject({ status_url: sent.status_url })

      // The legacy body flag turns intermediate events on too.
      receiver.hooks.length = 0
      await submit(sim, inference('v1', IDS.fluxPortrait), { overrides: {}, webhook: `${receiver.url}/l2`, webhook_intermediate_status: true })
      await receiver.waitFor(hasWord('succeeded'))
      expect(words(receiver.hooks)).toEqual(['in_queue', 'in_progress', 'succeeded'])
      expect(bodies(receiver.hooks)[0]!.status_url).toContain('/prod/v1/')
    })

    it('draws different PNGs for different prompts and seeds, identical ones for identical inputs', async () => {
      const run = async (text: string, seed: number) => {
        const sent = await submit(sim, inference('v2', IDS.fluxPortrait), { overrides: { '6': { inputs: { text } }, '3': { inputs: { seed } } } })
        await pollUntil(sim, sent.status_url, finished)
        const outputs = (await call(sim, sent.result_url)).body.outputs as Record<string, { images: { url: string }[] }>
        return (await png(outputs['9']!.images[0]!.url)).toString('base64')
      }
      const [a, b, c, d] = await Promise.all([run('owl', 1), run('owl', 2), run('fox', 1), run('owl', 1)])
      expect(new Set([a, b, c]).size).toBe(3)
      expect(d).toBe(a)
    })

    it('LoRA: flat body in, output.images (2 PNG URLs) out, in /result and the webhook', async () => {
      const sent = await submit(sim, inference('v1', IDS.productShotLora, hookQuery(`${receiver.url}/lora`, false)), {
        prompt: 'Make the scene feel warmer. Add a subtle orange glow.',
        ctrl_img_1: 'https://playgrounds-storage-public.runcomfy.net/tools/7063/media-files/usecase1-1-input.webp',
        width: 256,
        height: 256,
        guidance_scale: 4,
        sample_steps: 25,
        network_multiplier: 1.0,
        neg: '',
        seed: 42,
        sampler: 'flowmatch',
        num_frames: 1,
        fps: 1,
      })
      const hooks = await receiver.waitFor(hasWord('succeeded'))
      const done = bodies(hooks)[0]!
      expect(Object.keys(done)).toEqual(['request_id', 'deployment_id', 'status', 'output', 'instance_id', 'created_at', 'started_at', 'finished_at'])
      const result = (await call(sim, sent.result_url)).body
      expect(Object.keys(result)).toEqual(['request_id', 'status', 'created_at', 'finished_at', 'output'])
      expect(result.output).toEqual(done.output)
      const images = (result.output as { images: string[] }).images
      expect(images).toHaveLength(2)
      const [one, two] = [await png(images[0]!), await png(images[1]!)]
      expect(one.equals(two)).toBe(false)
    })

    it('Broken Graph: status completed, result failed with the error object (or array under the knob)', async () => {
      const sent = await submit(sim, inference('v2', IDS.brokenGraph, hookQuery(`${receiver.url}/broken`, false)), { overrides: {} })
      const hooks = await receiver.waitFor(hasWord('failed'))
      expect((await call(sim, sent.status_url)).body.status).toBe('completed')
      const result = (await call(sim, sent.result_url)).body
      expect(Object.keys(result)).toEqual(['request_id', 'status', 'created_at', 'finished_at', 'error'])
      const error = { error: 'ExecutionError', details: 'KSampler: CUDA out of memory', debugInfo: expect.stringContaining('Traceback'), errorCode: 12345 }
      expect(result).toMatchObject({ status: 'failed', error })
      expect(Object.keys(result.error as object)).toEqual(['error', 'details', 'debugInfo', 'errorCode'])
      const hook = bodies(hooks)[0]!
      expect(Object.keys(hook)).toEqual(['request_id', 'deployment_id', 'status', 'error', 'instance_id', 'created_at', 'started_at', 'finished_at'])
      expect(hook.error).toEqual(result.error)

      sim.faults.runcomfyErrorArray = true
      const array = (await call(sim, sent.result_url)).body.error
      expect(array).toEqual([{ errorCode: 12345, error: 'ExecutionError', debugInfo: expect.stringContaining('KSampler: CUDA out of memory') }])
      expect(sim.stats()).toMatchObject({ runsFailed: 1, runsSucceeded: 0 })
    })

    it('runcomfyWebhookOutputs: outputs under output, flat image list, or none', async () => {
      const expectations = {
        output: (b: Hook) => expect(Object.keys(b.output as object)).toEqual(['9', '38:42']),
        flat: (b: Hook) => expect(b.output).toEqual({ images: [expect.stringContaining('FluxPortrait_00001_.png')] }),
        none: (b: Hook) => expect(b).not.toHaveProperty('output'),
      }
      for (const [mode, check] of Object.entries(expectations)) {
        receiver.hooks.length = 0
        sim.faults.runcomfyWebhookOutputs = mode as keyof typeof expectations
        await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/${mode}`, false)), { overrides: {} })
        const [body] = bodies(await receiver.waitFor(hasWord('succeeded')))
        expect(body).not.toHaveProperty('outputs')
        check(body!)
      }
    })

    it('expires outputs after runcomfyOutputTtlMs', async () => {
      const sent = await submit(sim, inference('v2', IDS.productShotLora), { prompt: 'jar', width: 256, height: 256 })
      await pollUntil(sim, sent.status_url, finished)
      const [url] = ((await call(sim, sent.result_url)).body.output as { images: string[] }).images
      await png(url!)
      sim.faults.runcomfyOutputTtlMs = 0
      expect((await fetch(url!)).status).toBe(404)
      sim.faults.runcomfyOutputTtlMs = 3_600_000
      expect((await fetch(url!)).status).toBe(200)
      // The result still lists the URLs, as the real one does; only the files are gone.
      expect((await call(sim, sent.result_url)).body.status).toBe('succeeded')
    })
  })

  describe('webhook delivery', () => {
    it('retries a non-2xx answer with exponential backoff (1 s, 2 s, 4 s × timeScale)', async () => {
      receiver.failNext(500, 502, 503)
      await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/retry`, false)), { overrides: {} })
      const hooks = await receiver.waitFor(hasWord('succeeded'))
      expect(hooks.map((h) => [String((h.body as Hook).status), h.answered])).toEqual([
        ['succeeded', 500],
        ['succeeded', 502],
        ['succeeded', 503],
        ['succeeded', 200],
      ])
      const gaps = hooks.slice(1).map((h, i) => h.receivedAt - hooks[i]!.receivedAt)
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** i * FAST - 1))
      await statsSettle(sim, { webhookAttempts: 4, webhooksSent: 1, webhooksFailed: 0 })
    })

    it('gives up after 5 attempts and still delivers the next event', async () => {
      receiver.failNext(500, 500, 500, 500, 500)
      await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/give-up`)), { overrides: {} })
      await receiver.waitFor(hasWord('succeeded'))
      expect(words(receiver.hooks)).toEqual(['in_progress', 'succeeded'])
      expect(receiver.hooks).toHaveLength(7)
      await statsSettle(sim, { webhookAttempts: 7, webhooksSent: 2, webhooksFailed: 1 })
    })

    it('reports each attempt to onWebhookSent and the webhook log', async () => {
      const sent: string[] = []
      sim.onWebhookSent = (_id, status) => sent.push(status)
      const { request_id } = await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/log`)), { overrides: {} })
      await receiver.waitFor(hasWord('succeeded'))
      expect(sent).toEqual(['in_queue', 'in_progress', 'succeeded'])
      const log = (await call(sim, '/__sim/webhook-log')).body.attempts as { runId: string; status: string }[]
      expect(log.map((a) => [a.runId, a.status])).toEqual(sent.map((s) => [request_id, s]))
    })

    it('applies the shared knobs: duplicate, reorder, drop, withhold intermediate', async () => {
      sim.faults.duplicateWebhooks = true
      await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/dup`)), { overrides: {} })
      await receiver.waitFor(hasWord('succeeded', 2))
      expect(words(receiver.hooks)).toEqual(['in_queue', 'in_queue', 'in_progress', 'in_progress', 'succeeded', 'succeeded'])

      receiver.hooks.length = 0
      Object.assign(sim.faults, { duplicateWebhooks: false, reorderWebhooks: true })
      await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/ro`)), { overrides: {} })
      await receiver.waitFor((h) => h.length === 3)
      expect(words(receiver.hooks)).toEqual(['in_progress', 'in_queue', 'succeeded'])

      receiver.hooks.length = 0
      Object.assign(sim.faults, { reorderWebhooks: false, withholdWebhookIntermediate: true })
      await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/wh`)), { overrides: {} })
      await receiver.waitFor(hasWord('succeeded'))
      expect(words(receiver.hooks)).toEqual(['succeeded'])

      receiver.hooks.length = 0
      const dropped = sim.stats().webhooksDropped
      sim.faults.dropWebhooks = true
      const sent = await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/drop`)), { overrides: {} })
      await pollUntil(sim, sent.status_url, finished)
      expect(receiver.hooks).toEqual([])
      expect(sim.stats().webhooksDropped - dropped).toBe(1)
    })
  })

  describe('deployments API (v2)', () => {
    it('lists the seeded deployments as a bare array with the §6 fields', async () => {
      const res = await call(sim, '/prod/v2/deployments')
      expect(res.status).toBe(200)
      const list = res.body as unknown as Record<string, unknown>[]
      expect(Array.isArray(list)).toBe(true)
      expect(list.map((d) => d.name)).toEqual(['Flux Portrait', 'Product Shot LoRA', 'Broken Graph', 'Disabled'])
      for (const d of list) {
        expect(Object.keys(d)).toEqual([
          'id',
          'name',
          'workflow_id',
          'workflow_version',
          'hardware',
          'min_instances',
          'max_instances',
          'queue_size',
          'keep_warm_duration_in_seconds',
          'status',
          'is_enabled',
          'updated_at',
        ])
      }
      expect(list.find((d) => d.id === IDS.disabled)).toMatchObject({ is_enabled: false })

      const some = await call(sim, `/prod/v2/deployments?ids=${IDS.brokenGraph}&ids=${IDS.fluxPortrait}&ids=${UNKNOWN}`)
      expect((some.body as unknown as { id: string }[]).map((d) => d.id)).toEqual([IDS.fluxPortrait, IDS.brokenGraph])
      const comma = await call(sim, `/prod/v2/deployments?ids=${IDS.disabled},${IDS.productShotLora}`)
      expect((comma.body as unknown as { id: string }[]).map((d) => d.id)).toEqual([IDS.productShotLora, IDS.disabled])
    })

    it('includes=payload adds the graph, default overrides and an object_info_url that serves types and enums', async () => {
      const list = (await call(sim, '/prod/v2/deployments?includes=payload')).body as unknown as Record<string, unknown>[]
      const lora = list.find((d) => d.id === IDS.productShotLora)!
      expect(lora).toMatchObject({ workflow_api_json: null, overrides: null, object_info_url: null })

      const one = (await call(sim, `/prod/v2/deployments/${IDS.fluxPortrait}?includes=payload&includes=readme`)).body
      expect(Object.keys(one).slice(-4)).toEqual(['workflow_api_json', 'overrides', 'object_info_url', 'readme'])
      const graph = one.workflow_api_json as Record<string, { class_type: string; inputs: Record<string, unknown> }>
      expect(Object.fromEntries(Object.entries(graph).map(([id, n]) => [id, n.class_type]))).toEqual({
        '3': 'KSampler',
        '4': 'CheckpointLoaderSimple',
        '5': 'EmptyLatentImage',
        '6': 'CLIPTextEncode',
        '7': 'CLIPTextEncode',
        '8': 'VAEDecode',
        '9': 'SaveImage',
        '10': 'LoadImage',
        '38:41': 'PrimitiveStringMultiline',
        '38:42': 'PreviewAny',
      })
      expect(graph['3']!.inputs).toMatchObject({ model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] })
      expect(one.overrides).toMatchObject({ '6': { inputs: { text: expect.any(String) } }, '3': { inputs: { seed: 42, steps: 20 } } })
      expect(list.find((d) => d.id === IDS.fluxPortrait)!.workflow_api_json).toEqual(graph)

      const url = one.object_info_url as string
      expect(url).toBe(`${sim.url}/prod/v2/object_info`)
      const res = await fetch(url)
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text).toContain('"max":18446744073709551615')
      const info = JSON.parse(text) as Record<string, { input: { required: Record<string, [unknown, Record<string, unknown>?]> }; output_node: boolean }>
      for (const node of Object.values(graph)) expect(info).toHaveProperty(node.class_type)
      const ks = info.KSampler!.input.required
      expect(ks.steps).toEqual(['INT', expect.objectContaining({ default: 20, min: 1, max: 10000 })])
      expect(ks.cfg).toEqual(['FLOAT', expect.objectContaining({ min: 0, max: 100, step: 0.1 })])
      expect(ks.sampler_name![0]).toEqual(expect.arrayContaining(['euler', 'dpmpp_2m']))
      expect(ks.scheduler![0]).toEqual(expect.arrayContaining(['simple', 'karras']))
      expect(info.CLIPTextEncode!.input.required.text![0]).toBe('STRING')
      expect(info.SaveImage!.output_node).toBe(true)
    })
  })
})

describe('RunComfy simulator, real-time timeline', () => {
  // timeScale 1: in_queue lasts 0.9 s and in_progress 1.2 s, long enough to act on a request in a known state.
  let sim: Sim
  let receiver: WebhookReceiver
  beforeEach(async () => {
    sim = await startSim({ timeScale: 1 })
    receiver = await startWebhookReceiver()
  })
  afterEach(async () => {
    await sim.close()
    await receiver.close()
  })

  it('counts queue_position down, then reports in_progress with an instance_id', async () => {
    const sent = await submit(sim, inference('v2', IDS.fluxPortrait), { overrides: {} })
    const positions: number[] = []
    const running = await pollUntil(sim, sent.status_url, (b) => {
      if (b.status === 'in_queue') {
        expect(Object.keys(b)).toEqual(['request_id', 'status', 'queue_position', 'status_url', 'result_url'])
        if (positions.at(-1) !== b.queue_position) positions.push(b.queue_position as number)
      }
      return b.status !== 'in_queue'
    })
    expect(positions).toEqual([2, 1, 0])
    expect(running).toMatchObject({ status: 'in_progress', instance_id: expect.stringMatching(/^i-/) })
    expect(running).not.toHaveProperty('queue_position')
  })

  it('answers the in-flight status on /result until finished', async () => {
    const sent = await submit(sim, inference('v2', IDS.fluxPortrait), { overrides: {} })
    const early = (await call(sim, sent.result_url)).body
    expect(early).toEqual({ request_id: sent.request_id, status: 'in_queue', created_at: expect.stringMatching(MICROS) })
    await pollUntil(sim, sent.status_url, (b) => b.status === 'in_progress')
    expect((await call(sim, sent.result_url)).body).toEqual({ ...early, status: 'in_progress' })
  })

  it('cancels a queued request: cancelled outcome, status, result and a cancelled webhook', async () => {
    const sent = await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/c`)), { overrides: {} })
    const res = await call(sim, sent.cancel_url, { method: 'POST' })
    expect(res).toEqual({ status: 200, body: { request_id: sent.request_id, status: 'cancelled', outcome: 'cancelled' } })
    const hooks = await receiver.waitFor(hasWord('cancelled'))
    expect(words(hooks)).toEqual(['in_queue', 'cancelled'])
    const hook = bodies(hooks)[1]!
    expect(Object.keys(hook)).toEqual(['request_id', 'deployment_id', 'status', 'instance_id', 'created_at', 'started_at', 'finished_at'])
    expect(hook).toMatchObject({ instance_id: null, started_at: null, finished_at: expect.stringMatching(SECONDS_Z) })
    expect((await call(sim, sent.status_url)).body.status).toBe('cancelled')
    const result = (await call(sim, sent.result_url)).body
    expect(Object.keys(result)).toEqual(['request_id', 'status', 'created_at', 'finished_at'])
    expect(result.status).toBe('cancelled')
    expect(await call(sim, sent.cancel_url, { method: 'POST' })).toMatchObject({ body: { status: 'cancelled', outcome: 'not_cancellable' } })
    expect(sim.stats()).toMatchObject({ runsCancelled: 1, runsSucceeded: 0 })
  })

  it('spells it canceled under runcomfyCanceledSpelling', async () => {
    sim.faults.runcomfyCanceledSpelling = true
    const sent = await submit(sim, inference('v1', IDS.fluxPortrait, hookQuery(`${receiver.url}/c1`, false)), { overrides: {} })
    expect((await call(sim, sent.cancel_url, { method: 'POST' })).body).toEqual({ request_id: sent.request_id, status: 'canceled', outcome: 'cancelled' })
    const hooks = await receiver.waitFor(hasWord('canceled'))
    expect(words(hooks)).toEqual(['canceled'])
    expect((await call(sim, sent.status_url)).body.status).toBe('canceled')
    expect((await call(sim, sent.result_url)).body.status).toBe('canceled')
  })

  it('answers not_cancellable while in_progress and after the end', async () => {
    const sent = await submit(sim, inference('v2', IDS.brokenGraph), { overrides: {} })
    await pollUntil(sim, sent.status_url, (b) => b.status === 'in_progress')
    expect((await call(sim, sent.cancel_url, { method: 'POST' })).body).toEqual({ request_id: sent.request_id, status: 'in_progress', outcome: 'not_cancellable' })
    await pollUntil(sim, sent.status_url, finished)
    expect((await call(sim, sent.cancel_url, { method: 'POST' })).body).toEqual({ request_id: sent.request_id, status: 'completed', outcome: 'not_cancellable' })
    expect((await call(sim, sent.result_url)).body.status).toBe('failed')
  })

  it('runcomfyCancelRequested: cancellation_requested, then cancelled a moment later', async () => {
    sim.faults.runcomfyCancelRequested = true
    const sent = await submit(sim, inference('v2', IDS.fluxPortrait, hookQuery(`${receiver.url}/cr`)), { overrides: {} })
    await receiver.waitFor(hasWord('in_progress'))
    expect((await call(sim, sent.cancel_url, { method: 'POST' })).body).toEqual({ request_id: sent.request_id, status: 'cancellation_requested' })
    expect((await call(sim, sent.status_url)).body.status).toBe('in_progress')
    const hooks = await receiver.waitFor(hasWord('cancelled'))
    expect(words(hooks)).toEqual(['in_queue', 'in_progress', 'cancelled'])
    const hook = bodies(hooks)[2]!
    expect(hook.instance_id).toMatch(/^i-/)
    expect(hook.started_at).toMatch(SECONDS_Z)
    expect((await call(sim, sent.status_url)).body.status).toBe('cancelled')
    expect((await call(sim, sent.result_url)).body).not.toHaveProperty('outputs')
  })
})
