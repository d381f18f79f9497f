import { describe, expect, it } from 'vitest'
import type { WebhookHint } from '../types'
import { RunComfyClient } from './client'
import { SEED_REQUEST_ID, SEED_WEBHOOKS, SPEC_WEBHOOKS, VARIANT_WEBHOOKS } from './fixtures'

const client = new RunComfyClient({ baseUrl: 'https://api.runcomfy.net', apiKey: 'k' })

function hint(body: unknown): WebhookHint {
  const parsed = client.parseWebhook(body)
  if (!parsed.ok) throw new Error(`rejected: ${parsed.error.message}`)
  return parsed.value
}

describe('RunComfy webhooks: runcomfy.md §7', () => {
  it('in_queue has no status and no deployment_id: queued', () => {
    expect(hint(SPEC_WEBHOOKS.inQueue)).toEqual({
      providerRunId: 'R',
      rawStatus: null,
      hint: { status: 'queued' },
      dedupeKey: JSON.stringify(['R', 'queued']),
    })
  })

  it('in_progress: running on its instance', () => {
    expect(hint(SPEC_WEBHOOKS.inProgress)).toEqual({
      providerRunId: 'R',
      rawStatus: 'in_progress',
      hint: { status: 'running', liveStatus: 'Running on i-7d2c9b41' },
      dedupeKey: JSON.stringify(['R', 'running']),
    })
  })

  it('succeeded with a LoRA `output`', () => {
    const parsed = hint(SPEC_WEBHOOKS.succeeded)
    expect(parsed).toMatchObject({ providerRunId: 'R', rawStatus: 'succeeded', hint: { status: 'succeeded' } })
    expect(parsed.hint.error).toBeUndefined()
  })

  it('failed with an error object: the message is `details`', () => {
    expect(hint(SPEC_WEBHOOKS.failed)).toMatchObject({
      rawStatus: 'failed',
      hint: { status: 'failed', error: { code: 'RUN_FAILED', message: 'KSampler: CUDA out of memory' } },
      dedupeKey: JSON.stringify(['R', 'failed']),
    })
  })
})

describe('RunComfy webhooks: seed 002 (the webhook page, placeholders and all)', () => {
  it('in_queue', () => {
    expect(hint(SEED_WEBHOOKS.inQueue)).toMatchObject({ providerRunId: SEED_REQUEST_ID, rawStatus: null, hint: { status: 'queued' } })
  })

  it('in_progress', () => {
    expect(hint(SEED_WEBHOOKS.inProgress)).toMatchObject({
      providerRunId: SEED_REQUEST_ID,
      hint: { status: 'running', liveStatus: 'Running on {instance_id}' },
    })
  })

  it('succeeded', () => {
    expect(hint(SEED_WEBHOOKS.succeeded)).toMatchObject({ providerRunId: SEED_REQUEST_ID, hint: { status: 'succeeded' } })
  })

  it('failed', () => {
    expect(hint(SEED_WEBHOOKS.failed).hint).toEqual({
      status: 'failed',
      error: { code: 'RUN_FAILED', message: 'This is an example error message explaining the failure.' },
    })
  })
})

