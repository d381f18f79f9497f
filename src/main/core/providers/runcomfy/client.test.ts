import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../types'
import { INLINE_FILE_LIMIT, RunComfyClient, toRunComfyUsage } from './client'
import { OBJECT_INFO_JSON, SEED_LORA_BODY, SEED_WEBHOOK_QUERY, SEED_WEBHOOK_URL, SPEC_EXAMPLES, WORKFLOW_API_JSON } from './fixtures'

interface Seen {
  method: string
  url: string
  authorization: string | undefined
  contentType: string | undefined
  body: unknown
}
interface Reply {
  status?: number
  body?: unknown
  /** Raw text instead of JSON. */
  text?: string
  headers?: Record<string, string>
}
type Handler = (req: Seen) => Reply

/** A scripted stand-in for RunComfy on 127.0.0.1: each test says how it answers and reads what it received. */
class FakeRunComfy {
  readonly seen: Seen[] = []
  handler: Handler = () => ({ status: 500, body: { error_code: 500001, error_message: 'no handler' } })
  private server: Server | null = null
  url = ''

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const seen: Seen = {
          method: req.method ?? '',
          url: req.url ?? '',
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          body: text ? (JSON.parse(text) as unknown) : undefined,
        }
        this.seen.push(seen)
        const reply = this.handler(seen)
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
        res.end(reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)))
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  paths(): string[] {
    return this.seen.map((s) => `${s.method} ${s.url}`)
  }
}

/** A router answering `/prod/v2` (and, unless `v2Only`, `/prod/v1`) routes from a table, 404 `{detail}` otherwise. */
function routes(table: Record<string, Reply | ((req: Seen) => Reply)>): Handler {
  return (req) => {
    const key = `${req.method} ${req.url}`
    const entry = table[key]
    if (entry) return typeof entry === 'function' ? entry(req) : entry
    return { status: 404, body: { detail: 'Not Found' } }
  }
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ProviderError) return error
    throw error
  }
  throw new Error('did not reject')
}

const COMFY_ID = 'a1b2c3d4-0000-4000-8000-00000000c0f1'
const LORA_ID = 'a1b2c3d4-0000-4000-8000-0000000010ra'
const R = 'f0e1d2c3-1111-4222-8333-444455556666'
const req = (prefix: string, deployment: string, tail: string) => `${prefix}/deployments/${deployment}/requests/${R}/${tail}`

