import { describe, expect, it } from 'vitest'
import type { WebhookRecord } from '@shared/delivery'
import { RunId } from '@shared/run'
import { FakeCourier } from '../test/fake-courier'
import { createCourierStore } from './index'
import { connectEvents } from './connect-events'
import { emptyWebhookFilter, matchesQuery, webhookQuery } from './webhook-query'

const record = (patch: Partial<WebhookRecord> = {}): WebhookRecord => ({
  id: 1,
  receivedAt: 1,
  provider: 'comfydeploy',
  runId: RunId.parse('r_AAAAAAAAAAAA'),
  status: 'running',
  outcome: 'applied',
  reason: 'now running',
  httpStatus: 200,
  body: '{"status":"running","live_status":"Executing KSampler"}',
  headers: {},
  replayOf: null,
  ...patch,
})

describe('webhookQuery', () => {
  it('turns the filter bar into webhooks.list filters', () => {
    expect(webhookQuery(emptyWebhookFilter)).toEqual({})
    expect(webhookQuery({ provider: 'runcomfy', outcome: 'stale', search: '  ' })).toEqual({ provider: 'runcomfy', outcome: 'stale' })
    expect(webhookQuery({ ...emptyWebhookFilter, search: ' KSampler ' })).toEqual({ text: 'KSampler' })
    expect(webhookQuery({ ...emptyWebhookFilter, search: 'x'.repeat(300) }).text).toHaveLength(200)
  })

  it('reads a whole run id as a run, and anything else (a short id too) as text', () => {
    expect(webhookQuery({ ...emptyWebhookFilter, search: 'r_xHAwjnXG9Qtv' })).toEqual({ runId: 'r_xHAwjnXG9Qtv' })
    expect(webhookQuery({ ...emptyWebhookFilter, search: 'r_xHAwjn' })).toEqual({ text: 'r_xHAwjn' })
    expect(webhookQuery({ ...emptyWebhookFilter, search: 'run-7' }, (id) => id === 'run-7')).toEqual({ runId: 'run-7' })
    expect(webhookQuery({ ...emptyWebhookFilter, search: 'run-8' }, (id) => id === 'run-7')).toEqual({ text: 'run-8' })
  })

  it('matches a record as main would, text ignoring case in body or reason', () => {
    const w = record()
    expect(matchesQuery(w, {})).toBe(true)
    expect(matchesQuery(w, { provider: 'comfydeploy', outcome: 'applied', runId: 'r_AAAAAAAAAAAA' })).toBe(true)
    expect(matchesQuery(w, { provider: 'demo' })).toBe(false)
    expect(matchesQuery(w, { outcome: 'rejected' })).toBe(false)
    expect(matchesQuery(w, { runId: 'r_BBBBBBBBBBBB' })).toBe(false)
    expect(matchesQuery(record({ runId: null }), { runId: 'r_AAAAAAAAAAAA' })).toBe(false)
    expect(matchesQuery(w, { text: 'ksampler' })).toBe(true)
    expect(matchesQuery(w, { text: 'NOW RUN' })).toBe(true)
    expect(matchesQuery(w, { text: 'succeeded' })).toBe(false)
    expect(matchesQuery(w, { text: 'ksampler', outcome: 'stale' })).toBe(false)
  })
})

describe('webhooks slice', () => {
  const start = () => {
    const fake = new FakeCourier()
    const store = createCourierStore({ courier: fake, storage: null, random: () => 0.5 })
    connectEvents(fake, store, new AbortController().signal, 'each')
    return { fake, store, webhooks: () => store.getState().webhooks }
  }

  it('drops the answer for a filter the user has since changed', async () => {
    const { fake, webhooks } = start()
    fake.receiveWebhook({ outcome: 'rejected' })
    fake.receiveWebhook({ outcome: 'applied' })
    fake.hold('webhooks.list')
    webhooks().setFilter({ outcome: 'rejected' })
    webhooks().setFilter({ outcome: 'applied' })
    await Promise.resolve()
    fake.release('webhooks.list')
    await new Promise((resolve) => setTimeout(resolve, 0))
    await expect.poll(() => webhooks().status).toBe('loaded')
    expect(webhooks().items.map((w) => w.id)).toEqual([2])
    expect(webhooks().query).toEqual({ outcome: 'applied' })
  })

  it('keeps a matching webhook that arrived while the page was loading, and not one that does not match', async () => {
    const { fake, webhooks } = start()
    fake.receiveWebhook({ outcome: 'rejected' })
    fake.hold('webhooks.list')
    webhooks().setFilter({ outcome: 'rejected' })
    fake.receiveWebhook({ outcome: 'rejected', reason: 'malformed JSON' })
    fake.receiveWebhook({ outcome: 'applied' })
    expect(webhooks().items.map((w) => w.id)).toEqual([2, 1]) // #1 came as an event before; #3 does not match
    // The page was read after both arrived in this fake; drop what it says about #2 to see the merge keep it.
    fake.webhooks = fake.webhooks.filter((w) => w.id !== 2)
    fake.release('webhooks.list')
    await expect.poll(() => webhooks().status).toBe('loaded')
    expect(webhooks().items.map((w) => w.id)).toEqual([2, 1])
  })

  it('debounces the search box, and provider or outcome changes fetch at once', async () => {
    const { fake, webhooks } = start()
    webhooks().setFilter({ search: 'a' })
    webhooks().setFilter({ search: 'ab' })
    expect(fake.callsTo('webhooks.list')).toEqual([])
    webhooks().setFilter({ provider: 'demo' })
    await expect.poll(() => fake.callsTo('webhooks.list')).toEqual([{ provider: 'demo', text: 'ab', limit: 200 }])
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(fake.callsTo('webhooks.list')).toHaveLength(1) // the pending search fetch was folded into that one
    webhooks().setFilter({ search: 'abc' })
    await expect.poll(() => fake.callsTo('webhooks.list')).toHaveLength(2)
    expect(fake.callsTo('webhooks.list')[1]).toEqual({ provider: 'demo', text: 'abc', limit: 200 })
  })
})
