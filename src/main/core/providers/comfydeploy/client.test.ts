import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEPLOYMENT_IDS, startSim, type Sim } from '../../../../sim/index'
import { ProviderError, type WebhookHint } from '../types'
import {
  cancelError,
  ComfyDeployClient,
  parseComfyDeployWebhook,
  toCancelReply,
  toComfyDeployUsage,
  toDeployment,
  toGpuPricing,
  toGpuSessions,
  toRunSnapshot,
  toUploadedFile,
  toUsageDays,
} from './client'

function hint(body: unknown): WebhookHint {
  const parsed = parseComfyDeployWebhook(body)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.value
}

const output = (id: string, file: string) => ({
  id,
  run_id: 'r1',
  output_id: 'final_result',
  node_meta: { node_id: '9', node_class: 'ComfyDeployStdOutputImage' },
  data: { images: [{ url: `https://cdn.test/${file}`, filename: file, type: 'output' }] },
})

describe('parseComfyDeployWebhook', () => {
  it('reads dialect A: 0–1 progress, live_status, event_type', () => {
    expect(hint({ event_type: 'run.updated', run_id: 'r1', status: 'running', live_status: 'Executing KSampler', progress: 0.45, outputs: [] })).toMatchObject({
      providerRunId: 'r1',
      rawStatus: 'running',
      hint: { status: 'running', progress: 0.45, liveStatus: 'Executing KSampler' },
    })
    // Without event_type (older runner) it is still dialect A; `1` is a fraction, not 1 %.
    expect(hint({ run_id: 'r1', status: 'success', live_status: null, progress: 1, outputs: [] }).hint).toEqual({
      status: 'succeeded',
      progress: 1,
      liveStatus: null,
    })
  })

  it('reads dialect B: five words, 0–100 progress, no live status', () => {
    const cases: Array<[string, number, string, number]> = [
      ['queued', 0, 'queued', 0],
      ['processing', 45, 'running', 0.45],
      ['processing', 1, 'running', 0.01],
      ['completed', 100, 'succeeded', 1],
      ['failed', 70, 'failed', 0.7],
      ['cancelled', 30, 'cancelled', 0.3],
    ]
    for (const [word, progress, status, fraction] of cases) {
      const got = hint({ run_id: 'r1', status: word, progress, outputs: [] })
      expect(got.hint, word).toEqual({ status, progress: fraction })
      expect(got.rawStatus).toBe(word)
    }
  })

  it('clamps progress and never reads more than 100 %', () => {
    expect(hint({ run_id: 'r', status: 'processing', progress: 250 }).hint.progress).toBe(1)
    expect(hint({ run_id: 'r', status: 'running', live_status: null, progress: -1 }).hint.progress).toBe(0)
    expect(hint({ run_id: 'r', status: 'running', live_status: null, progress: 45 }).hint.progress).toBe(0.45)
  })

  it('treats run.output as news about outputs, not a status change, one key per output', () => {
    const body = (o: ReturnType<typeof output>) => ({
      event_type: 'run.output',
      status: 'running',
      live_status: 'Executing SaveImage',
      progress: 0.91,
      run_id: 'r1',
      outputs: [o],
    })
    const first = hint(body(output('o1', 'a.png')))
    const second = hint(body(output('o2', 'b.png')))
    expect(first.hint).toEqual({ status: null, progress: 0.91 })
    expect(first.rawStatus).toBeNull()
    expect(first.dedupeKey).toContain('o1')
    expect(first.dedupeKey).not.toBe(second.dedupeKey)
    expect(hint(body(output('o1', 'a.png'))).dedupeKey).toBe(first.dedupeKey)
    // An output event after success (no ordering, §9.5) cannot pull the run back to running.
    expect(hint({ ...body(output('o3', 'c.png')), status: 'success' }).hint.status).toBeNull()
    // Without an output id, the output's URLs tell events apart.
    const noId = (file: string) => hint(body({ ...output('', file), id: undefined } as unknown as ReturnType<typeof output>)).dedupeKey
    expect(noId('a.png')).not.toBe(noId('b.png'))
  })

  it('gives distinct dedupe keys to distinct news and equal keys to repeats', () => {
    const tick = (progress: number) => hint({ event_type: 'run.updated', run_id: 'r', status: 'running', live_status: 'x', progress, outputs: [] }).dedupeKey
    expect(tick(0.2)).toBe(tick(0.2))
    expect(tick(0.2)).not.toBe(tick(0.3))
  })

  it('keeps unknown status words as raw, with no opinion', () => {
    expect(hint({ run_id: 'r', status: 'warming-up', live_status: null })).toMatchObject({ rawStatus: 'warming-up', hint: { status: null } })
  })

  it('refuses a body without run_id, naming the field', () => {
    for (const body of [{}, { status: 'processing', progress: 10 }, { run_id: '' }]) {
      const parsed = parseComfyDeployWebhook(body)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) {
        expect(parsed.error.code).toBe('BAD_INPUT')
        expect(parsed.error.message).toContain('run_id')
      }
    }
    const notObject = parseComfyDeployWebhook([1, 2])
    expect(!notObject.ok && notObject.error.message).toMatch(/JSON object/)
  })
})