describe('RunComfyClient over HTTP (local fake on 127.0.0.1)', () => {
  let api: FakeRunComfy
  let client: RunComfyClient

  beforeEach(async () => {
    api = await new FakeRunComfy().start()
    client = new RunComfyClient({ baseUrl: `${api.url}/`, apiKey: 'rc-key', timeoutMs: 5_000, allowLoopbackMedia: true })
  })
  afterEach(async () => {
    await api.close()
  })

  it('has the identity the registry and hook routes expect', () => {
    expect([client.id, client.label, client.demo, client.hookFamily, client.allowLoopbackMedia]).toEqual(['runcomfy', 'RunComfy', false, 'runcomfy', true])
    expect(new RunComfyClient({ baseUrl: 'https://api.runcomfy.net', apiKey: 'k' }).allowLoopbackMedia).toBe(false)
  })

  describe('listDeployments', () => {
    it('reads the §11 bare array: a deployment without a graph is LoRA, with no fields and a note', async () => {
      api.handler = routes({ 'GET /prod/v2/deployments?includes=payload': { body: SPEC_EXAMPLES.deployments } })
      const [deployment, ...rest] = await client.listDeployments()
      expect(rest).toEqual([])
      expect(deployment).toMatchObject({ id: 'D', name: 'lighthouse-flux', provider: 'runcomfy', inputs: [], hardware: 'AMPERE_48' })
      expect(deployment?.description).toMatch(/^LoRA deployment on AMPERE_48 \(standby\)\. /)
      expect(deployment?.description).toMatch(/API tab.*field names/)
      expect(api.seen[0]?.authorization).toBe('Bearer rc-key')
    })

    it('builds ComfyUI forms from the payload, fetching object_info once per URL with the token on the same origin', async () => {
      const comfy = {
        id: COMFY_ID,
        name: 'txt2img',
        workflow_version: 3,
        hardware: ['AMPERE_48'],
        status: 'ready',
        is_enabled: false,
        payload: { workflow_api_json: WORKFLOW_API_JSON, overrides: { '6': { inputs: { text: 'a lighthouse' } } }, object_info_url: '/files/object_info.json' },
      }
      api.handler = routes({
        'GET /prod/v2/deployments?includes=payload': { body: { data: [comfy, { name: 'no id' }] } },
        'GET /files/object_info.json': { text: OBJECT_INFO_JSON },
      })
      const [deployment] = await client.listDeployments()
      expect(deployment?.description).toBe('(disabled) ComfyUI workflow 3 on AMPERE_48 (ready).')
      expect(deployment?.inputs[0]).toMatchObject({ id: '6.text', label: 'Prompt', kind: 'prompt', defaultValue: 'a lighthouse' })
      expect(deployment?.inputs.find((f) => f.id === '3.sampler_name')?.kind).toBe('enum')
      await client.listDeployments()
      expect(api.paths().filter((p) => p.includes('object_info'))).toEqual(['GET /files/object_info.json'])
      expect(api.seen.find((s) => s.url.includes('object_info'))?.authorization).toBe('Bearer rc-key')
    })

    it('sends no token to an object_info URL on another host', async () => {
      const storage = await new FakeRunComfy().start()
      try {
        storage.handler = () => ({ text: OBJECT_INFO_JSON })
        api.handler = routes({
          'GET /prod/v2/deployments?includes=payload': {
            body: { deployments: [{ id: COMFY_ID, name: 'x', workflow_api_json: WORKFLOW_API_JSON, object_info_url: `${storage.url}/oi.json?sig=1` }] },
          },
        })
        const [deployment] = await client.listDeployments()
        expect(deployment?.inputs.find((f) => f.id === '3.scheduler')?.kind).toBe('enum')
        expect(storage.seen).toHaveLength(1)
        expect(storage.seen[0]?.authorization).toBeUndefined()
      } finally {
        await storage.close()
      }
    })

    it('infers the form when object_info cannot be read, and tries again on the next listing', async () => {
      api.handler = routes({
        'GET /prod/v2/deployments?includes=payload': { body: [{ id: COMFY_ID, name: 'x', workflow_api_json: WORKFLOW_API_JSON, object_info_url: '/gone.json' }] },
      })
      const [deployment] = await client.listDeployments()
      expect(deployment?.description).toMatch(/guessed from the saved values/)
      expect(deployment?.inputs.find((f) => f.id === '3.sampler_name')?.kind).toBe('text')
      await client.listDeployments()
      expect(api.paths().filter((p) => p.includes('gone'))).toHaveLength(2)
    })

    it('keeps a deployment whose display fields have unexpected types', async () => {
      api.handler = routes({
        'GET /prod/v2/deployments?includes=payload': { body: [{ id: 'D', name: 7, hardware: [{ sku: 'x' }], is_enabled: 'yes', payload: 'none' }] },
      })
      expect(await client.listDeployments()).toMatchObject([{ id: 'D', name: 'D', inputs: [] }])
    })

    it('refuses a reply that is no list, and one whose every entry is unusable', async () => {
      api.handler = routes({ 'GET /prod/v2/deployments?includes=payload': { body: { items: 'nope' } } })
      expect((await rejection(client.listDeployments())).code).toBe('PROVIDER_BAD_REPLY')
      api.handler = routes({ 'GET /prod/v2/deployments?includes=payload': { body: [{ name: 'no id' }] } })
      expect((await rejection(client.listDeployments())).code).toBe('PROVIDER_BAD_REPLY')
    })

    it('maps 401001 to PROVIDER_AUTH with advice', async () => {
      api.handler = () => ({ status: 401, body: { error_code: 401001, error_message: 'Unauthorized' } })
      const error = await rejection(client.listDeployments())
      expect([error.code, error.message, error.details.status]).toEqual(['PROVIDER_AUTH', 'RunComfy refused the API token (401001): check it in Settings', 401])
    })
  })

  describe('queue', () => {
    const submitted = { body: SPEC_EXAMPLES.submitReply }

    it('sends ComfyUI overrides with the webhook URL-encoded in the query (§11) and returns request_id', async () => {
      api.handler = routes({ [`POST /prod/v2/deployments/${COMFY_ID}/inference?${SPEC_EXAMPLES.submitQuery}`]: submitted })
      const { providerRunId } = await client.queue({
        deploymentId: COMFY_ID,
        inputs: { '6.text': 'a lighthouse at dusk', '3.seed': 123456, '3.steps': 28, '10.image': 'https://example.com/ref.png' },
        webhookUrl: SPEC_EXAMPLES.submitWebhookUrl,
      })
      expect(providerRunId).toBe('R')
      expect(api.seen[0]).toMatchObject({ method: 'POST', authorization: 'Bearer rc-key', contentType: 'application/json', body: SPEC_EXAMPLES.submitBody })
    })

    it('sends a LoRA deployment its flat body (seed 002) once the listing said it is LoRA', async () => {
      api.handler = routes({
        'GET /prod/v2/deployments?includes=payload': { body: [{ id: LORA_ID, name: 'warm-lora' }] },
        [`POST /prod/v2/deployments/${LORA_ID}/inference?${SEED_WEBHOOK_QUERY}`]: submitted,
      })
      await client.listDeployments()
      const inputs = SEED_LORA_BODY as Record<string, string | number>
      await client.queue({ deploymentId: LORA_ID, inputs, webhookUrl: SEED_WEBHOOK_URL })
      expect(api.seen[1]?.body).toEqual(SEED_LORA_BODY)
    })

    it('guesses the body from the keys when the deployment was never listed; no webhook, no query', async () => {
      api.handler = routes({
        [`POST /prod/v2/deployments/${LORA_ID}/inference`]: submitted,
        [`POST /prod/v2/deployments/${COMFY_ID}/inference`]: submitted,
      })
      await client.queue({ deploymentId: LORA_ID, inputs: { prompt: 'x', seed: 1 }, webhookUrl: null })
      await client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: null })
      expect(api.seen.map((s) => s.body)).toEqual([{ prompt: 'x', seed: 1 }, { overrides: {} }])
    })

    it('keeps a webhook URL with its own query intact inside the encoded parameter', async () => {
      api.handler = (seen) => ({ body: { request_id: 'R' }, status: seen.method === 'POST' ? 200 : 404 })
      await client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: 'https://t.example/hooks/runcomfy/tok?a=1&b=2' })
      const url = new URL(api.seen[0]!.url, api.url)
      expect(url.searchParams.get('webhook')).toBe('https://t.example/hooks/runcomfy/tok?a=1&b=2')
      expect(url.searchParams.get('webhook_intermediate_status')).toBe('true')
      expect([...url.searchParams.keys()]).toEqual(['webhook', 'webhook_intermediate_status'])
    })

    it('refuses a ComfyUI input that is not nodeId.inputName before calling anyone', async () => {
      api.handler = routes({ 'GET /prod/v2/deployments?includes=payload': { body: [{ id: COMFY_ID, workflow_api_json: WORKFLOW_API_JSON }] } })
      await client.listDeployments()
      const error = await rejection(client.queue({ deploymentId: COMFY_ID, inputs: { prompt: 'x' }, webhookUrl: null }))
      expect([error.code, error.details.field]).toEqual(['PROVIDER_VALIDATION', 'prompt'])
      expect(api.seen.filter((s) => s.method === 'POST')).toEqual([])
    })

    it('is never retried, not even on a 500 / 500001 or a 503 with Retry-After', async () => {
      api.handler = () => ({ status: 500, body: { error_code: 500001, error_message: 'Internal Error' } })
      expect((await rejection(client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: null }))).code).toBe('PROVIDER_UNAVAILABLE')
      expect(api.seen).toHaveLength(1)
      api.handler = () => ({ status: 503, headers: { 'retry-after': '0' }, body: {} })
      await rejection(client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: null }))
      expect(api.seen).toHaveLength(2)
    })

    it('treats HTTP 200 carrying error_code as an error (10001 → PROVIDER_REFUSED), without retrying', async () => {
      api.handler = () => ({ status: 200, body: { error_code: 10001, error_message: 'InsufficientFunds' } })
      const error = await rejection(client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: null }))
      expect(error.code).toBe('PROVIDER_REFUSED')
      expect(error.message).toMatch(/insufficient funds/)
      expect(api.seen).toHaveLength(1)
    })

    it('reports a 422001 with the field the detail names', async () => {
      api.handler = () => ({ status: 422, body: SPEC_EXAMPLES.validation422 })
      const error = await rejection(client.queue({ deploymentId: COMFY_ID, inputs: { '6.txt': 'x' }, webhookUrl: null }))
      expect([error.code, error.details.field]).toEqual(['PROVIDER_VALIDATION', '6.txt'])
    })

    it('refuses a 200 without request_id', async () => {
      api.handler = () => ({ body: { status_url: 'x' } })
      expect((await rejection(client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: null }))).code).toBe('PROVIDER_BAD_REPLY')
    })
  })

  describe('/prod/v2 → /prod/v1 fallback', () => {
    it('falls back when v2 is an unknown route and remembers v1 for that kind of call only', async () => {
      api.handler = routes({
        [`POST /prod/v1/deployments/${COMFY_ID}/inference`]: { body: { request_id: R } },
        [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: { body: { request_id: R, status: 'in_queue' } },
      })
      await client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: null })
      await client.queue({ deploymentId: COMFY_ID, inputs: {}, webhookUrl: null })
      await client.getRun(R, COMFY_ID)
      expect(api.paths()).toEqual([
        `POST /prod/v2/deployments/${COMFY_ID}/inference`,
        `POST /prod/v1/deployments/${COMFY_ID}/inference`,
        `POST /prod/v1/deployments/${COMFY_ID}/inference`,
        `GET ${req('/prod/v2', COMFY_ID, 'status')}`,
      ])
      expect(client.prefixFor('inference')).toBe('/prod/v1')
      expect(client.prefixFor('status')).toBe('/prod/v2')
    })

    it('does not fall back on RunComfy\'s own 404001: the resource is unknown, not the prefix', async () => {
      api.handler = () => ({ status: 404, body: { error_code: 404001, error_message: 'Not Found' } })
      const error = await rejection(client.getRun(R, COMFY_ID))
      expect(error.code).toBe('PROVIDER_NOT_FOUND')
      expect(error.message).toMatch(/404001/)
      expect(api.seen).toHaveLength(1)
    })

    it('says to check the base URL when neither prefix exists', async () => {
      api.handler = () => ({ status: 404, text: '<html>nope</html>' })
      const error = await rejection(client.cancel(R, COMFY_ID))
      expect(error.code).toBe('PROVIDER_NOT_FOUND')
      expect(error.message).toMatch(/neither \/prod\/v2 nor \/prod\/v1.*base URL/)
      expect(api.paths()).toEqual([`POST ${req('/prod/v2', COMFY_ID, 'cancel')}`, `POST ${req('/prod/v1', COMFY_ID, 'cancel')}`])
    })

    it('lists deployments on v2 only', async () => {
      api.handler = () => ({ status: 404, body: { detail: 'Not Found' } })
      await rejection(client.listDeployments())
      expect(api.paths()).toEqual(['GET /prod/v2/deployments?includes=payload'])
    })
  })

  describe('getRun', () => {
    const status = (body: unknown): Reply => ({ body })

    it('in_queue → queued with the position, and no /result call', async () => {
      api.handler = routes({ [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusInQueue) })
      expect(await client.getRun(R, COMFY_ID)).toEqual({ rawStatus: 'in_queue', status: 'queued', liveStatus: 'In queue: position 2', outputs: [] })
      expect(api.seen).toHaveLength(1)
    })

    it('in_progress → running on the instance, no progress number', async () => {
      api.handler = routes({ [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusInProgress) })
      const snap = await client.getRun(R, COMFY_ID)
      expect(snap).toEqual({ rawStatus: 'in_progress', status: 'running', liveStatus: 'Running on i-7d2c9b41', outputs: [] })
      expect('progress' in snap).toBe(false)
    })

    it('completed → asks /result: succeeded with outputs', async () => {
      api.handler = routes({
        [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusCompleted),
        [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status(SPEC_EXAMPLES.resultSucceeded),
      })
      const snap = await client.getRun(R, COMFY_ID)
      expect(snap.status).toBe('succeeded')
      expect(snap.outputs.map((o) => o.url)).toEqual(['https://serverless-api-storage.runcomfy.net/o/ComfyUI_00001_.png'])
    })

    it('completed → asks /result: failed with its message', async () => {
      api.handler = routes({
        [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusCompleted),
        [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status(SPEC_EXAMPLES.resultFailed),
      })
      expect(await client.getRun(R, COMFY_ID)).toMatchObject({ status: 'failed', error: { code: 'RUN_FAILED', message: 'KSampler: CUDA out of memory' } })
    })

    it('canceled (one L) → cancelled, even when there is no result to read', async () => {
      api.handler = routes({
        [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status({ request_id: R, status: 'canceled' }),
        [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: { status: 404, body: { error_code: 404001, error_message: 'Not Found' } },
      })
      // Cancelled while queued: no GPU ran for it, so it used nothing.
      expect(await client.getRun(R, COMFY_ID)).toEqual({ rawStatus: 'canceled', status: 'cancelled', outputs: [], usage: null })
    })

    describe('usage (issue 17)', () => {
      const deployment = (hardware: unknown): Reply => ({ body: { id: COMFY_ID, name: 'txt2img', hardware } })

      it('prices an ended request from created_at to finished_at on the SKU, looking the deployment up once', async () => {
        api.handler = routes({
          [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusCompleted),
          [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status(SPEC_EXAMPLES.resultSucceeded),
          [`GET /prod/v2/deployments/${COMFY_ID}`]: deployment(['AMPERE_48']),
        })
        // §11: 10:00:00.412731 → 10:08:30.095112, read to the millisecond.
        const usage = { gpu: 'AMPERE_48', seconds: 509.683, executionOnly: false, sessionId: null }
        expect((await client.getRun(R, COMFY_ID)).usage).toEqual(usage)
        expect((await client.getRun(R, COMFY_ID)).usage).toEqual(usage)
        expect(api.paths().filter((path) => path === `GET /prod/v2/deployments/${COMFY_ID}`)).toHaveLength(1)
      })

      it('prices failed requests too, with the SKU a listing already gave (no lookup)', async () => {
        api.handler = routes({
          'GET /prod/v2/deployments?includes=payload': { body: [{ id: COMFY_ID, name: 'x', hardware: ['ADA_48_PLUS'] }] },
          [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusCompleted),
          [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status(SPEC_EXAMPLES.resultFailed),
        })
        await client.listDeployments()
        expect((await client.getRun(R, COMFY_ID)).usage).toEqual({ gpu: 'ADA_48_PLUS', seconds: 131.088, executionOnly: false, sessionId: null })
        expect(api.paths().some((path) => path === `GET /prod/v2/deployments/${COMFY_ID}`)).toBe(false)
      })

      it('keeps the seconds without a SKU when the lookup fails, and tries it again next time', async () => {
        let lookups = 0
        api.handler = routes({
          [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusCompleted),
          [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status(SPEC_EXAMPLES.resultSucceeded),
          [`GET /prod/v2/deployments/${COMFY_ID}`]: () => (++lookups === 1 ? { status: 404, body: { error_code: 404001, error_message: 'Not Found' } } : deployment('AMPERE_24')),
        })
        expect((await client.getRun(R, COMFY_ID)).usage).toMatchObject({ gpu: null, seconds: 509.683 })
        expect((await client.getRun(R, COMFY_ID)).usage).toMatchObject({ gpu: 'AMPERE_24', seconds: 509.683 })
      })

      it('gives no usage for bad timings, and never throws for them', async () => {
        api.handler = routes({
          [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusCompleted),
          [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status({ ...SPEC_EXAMPLES.resultSucceeded, created_at: 42, finished_at: 'soon' }),
          [`GET /prod/v2/deployments/${COMFY_ID}`]: deployment(['AMPERE_48']),
        })
        const snap = await client.getRun(R, COMFY_ID)
        expect(snap.status).toBe('succeeded')
        expect(snap.usage).toBeNull()
      })

      it('a request cancelled after it started is priced; one cancelled in the queue is not', async () => {
        const cancelled = { request_id: R, status: 'cancelled', created_at: '2025-11-18T10:00:00Z', finished_at: '2025-11-18T10:00:30Z' }
        api.handler = routes({
          [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status({ request_id: R, status: 'cancelled', instance_id: 'i-1' }),
          [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status(cancelled),
          [`GET /prod/v2/deployments/${COMFY_ID}`]: deployment(['AMPERE_48']),
        })
        expect((await client.getRun(R, COMFY_ID)).usage).toEqual({ gpu: 'AMPERE_48', seconds: 30, executionOnly: false, sessionId: null })
        api.handler = routes({
          [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status({ request_id: R, status: 'cancelled' }),
          [`GET ${req('/prod/v2', COMFY_ID, 'result')}`]: status(cancelled),
        })
        expect((await client.getRun(R, COMFY_ID)).usage).toBeNull()
      })

      it('no usage while the request is still under way', async () => {
        api.handler = routes({ [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.statusInProgress) })
        expect('usage' in (await client.getRun(R, COMFY_ID))).toBe(false)
      })
    })

    it('cancellation_requested → no opinion yet', async () => {
      api.handler = routes({ [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status(SPEC_EXAMPLES.cancelRequested) })
      expect(await client.getRun(R, COMFY_ID)).toMatchObject({ status: null, liveStatus: 'Cancellation requested' })
    })

    it('retries a GET on 503 (Retry-After honoured) and on a 200 carrying 500001', async () => {
      let calls = 0
      api.handler = routes({
        [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: () =>
          ++calls === 1
            ? { status: 503, headers: { 'retry-after': '0' }, body: { detail: 'busy' } }
            : calls === 2
              ? { status: 200, headers: { 'retry-after': '0' }, body: { error_code: 500001, error_message: 'Internal Error' } }
              : { body: SPEC_EXAMPLES.statusInQueue },
      })
      expect((await client.getRun(R, COMFY_ID)).status).toBe('queued')
      expect(calls).toBe(3)
    })

    it('tolerates odd cosmetic fields and refuses a reply without status', async () => {
      api.handler = routes({ [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status({ status: 'in_queue', queue_position: 'soon', instance_id: { x: 1 } }) })
      const snap = await client.getRun(R, COMFY_ID)
      expect(snap).toEqual({ rawStatus: 'in_queue', status: 'queued', outputs: [] })
      api.handler = routes({ [`GET ${req('/prod/v2', COMFY_ID, 'status')}`]: status({ request_id: R }) })
      expect((await rejection(client.getRun(R, COMFY_ID))).code).toBe('PROVIDER_BAD_REPLY')
    })

    it('escapes ids in paths', async () => {
      api.handler = () => ({ body: { status: 'in_queue' } })
      await client.getRun('a/b', 'd?x')
      expect(api.seen[0]?.url).toBe('/prod/v2/deployments/d%3Fx/requests/a%2Fb/status')
    })
  })

  describe('balance', () => {
    it('reads balance_usd from /prod/v2/balance with the token', async () => {
      api.handler = routes({ 'GET /prod/v2/balance': { body: { balance_usd: 12.34, currency: 'USD' } } })
      expect(await client.balance()).toBe(12.34)
      expect(api.seen[0]?.authorization).toBe('Bearer rc-key')
    })

    it('reads a numeric string, and refuses a reply without a number', async () => {
      api.handler = routes({ 'GET /prod/v2/balance': { body: { balance_usd: '7.50', currency: 'USD' } } })
      expect(await client.balance()).toBe(7.5)
      api.handler = routes({ 'GET /prod/v2/balance': { body: { balance: 7.5 } } })
      expect((await rejection(client.balance())).code).toBe('PROVIDER_BAD_REPLY')
    })

    it('maps a refused token to PROVIDER_AUTH, also when it comes with HTTP 200', async () => {
      api.handler = routes({ 'GET /prod/v2/balance': { status: 401, body: { error_code: 401001, error_message: 'Unauthorized' } } })
      expect((await rejection(client.balance())).code).toBe('PROVIDER_AUTH')
      api.handler = routes({ 'GET /prod/v2/balance': { body: { error_code: 401001, error_message: 'Unauthorized' } } })
      expect((await rejection(client.balance())).code).toBe('PROVIDER_AUTH')
    })
  })

  describe('cancel', () => {
    const path = `POST ${req('/prod/v2', COMFY_ID, 'cancel')}`

    it('accepts outcome cancelled and cancellation_requested; the poller confirms', async () => {
      api.handler = routes({ [path]: { body: SPEC_EXAMPLES.cancelAccepted } })
      await expect(client.cancel(R, COMFY_ID)).resolves.toBeUndefined()
      api.handler = routes({ [path]: { body: SPEC_EXAMPLES.cancelRequested } })
      await expect(client.cancel(R, COMFY_ID)).resolves.toBeUndefined()
      api.handler = routes({ [path]: { text: '' } })
      await expect(client.cancel(R, COMFY_ID)).resolves.toBeUndefined()
      expect(api.seen.every((s) => s.body === undefined && s.authorization === 'Bearer rc-key')).toBe(true)
    })

    it('refuses not_cancellable as a conflict', async () => {
      api.handler = routes({ [path]: { body: SPEC_EXAMPLES.cancelRefused } })
      const error = await rejection(client.cancel(R, COMFY_ID))
      expect([error.code, error.message]).toEqual(['CONFLICT', 'RunComfy cannot cancel a request that is already running or finished'])
    })
  })
})

describe('prepareFile', () => {
  const client = new RunComfyClient({ baseUrl: 'https://api.runcomfy.net', apiKey: 'k' })

  it('inlines a file as a data URI', async () => {
    expect(await client.prepareFile({ fileName: 'a.png', mime: 'image/png', bytes: Buffer.from('hello') })).toBe('data:image/png;base64,aGVsbG8=')
    expect(await client.prepareFile({ fileName: 'a', mime: 'bad mime', bytes: Buffer.from('x') })).toBe('data:application/octet-stream;base64,eA==')
  })

  it('refuses more than 20 MiB and says to use a public URL', async () => {
    const error = await rejection(client.prepareFile({ fileName: 'big.mp4', mime: 'video/mp4', bytes: Buffer.alloc(INLINE_FILE_LIMIT + 1) }))
    expect(error.code).toBe('PROVIDER_VALIDATION')
    expect(error.message).toMatch(/big\.mp4 is 20\.0 MiB.*public HTTPS URL/)
    await expect(client.prepareFile({ fileName: 'ok', mime: 'video/mp4', bytes: Buffer.alloc(INLINE_FILE_LIMIT) })).resolves.toMatch(/^data:video\/mp4;base64,/)
  })
})

describe('toRunComfyUsage', () => {
  const times = { created_at: '2025-11-18T10:00:00Z', started_at: '2025-11-18T10:01:12Z', finished_at: '2025-11-18T10:08:30Z' }

  it('prefers created → finished (queue and cold start included), else started → finished (execution only)', () => {
    expect(toRunComfyUsage(times, 'AMPERE_48')).toEqual({ gpu: 'AMPERE_48', seconds: 510, executionOnly: false, sessionId: null })
    expect(toRunComfyUsage({ ...times, created_at: null }, null)).toEqual({ gpu: null, seconds: 438, executionOnly: true, sessionId: null })
  })

  it('gives null without an end, with times that run backwards, or for a request that never started', () => {
    expect(toRunComfyUsage({ created_at: times.created_at }, 'X')).toBeNull()
    expect(toRunComfyUsage({ created_at: times.finished_at, finished_at: times.created_at }, 'X')).toBeNull()
    expect(toRunComfyUsage({ created_at: times.created_at, finished_at: times.finished_at }, 'X', { neverStarted: true })).toBeNull()
    expect(toRunComfyUsage('not an object', 'X')).toBeNull()
  })
})
