/**
 * Contract: every ComfyDeploy example payload of the provider notes (comfydeploy.md §12, seeds 000/001),
 * through the client's own parsers, to the normalized values the rest of the app relies on. Unknown extra
 * fields are tolerated; a missing required field is refused with an error that names it.
 */
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import {
  ComfyDeployClient,
  describeComfyDeployError,
  parseComfyDeployWebhook,
  toCancelReply,
  toDeployment,
  toQueuedRunId,
  toRunSnapshot,
  toUploadedFile,
} from '../../src/main/core/providers/comfydeploy/client'
import { ProviderError, type WebhookHint } from '../../src/main/core/providers/types'
import * as cd from './fixtures/comfydeploy'

const IMAGE = { url: 'https://cdn.example.com/o/final_result_00001_.png', kind: 'image', filename: 'final_result_00001_.png' }

function hook(body: unknown): WebhookHint {
  const parsed = parseComfyDeployWebhook(body)
  if (!parsed.ok) throw new Error(`refused: ${parsed.error.message}`)
  return parsed.value
}

/** The same object with fields no document mentions, at the top and inside nested objects. */
function withExtras<T extends Record<string, unknown>>(body: T): T {
  const out: Record<string, unknown> = { ...body, x_future_field: { nested: [1, 2] }, another_new_flag: true }
  if (Array.isArray(body.outputs)) {
    out.outputs = body.outputs.map((o: Record<string, unknown>) => ({ ...o, new_output_meta: 'x', data: { ...(o.data as object), result: [true] } }))
  }
  return out as T
}

function thrown(fn: () => unknown): ProviderError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ProviderError) return error
    throw error
  }
  throw new Error('did not throw')
}