describe('reply parsers', () => {
  it('toRunSnapshot normalizes a run and reports failures and timeouts', () => {
    expect(toRunSnapshot({ id: 'r', status: 'failed', live_status: 'Executing VAEDecode', progress: 0.7, outputs: [] })).toMatchObject({
      status: 'failed',
      progress: 0.7,
      error: { code: 'RUN_FAILED', message: 'failed while Executing VAEDecode' },
    })
    expect(toRunSnapshot({ id: 'r', status: 'timeout' })).toMatchObject({ status: 'timed_out', error: { code: 'RUN_FAILED' } })
    expect(toRunSnapshot({ id: 'r', status: 'not-started', progress: 0 })).toMatchObject({ status: 'queued', liveStatus: null, outputs: [] })
  })

  it('toRunSnapshot throws PROVIDER_BAD_REPLY naming a missing id or status', () => {
    const error = (() => {
      try {
        toRunSnapshot({ status: 'success' })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).code).toBe('PROVIDER_BAD_REPLY')
    expect((error as ProviderError).message).toContain('"id" is missing')
    expect(() => toRunSnapshot({ id: 'r' })).toThrow(/"status" is missing/)
    expect(() => toRunSnapshot({ id: 'r', status: 'success', progress: 'half' })).toThrow(/"progress"/)
  })

  it('toDeployment, toUploadedFile and toCancelReply', () => {
    expect(toDeployment({ id: 'd', workflow: { name: '  ' } }, 'comfydeploy')).toEqual({ id: 'd', name: 'd', provider: 'comfydeploy', description: '', inputs: [], customForm: false })
    expect(() => toDeployment({ workflow: { name: 'x' } }, 'comfydeploy')).toThrow(/"id" is missing/)
    expect(toUploadedFile({ file_url: 'https://b.test/i.png', file_id: 'img_x', file_name: 'i.png', message: 'ok' })).toEqual({
      fileId: 'img_x',
      fileName: 'i.png',
      url: 'https://b.test/i.png',
    })
    expect(() => toUploadedFile({ file_id: 'img_x' })).toThrow(/"file_url" is missing/)
    expect(toCancelReply({ status: 'success', message: 'Function cancelled' })).toEqual({ requested: true, message: 'Function cancelled' })
    expect(toCancelReply({ success: true, message: 'Run cancelled' })).toEqual({ requested: true, message: 'Run cancelled' })
    expect(toCancelReply('')).toEqual({ requested: true, message: null })
  })
})

describe('usage and account replies (issue 17)', () => {
  // comfydeploy.md §12's run: created 10:00:00.120, queued 10:00:31.004, started 10:00:44.530, ended 10:01:41.880.
  const run = {
    id: 'r',
    status: 'success',
    gpu: 'A10G',
    gpu_event_id: 'sess-1',
    created_at: '2025-11-18T10:00:00.120Z',
    queued_at: '2025-11-18T10:00:31.004Z',
    started_at: '2025-11-18T10:00:44.530Z',
    ended_at: '2025-11-18T10:01:41.880Z',
    run_duration: 57.35,
  }

  it('reads queued → ended (cold start included), else run_duration, else ended − started (execution only)', () => {
    expect(toComfyDeployUsage(run)).toEqual({ gpu: 'A10G', seconds: 70.876, executionOnly: false, sessionId: 'sess-1' })
    expect(toComfyDeployUsage({ ...run, queued_at: null })).toEqual({ gpu: 'A10G', seconds: 57.35, executionOnly: true, sessionId: 'sess-1' })
    expect(toComfyDeployUsage({ ...run, queued_at: null, run_duration: null })).toMatchObject({ seconds: 57.35, executionOnly: true })
    // The malformed `+00Z` the server writes in places still reads.
    expect(toComfyDeployUsage({ ...run, queued_at: '2025-11-18T10:00:31.004+00Z' })).toMatchObject({ seconds: 70.876 })
  })

  it('takes the deployment\'s GPU only when the run names none', () => {
    expect(toComfyDeployUsage({ ...run, gpu: null }, 'L4')?.gpu).toBe('L4')
    expect(toComfyDeployUsage(run, 'L4')?.gpu).toBe('A10G')
    expect(toComfyDeployUsage({ ...run, gpu: undefined, gpu_event_id: null })).toMatchObject({ gpu: null, sessionId: null })
  })

  it('gives null for a run that never started or whose timings are unreadable, never throwing', () => {
    expect(toComfyDeployUsage({ ...run, queued_at: null, started_at: null, run_duration: null })).toBeNull()
    expect(toComfyDeployUsage({ ...run, ended_at: 'yesterday', run_duration: 'long' })).toBeNull()
    expect(toComfyDeployUsage({ ...run, queued_at: run.ended_at, ended_at: run.queued_at, run_duration: -3, started_at: null })).toBeNull()
    expect(toComfyDeployUsage({ ...run, ended_at: 12 })).toMatchObject({ seconds: 57.35, executionOnly: true })
  })

  it('snapshots carry usage once the run has ended, failed, cancelled or timed out; not before', () => {
    for (const status of ['success', 'failed', 'cancelled', 'timeout']) {
      expect(toRunSnapshot({ ...run, status }).usage, status).toMatchObject({ seconds: 70.876 })
    }
    expect('usage' in toRunSnapshot({ ...run, status: 'running', ended_at: null })).toBe(false)
    expect(toRunSnapshot({ ...run, status: 'cancelled', queued_at: null, started_at: null, ended_at: run.ended_at, run_duration: null }).usage).toBeNull()
  })

  it('toDeployment names the deployment\'s GPU when the service does', () => {
    expect(toDeployment({ id: 'd', gpu: 'L40S' }, 'comfydeploy').hardware).toBe('L40S')
    expect('hardware' in toDeployment({ id: 'd', gpu: null }, 'comfydeploy')).toBe(false)
    expect('hardware' in toDeployment({ id: 'd', gpu: 7 }, 'comfydeploy')).toBe(false)
  })

  it('toGpuPricing takes a flat table of prices and refuses anything else', () => {
    expect(toGpuPricing({ T4: 0.00018, A10G: 0.000337 })).toEqual({ T4: 0.00018, A10G: 0.000337 })
    for (const bad of [[0.1], { T4: -1 }, { T4: '0.1' }, { T4: { price: 1 } }, null]) {
      expect(() => toGpuPricing(bad)).toThrow(ProviderError)
    }
  })

  it('toUsageDays sums the GPUs of each day and keeps the days of the range', () => {
    const range = { fromMs: Date.parse('2026-12-01T00:00:00Z'), toMs: Date.parse('2026-12-06T23:00:00Z') }
    const body = [
      { date: '2026-11-30', A10G: 9 },
      { date: '2026-12-01', A10G: 0.5, T4: 0.25 },
      { date: '2026-12-06', H100: 1, note: 'x', L4: Number.NaN },
      { date: '2026-12-07', T4: 3 },
    ]
    expect(toUsageDays(body, range)).toEqual([
      { day: '2026-12-01', usd: 0.75 },
      { day: '2026-12-06', usd: 1 },
    ])
    expect(toUsageDays({ not: 'a list' }, range)).toEqual([])
  })

  it('toGpuSessions reads machine events, skipping ones that cannot be matched', () => {
    const events = [
      { id: 'e1', session_id: 's1', gpu: 'A10G', start_time: '2026-12-06T10:00:00Z', end_time: '2026-12-06T10:01:00Z', cost: 0.02, gpu_provider: 'modal' },
      { id: 'e2', session_id: null, gpu: 'T4', start_time: '2026-12-06T11:00:00.000000', end_time: null, cost: null },
      { id: 'e3', start_time: 'never' },
    ]
    expect(toGpuSessions(events)).toEqual([
      { sessionId: 's1', gpu: 'A10G', startMs: Date.parse('2026-12-06T10:00:00Z'), endMs: Date.parse('2026-12-06T10:01:00Z'), usd: 0.02 },
      { sessionId: 'e2', gpu: 'T4', startMs: Date.parse('2026-12-06T11:00:00Z'), endMs: null, usd: null },
    ])
    expect(() => toGpuSessions({})).toThrow(/not a JSON array/)
  })
})

describe('ComfyDeployClient against the simulator', () => {
  let sim: Sim
  let client: ComfyDeployClient
  beforeAll(async () => {
    sim = await startSim({ timeScale: 0.05 })
    client = new ComfyDeployClient({ baseUrl: `${sim.url}/api`, apiKey: 'k', allowLoopbackMedia: true })
  })
  afterAll(() => sim.close())

  it('lists Every Input with a field per settable class', async () => {
    const every = (await client.listDeployments()).find((d) => d.id === DEPLOYMENT_IDS.everyInput)!
    const kinds = Object.fromEntries(every.inputs.map((f) => [f.id, f.slider ? `${f.kind}+slider` : f.kind]))
    expect(kinds).toEqual({
      prompt: 'prompt',
      title: 'text',
      sampler_name: 'enum',
      scheduler: 'enum',
      input_image: 'image',
      mask_image: 'image',
      reference_images: 'images',
      input_video: 'video',
      input_audio: 'audio',
      input_file: 'file',
      input_exr: 'file',
      lora_url: 'text',
      checkpoint_url: 'text',
      cfg: 'number',
      batch_size: 'integer',
      denoise: 'number+slider',
      steps: 'integer+slider',
      upscale: 'boolean',
      seed: 'seed',
    })
  })

  it('uploads a file and runs Contact Sheet to typed outputs', async () => {
    const url = await client.prepareFile({ fileName: 'ref.png', mime: 'image/png', bytes: Buffer.from('not really a png') })
    expect(url).toMatch(new RegExp(`^${sim.url}/media/uploads/img_\\w{16}\\.png$`))
    const { providerRunId } = await client.queue({ deploymentId: DEPLOYMENT_IDS.contactSheet, inputs: { prompt: 'lake' }, webhookUrl: null })
    let snapshot = await client.getRun(providerRunId)
    for (let i = 0; snapshot.status !== 'succeeded' && i < 500; i++) {
      await new Promise((r) => setTimeout(r, 10))
      snapshot = await client.getRun(providerRunId)
    }
    expect(snapshot.outputs.map((o) => `${o.kind}:${o.filename}`)).toEqual([
      'image:sheet_00001_.png',
      'image:sheet_00002_.png',
      'image:sheet_00003_.png',
      'image:sheet_00004_.png',
      'image:preview_webp_00001_.webp',
      'image:preview_jpeg_00001_.jpg',
      'text:manifest.json',
      'text:caption.txt',
    ])
  })
})

describe('a cancel before the run is dispatched (§6)', () => {
  const NOT_DISPATCHED = 'Error cancel function 404: Run not found or has no modal function call ID'

  it('marks the 500 "no modal function call ID" reply notDispatched, in any case or wording that names the call', () => {
    for (const message of [NOT_DISPATCHED, 'error cancel function 404: run not found or HAS NO MODAL FUNCTION CALL ID', 'Run has no modal call yet']) {
      const marked = cancelError(new ProviderError('PROVIDER_UNAVAILABLE', message, { status: 500 }))
      expect(marked, message).toBeInstanceOf(ProviderError)
      expect(marked, message).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message, details: { status: 500, notDispatched: true } })
    }
  })

  it('leaves every other error as it was', () => {
    const others = [
      new ProviderError('PROVIDER_UNAVAILABLE', 'Internal Server Error', { status: 500 }),
      new ProviderError('PROVIDER_UNAVAILABLE', 'the service answered HTTP 500', { status: 500 }),
      new ProviderError('PROVIDER_NOT_FOUND', 'Run not found', { status: 404 }),
      // The words without the 500: not §6's answer.
      new ProviderError('PROVIDER_UNAVAILABLE', NOT_DISPATCHED, { status: 502 }),
      new ProviderError('PROVIDER_TIMEOUT', 'no answer within 20 s', { answerLost: true }),
      new Error(NOT_DISPATCHED),
    ]
    for (const error of others) expect(cancelError(error)).toBe(error)
  })

  describe('through the client', () => {
    let server: Server
    let base: string
    const calls: string[] = []
    /** What the fake service answers to the next cancels: status and body. */
    const replies: Array<[number, unknown]> = []
    beforeAll(async () => {
      server = createServer((req, res) => {
        calls.push(`${req.method} ${req.url}`)
        const [status, body] = replies.shift() ?? [200, { status: 'success', message: 'Function cancelled' }]
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
    })
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

    const cancelling = async (status: number, body: unknown): Promise<unknown> => {
      calls.length = 0
      replies.push([status, body])
      const client = new ComfyDeployClient({ baseUrl: base, apiKey: 'k', timeoutMs: 5000 })
      return client.cancel('run-1').then(
        () => 'cancelled',
        (error: unknown) => error,
      )
    }

    it('throws notDispatched for the documented 500, asked once (a cancel is not retried by the client)', async () => {
      const error = await cancelling(500, { detail: NOT_DISPATCHED })
      expect(error).toBeInstanceOf(ProviderError)
      expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: NOT_DISPATCHED, details: { status: 500, notDispatched: true } })
      expect(calls).toEqual(['POST /api/run/run-1/cancel'])
    })

    it('throws a plain 500 as before, without the flag', async () => {
      const error = (await cancelling(500, { detail: 'Internal Server Error' })) as ProviderError
      expect(error).toBeInstanceOf(ProviderError)
      expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: 'Internal Server Error', details: { status: 500 } })
      expect(error.details.notDispatched).toBeUndefined()
      expect(calls).toHaveLength(1)
      expect(await cancelling(200, { status: 'success', message: 'Function cancelled' })).toBe('cancelled')
    })
  })

  it('is what the simulator answers for a run waiting beyond its machine\'s concurrency', async () => {
    const sim = await startSim({ timeScale: 1, machineConcurrency: 1 })
    try {
      const client = new ComfyDeployClient({ baseUrl: `${sim.url}/api`, apiKey: 'k', allowLoopbackMedia: true })
      await client.queue({ deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'first' }, webhookUrl: null })
      const second = await client.queue({ deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'second' }, webhookUrl: null })
      // The first holds the machine's one slot for some 2 s: the second waits, not dispatched.
      const error = await client.cancel(second.providerRunId).then(() => null, (e: unknown) => e)
      expect(error).toMatchObject({ details: { status: 500, notDispatched: true } })
      expect((await client.getRun(second.providerRunId)).status).toBe('queued')
    } finally {
      await sim.close()
    }
  })
})