describe('RunComfy webhooks: accepted variants', () => {
  it('cancelled and canceled are the same news', () => {
    const a = hint(VARIANT_WEBHOOKS.cancelled)
    const b = hint(VARIANT_WEBHOOKS.canceled)
    expect(a.hint).toEqual({ status: 'cancelled' })
    expect(b.hint).toEqual({ status: 'cancelled' })
    expect(a.rawStatus).toBe('cancelled')
    expect(b.rawStatus).toBe('canceled')
    expect(a.dedupeKey).toBe(b.dedupeKey)
  })

  it('takes `outcome` in place of `status`', () => {
    expect(hint(VARIANT_WEBHOOKS.outcomeOnly)).toMatchObject({ rawStatus: 'succeeded', hint: { status: 'succeeded' } })
  })

  it('prefers a known word when status and outcome disagree in vocabulary', () => {
    expect(hint({ request_id: 'R', status: 'completed', outcome: 'failed' })).toMatchObject({ rawStatus: 'failed', hint: { status: 'failed' } })
  })

  it('accepts node-keyed `outputs` on success', () => {
    expect(hint(VARIANT_WEBHOOKS.nodeKeyedOutputs).hint.status).toBe('succeeded')
  })

  it('accepts `error` as an array and in the older {type, message} form', () => {
    expect(hint(VARIANT_WEBHOOKS.errorArray).hint.error).toEqual({ code: 'RUN_FAILED', message: 'PromptExecutionError (error code 4001): node 3; OOM (error code 4002)' })
    expect(hint(VARIANT_WEBHOOKS.olderError).hint.error).toEqual({ code: 'RUN_FAILED', message: 'VAE decode failed' })
    expect(hint({ request_id: 'R', status: 'failed' }).hint.error).toEqual({ code: 'RUN_FAILED', message: 'the workflow failed on RunComfy' })
  })

  it('shows a queue position when one is sent', () => {
    expect(hint(VARIANT_WEBHOOKS.inQueueWithPosition).hint).toEqual({ status: 'queued', liveStatus: 'In queue: position 3' })
  })

  it('reports an unknown status word as "no opinion", keyed by the word', () => {
    const parsed = hint(VARIANT_WEBHOOKS.unknownWord)
    expect(parsed.rawStatus).toBe('warming_up')
    expect(parsed.hint).toEqual({ status: null })
    expect(parsed.dedupeKey).toBe(JSON.stringify(['R', '?warming_up']))
  })

  it('never reads `completed` or `cancellation_requested` as an outcome', () => {
    expect(hint({ request_id: 'R', status: 'completed' }).hint.status).toBeNull()
    expect(hint({ request_id: 'R', status: 'cancellation_requested' }).hint).toEqual({ status: null, liveStatus: 'Cancellation requested' })
  })

  it('is case-insensitive', () => {
    expect(hint({ request_id: 'R', status: 'SUCCEEDED' }).hint.status).toBe('succeeded')
  })

  it('tolerates unknown extra fields', () => {
    expect(hint(VARIANT_WEBHOOKS.extraFields)).toMatchObject({ providerRunId: 'R', hint: { status: 'running', liveStatus: 'Running on i-1' } })
  })

  it('keys duplicates on request id + normalized status', () => {
    expect(hint(SPEC_WEBHOOKS.inProgress).dedupeKey).toBe(hint(VARIANT_WEBHOOKS.extraFields).dedupeKey)
    expect(hint(SPEC_WEBHOOKS.inProgress).dedupeKey).not.toBe(hint(SPEC_WEBHOOKS.inQueue).dedupeKey)
    expect(hint(SPEC_WEBHOOKS.succeeded).dedupeKey).not.toBe(hint(SEED_WEBHOOKS.succeeded).dedupeKey)
  })
})

describe('RunComfy webhooks: refusals', () => {
  it('refuses a body without request_id with a clear message', () => {
    expect(client.parseWebhook(VARIANT_WEBHOOKS.noRequestId)).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'not a RunComfy webhook: request_id is missing' },
    })
    expect(client.parseWebhook({ request_id: '  ', status: 'succeeded' }).ok).toBe(false)
    expect(client.parseWebhook({ request_id: 42, status: 'succeeded' }).ok).toBe(false)
  })

  it('refuses what is not a JSON object', () => {
    for (const body of [null, 'R', 7, ['R']]) {
      const parsed = client.parseWebhook(body)
      expect(parsed.ok).toBe(false)
      expect(!parsed.ok && parsed.error.message).toMatch(/not a RunComfy webhook/)
    }
  })

  it('refuses a status that is not text', () => {
    const parsed = client.parseWebhook({ request_id: 'R', status: 3 })
    expect(parsed.ok).toBe(false)
  })
})