describe('ComfyDeploy contract: §12 replies', () => {
  it('the client sends the §12 queue request and reads its reply', async () => {
    let received: { method?: string; url?: string; auth?: string; body?: unknown } = {}
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received = { method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(cd.QUEUE_REPLY))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      const client = new ComfyDeployClient({ baseUrl: `http://127.0.0.1:${port}/api`, apiKey: 'key-1' })
      const queued = await client.queue({ deploymentId: 'D', inputs: cd.QUEUE_REQUEST.inputs, webhookUrl: cd.QUEUE_REQUEST.webhook })
      expect(queued).toEqual({ providerRunId: 'R' })
      expect(received).toEqual({ method: 'POST', url: '/api/run/deployment/queue', auth: 'Bearer key-1', body: cd.QUEUE_REQUEST })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('queue reply → the run id', () => {
    expect(toQueuedRunId(cd.QUEUE_REPLY)).toBe('R')
    expect(toQueuedRunId(withExtras(cd.QUEUE_REPLY))).toBe('R')
    expect(thrown(() => toQueuedRunId({})).message).toContain('"run_id" is missing')
  })

  it('GET run → a succeeded snapshot with its one image and what it used', () => {
    // §12's run: queued 10:00:31.004, ended 10:01:41.880 on an A10G, no GPU session named.
    const usage = { gpu: 'A10G', seconds: 70.876, executionOnly: false, sessionId: null }
    const expected = { rawStatus: 'success', status: 'succeeded', progress: 1, liveStatus: null, outputs: [IMAGE], usage }
    expect(toRunSnapshot(cd.GET_RUN)).toEqual(expected)
    expect(toRunSnapshot(withExtras(cd.GET_RUN))).toEqual(expected)
  })

  it('GET run variants: queued with a queue position, running, failed', () => {
    expect(toRunSnapshot({ ...cd.GET_RUN, status: 'not-started', progress: 0, outputs: [], queue_position: 3 })).toMatchObject({
      status: 'queued',
      progress: 0,
      // queue_position counts the runs ahead of this one.
      liveStatus: 'In queue: position 4',
      outputs: [],
    })
    expect(toRunSnapshot({ ...cd.GET_RUN, status: 'running', live_status: 'Executing KSampler', progress: 0.45, outputs: [] })).toMatchObject({
      status: 'running',
      progress: 0.45,
      liveStatus: 'Executing KSampler',
    })
    expect(toRunSnapshot({ ...cd.GET_RUN, status: 'failed', live_status: 'Executing VAEDecode', outputs: [] })).toMatchObject({
      status: 'failed',
      error: { code: 'RUN_FAILED', message: 'failed while Executing VAEDecode' },
    })
  })

  it('GET run without id (or status) is refused, naming the field', () => {
    const { id: _id, ...noId } = cd.GET_RUN
    const error = thrown(() => toRunSnapshot(noId))
    expect(error.code).toBe('PROVIDER_BAD_REPLY')
    expect(error.message).toBe('unexpected run: "id" is missing')
    const { status: _status, ...noStatus } = cd.GET_RUN
    expect(thrown(() => toRunSnapshot(noStatus)).message).toContain('"status" is missing')
  })

  it('deployment → a form with prompt, slider steps and an image', () => {
    const expected = {
      id: 'D',
      name: 'lighthouse-sdxl',
      provider: 'comfydeploy',
      description: '',
      customForm: false,
      inputs: [
        { id: 'positive_prompt', label: 'Prompt', kind: 'prompt', description: '', defaultValue: 'a cat', required: false },
        { id: 'steps', label: 'Steps', kind: 'integer', description: '', defaultValue: 25, min: 1, max: 60, step: 1, slider: true, required: false },
        { id: 'input_image', label: 'Reference', kind: 'image', description: '', defaultValue: null, required: false },
      ],
    }
    expect(toDeployment(cd.DEPLOYMENT, 'comfydeploy')).toEqual(expected)
    const extra = withExtras({ ...cd.DEPLOYMENT, input_types: cd.DEPLOYMENT.input_types.map((i) => ({ ...i, default_value_url: null, options: {} })) })
    expect(toDeployment(extra, 'comfydeploy')).toEqual(expected)
    const { id: _id, ...noId } = cd.DEPLOYMENT
    expect(thrown(() => toDeployment(noId, 'comfydeploy')).message).toContain('"id" is missing')
    const noInputId = { ...cd.DEPLOYMENT, input_types: [{ type: 'string', class_type: 'ComfyUIDeployExternalText' }] }
    expect(thrown(() => toDeployment(noInputId, 'comfydeploy')).message).toContain('"input_types.0.input_id" is missing')
  })

  it('upload reply → the file URL', () => {
    const expected = { fileId: 'img_k3J9xQ2mP7aB4cD1', fileName: 'ref.png', url: cd.UPLOAD_REPLY.file_url }
    expect(toUploadedFile(cd.UPLOAD_REPLY)).toEqual(expected)
    expect(toUploadedFile(withExtras(cd.UPLOAD_REPLY))).toEqual(expected)
    const { file_url: _url, ...noUrl } = cd.UPLOAD_REPLY
    expect(thrown(() => toUploadedFile(noUrl)).message).toContain('"file_url" is missing')
  })

  it('cancel reply, server or docs words → requested', () => {
    expect(toCancelReply(cd.CANCEL_REPLY)).toEqual({ requested: true, message: 'Function cancelled' })
    expect(toCancelReply(cd.CANCEL_REPLY_DOCS)).toEqual({ requested: true, message: 'Function cancelled' })
    expect(toCancelReply(withExtras(cd.CANCEL_REPLY))).toEqual({ requested: true, message: 'Function cancelled' })
  })

  it('error bodies: FastAPI detail text and 422 lists name the input', () => {
    expect(describeComfyDeployError(500, { detail: 'Error cancel function 404: Run not found or has no modal function call ID' })).toEqual({
      message: 'Error cancel function 404: Run not found or has no modal function call ID',
    })
    expect(describeComfyDeployError(422, { detail: [{ loc: ['body', 'inputs', 'steps'], msg: 'Input should be a valid integer', type: 'int_type' }] })).toEqual({
      message: 'inputs.steps: Input should be a valid integer',
      field: 'steps',
    })
  })
})

describe('ComfyDeploy contract: §12 webhooks', () => {
  it('dialect A progress tick → running at 45 %', () => {
    for (const body of [cd.WEBHOOK_A_TICK, withExtras(cd.WEBHOOK_A_TICK)]) {
      expect(hook(body)).toMatchObject({
        providerRunId: 'R',
        rawStatus: 'running',
        hint: { status: 'running', progress: 0.45, liveStatus: 'Executing KSampler' },
      })
    }
  })

  it('dialect A output event → no status change, keyed by its output', () => {
    const got = hook(cd.WEBHOOK_A_OUTPUT)
    expect(got).toMatchObject({ providerRunId: 'R', rawStatus: null, hint: { status: null, progress: 0.91 } })
    expect(JSON.parse(got.dedupeKey)).toEqual(['run.output', ['O']])
    expect(hook(withExtras(cd.WEBHOOK_A_OUTPUT)).dedupeKey).toBe(got.dedupeKey)
    const other = { ...cd.WEBHOOK_A_OUTPUT, outputs: [{ ...cd.OUTPUT, id: 'O2' }] }
    expect(hook(other).dedupeKey).not.toBe(got.dedupeKey)
  })

  it('dialect A failure → failed at 73 %', () => {
    expect(hook(cd.WEBHOOK_A_FAILED)).toMatchObject({
      rawStatus: 'failed',
      hint: { status: 'failed', progress: 0.73, liveStatus: 'Executing VAEDecode' },
    })
  })

  it('dialect A success → succeeded, distinct from the tick and the failure', () => {
    const success = hook(cd.WEBHOOK_A_SUCCESS)
    expect(success).toMatchObject({ rawStatus: 'success', hint: { status: 'succeeded', progress: 1, liveStatus: null } })
    const keys = [cd.WEBHOOK_A_TICK, cd.WEBHOOK_A_OUTPUT, cd.WEBHOOK_A_FAILED, cd.WEBHOOK_A_SUCCESS, cd.WEBHOOK_B].map((b) => hook(b).dedupeKey)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('dialect B → processing is running, progress read as a percentage', () => {
    for (const body of [cd.WEBHOOK_B, withExtras(cd.WEBHOOK_B)]) {
      expect(hook(body)).toMatchObject({ providerRunId: 'R', rawStatus: 'processing', hint: { status: 'running', progress: 0.45 } })
      expect(hook(body).hint).not.toHaveProperty('liveStatus')
    }
  })

  it('a webhook without run_id is refused, naming the field', () => {
    const { run_id: _id, ...noRunId } = cd.WEBHOOK_A_TICK
    const parsed = parseComfyDeployWebhook(noRunId)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('BAD_INPUT')
      expect(parsed.error.message).toBe('not a ComfyDeploy webhook: "run_id" is missing')
    }
  })
})

describe('ComfyDeploy contract: seed documents', () => {
  it('seed 000, on the wire (snake_case) → succeeded with its live status', () => {
    expect(hook(cd.SEED_000_WIRE)).toMatchObject({
      providerRunId: '<id>',
      rawStatus: 'success',
      hint: { status: 'succeeded', liveStatus: '<value>' },
    })
  })

  it("seed 000's SDK camelCase model is not a wire body: refused for its missing run_id", () => {
    const parsed = parseComfyDeployWebhook(cd.SEED_000_SDK_EXAMPLE)
    expect(!parsed.ok && parsed.error.message).toContain('"run_id" is missing')
  })

  it("seed 001's example body {} is refused for its missing run_id", () => {
    const parsed = parseComfyDeployWebhook(cd.SEED_001_EXAMPLE)
    expect(!parsed.ok && parsed.error.message).toBe('not a ComfyDeploy webhook: "run_id" is missing')
  })

  it('seed 001, filled in: each of its five status words, progress 0–100', () => {
    const expected = { queued: 'queued', processing: 'running', completed: 'succeeded', failed: 'failed', cancelled: 'cancelled' }
    for (const status of cd.SEED_001_STATUSES) {
      expect(hook({ ...cd.SEED_001_FILLED, status, progress: 50 }).hint, status).toEqual({ status: expected[status], progress: 0.5 })
    }
    expect(hook(cd.SEED_001_FILLED)).toMatchObject({
      providerRunId: cd.SEED_001_FILLED.run_id,
      hint: { status: 'succeeded', progress: 1 },
    })
    // All fields optional: a body with only run_id is "no opinion", not an error.
    expect(hook({ run_id: 'R' })).toMatchObject({ rawStatus: null, hint: { status: null } })
  })
})
