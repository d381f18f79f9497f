import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { call, pollRun, queue } from './comfydeploy/test-kit'
import { DEPLOYMENTS, DEPLOYMENT_IDS, RUNCOMFY_DEPLOYMENT_IDS, startSim, type Sim } from './index'
import { KEEP_WARM_MS, type LedgerEntry } from './ledger'
import { COMFYDEPLOY_GPU_PRICES } from './prices'
import { RUNCOMFY_SEED_BALANCE_USD } from './runcomfy/balance'

const SCALE = 0.05
const KEEP_WARM_S = (KEEP_WARM_MS * SCALE) / 1000
const ended = (run: { status: string }) => ['success', 'failed', 'cancelled', 'timeout'].includes(run.status)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Long enough for a session's keep-warm tail to be over. */
const afterTail = () => sleep(KEEP_WARM_MS * SCALE + 50)

async function ledger(sim: Sim) {
  const res = await call(sim, '/__sim/ledger', { headers: {} })
  expect(res.status).toBe(200)
  return res.body as { keepWarmSeconds: number; runComfyBalanceUsd: number; totals: Record<string, Record<string, number>>; entries: LedgerEntry[] }
}

const range = (fromMs: number, toMs: number) => `start_time=${new Date(fromMs).toISOString()}&end_time=${new Date(toMs).toISOString()}`

describe('simulator spend routes', () => {
  let sim: Sim
  beforeAll(async () => {
    sim = await startSim({ timeScale: SCALE })
  })
  afterAll(() => sim.close())
  beforeEach(() => sim.reset())

  it('serves the ComfyDeploy price table without a key', async () => {
    const res = await call(sim, '/api/platform/gpu-pricing', { headers: {} })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(COMFYDEPLOY_GPU_PRICES)
  })

  it('books a ComfyDeploy run on its own session, gpu_event_id naming it', async () => {
    const run = await pollRun(sim, await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch }), ended)
    const quick = DEPLOYMENTS.find((d) => d.id === DEPLOYMENT_IDS.quickSketch)!
    const book = await ledger(sim)
    expect(book.keepWarmSeconds).toBeCloseTo(KEEP_WARM_S, 9)
    expect(book.entries).toHaveLength(1)
    const entry = book.entries[0]!
    const seconds = (Date.parse(String(run.ended_at)) - Date.parse(String(run.queued_at))) / 1000
    const price = COMFYDEPLOY_GPU_PRICES[quick.gpu]!
    expect(entry).toMatchObject({
      provider: 'comfydeploy',
      runId: run.id,
      deploymentId: quick.id,
      machineId: quick.machine.id,
      gpu: quick.gpu,
      status: 'success',
      sessionId: run.gpu_event_id,
      estimateSeconds: seconds,
      estimateUsd: seconds * price,
      usdPerSecond: price,
    })
    expect(entry.billedSeconds).toBeCloseTo(seconds + KEEP_WARM_S, 9)
    expect(book.totals.comfydeploy).toMatchObject({ runs: 1, estimateSeconds: seconds })
    expect(typeof run.gpu_event_id).toBe('string')
  })

  it('books failed runs too', async () => {
    await pollRun(sim, await queue(sim, { deployment_id: DEPLOYMENT_IDS.alwaysFails }), ended)
    expect((await ledger(sim)).entries).toMatchObject([{ status: 'failed', billedSeconds: expect.any(Number) as number }])
  })

  it('counts a session in usage, usage-details and machine events once its keep-warm is over', async () => {
    const from = Date.now() - 1000
    const run = await pollRun(sim, await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch }), ended)
    const quick = DEPLOYMENTS.find((d) => d.id === DEPLOYMENT_IDS.quickSketch)!
    await afterTail()
    const entry = (await ledger(sim)).entries[0]!
    const to = Date.now() + 60_000
    const usage = await call(sim, `/api/platform/usage?${range(from, to)}`)
    expect(usage.status).toBe(200)
    expect(usage.body).toEqual({
      usage: [
        {
          machine_id: quick.machine.id,
          machine_name: quick.machine.name,
          gpu: quick.gpu,
          ws_gpu: null,
          usage_in_sec: entry.billedSeconds,
          cost_item_title: null,
          cost: entry.billedUsd,
        },
      ],
      total_cost: entry.billedUsd,
      final_cost: 0,
      free_tier_credit: 500,
      credit: 0,
      period: { start: new Date(from).toISOString(), end: new Date(to).toISOString() },
    })
    // The usage exceeds the run's own estimate by exactly the keep-warm tail.
    expect(entry.billedUsd - (entry.estimateUsd ?? 0)).toBeCloseTo(KEEP_WARM_S * COMFYDEPLOY_GPU_PRICES[quick.gpu]!, 12)

    const details = await call(sim, `/api/platform/usage-details?${range(from, to)}`)
    expect(details.body).toEqual([{ date: new Date(entry.sessionStartMs ?? 0).toISOString().slice(0, 10), [quick.gpu]: entry.billedUsd }])

    const events = await call(sim, `/api/machine/${quick.machine.id}/events`)
    expect(events.body).toEqual([
      expect.objectContaining({
        id: run.gpu_event_id,
        session_id: run.gpu_event_id,
        machine_id: quick.machine.id,
        gpu: quick.gpu,
        gpu_provider: 'modal',
        start_time: new Date(entry.sessionStartMs ?? 0).toISOString(),
        end_time: new Date(entry.sessionEndMs ?? 0).toISOString(),
        cost: entry.billedUsd,
      }),
    ])
    expect((await call(sim, '/api/machine/00000000-0000-4000-8000-000000000000/events')).body).toEqual([])
  })

  it('shows an open session (keep-warm still running) with no end nor cost, and no usage yet', async () => {
    // A slower simulator, so the one-second tail cannot pass between the run's end and the reads.
    const slow = await startSim({ timeScale: 0.5 })
    try {
      const from = Date.now() - 1000
      const run = await pollRun(slow, await queue(slow, { deployment_id: DEPLOYMENT_IDS.quickSketch }), ended)
      const quick = DEPLOYMENTS.find((d) => d.id === DEPLOYMENT_IDS.quickSketch)!
      const open = await call(slow, `/api/machine/${quick.machine.id}/events`)
      expect(open.body).toMatchObject([{ session_id: run.gpu_event_id, end_time: null, cost: null }])
      expect((await call(slow, `/api/platform/usage?${range(from, Date.now() + 60_000)}`)).body).toMatchObject({ usage: [], total_cost: 0 })
    } finally {
      await slow.close()
    }
  })

  it('leaves out sessions outside the range, and wants both bounds for the days', async () => {
    await pollRun(sim, await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch }), ended)
    await afterTail()
    const past = range(Date.now() - 2 * 86_400_000, Date.now() - 86_400_000)
    expect((await call(sim, `/api/platform/usage?${past}`)).body).toMatchObject({ usage: [], total_cost: 0 })
    expect((await call(sim, `/api/platform/usage-details?${past}`)).body).toEqual([])
    // Without a range, usage runs from the start of this month until now.
    expect((await call(sim, '/api/platform/usage')).body).toMatchObject({ usage: [{ gpu: 'T4' }] })
    const missing = await call(sim, '/api/platform/usage-details')
    expect(missing.status).toBe(422)
    expect(missing.body).toMatchObject({ detail: [{ loc: ['query', 'start_time'], type: 'missing' }] })
    expect((await call(sim, '/api/platform/usage?start_time=yesterday')).status).toBe(422)
  })

  it('wants a key for usage and events', async () => {
    for (const path of ['/api/platform/usage', `/api/platform/usage-details?${range(0, 1)}`, '/api/machine/x/events']) {
      expect((await call(sim, path, { headers: {} })).status, path).toBe(401)
    }
  })

  describe('RunComfy balance', () => {
    const balance = async () => {
      const res = await call(sim, '/prod/v2/balance', { headers: { authorization: 'Bearer rc' } })
      expect(res.status).toBe(200)
      return res.body as { balance_usd: number; currency: string }
    }
    const submit = async (id: string) => {
      const res = await call(sim, `/prod/v2/deployments/${id}/inference`, { method: 'POST', json: { overrides: {} }, headers: { authorization: 'Bearer rc' } })
      return (res.body as { request_id: string }).request_id
    }
    const result = async (id: string, rid: string) => {
      for (;;) {
        const res = await call(sim, `/prod/v2/deployments/${id}/requests/${rid}/result`, { headers: { authorization: 'Bearer rc' } })
        const body = res.body as Record<string, string>
        if (body.finished_at) return body
        await sleep(10)
      }
    }

    it('starts from the seeded balance and falls by each request\'s session', async () => {
      expect(await balance()).toEqual({ balance_usd: RUNCOMFY_SEED_BALANCE_USD, currency: 'USD' })
      const id = RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait
      const body = await result(id, await submit(id))
      await afterTail()
      const [entry] = (await ledger(sim)).entries
      const seconds = (Date.parse(body.finished_at!) - Date.parse(body.created_at!)) / 1000
      expect(entry).toMatchObject({ provider: 'runcomfy', gpu: 'AMPERE_48', tier: 'X-Large', status: 'succeeded', sessionId: null, estimateSeconds: seconds })
      expect(entry!.estimateUsd).toBeCloseTo((seconds * 2.5) / 3600, 12)
      expect(entry!.billedSeconds).toBeCloseTo(seconds + KEEP_WARM_S, 9)
      const after = (await balance()).balance_usd
      expect(after).toBeCloseTo(RUNCOMFY_SEED_BALANCE_USD - entry!.billedUsd, 6)
      expect((await ledger(sim)).runComfyBalanceUsd).toBe(after)
    })

    it('charges a failed request, and nothing for one cancelled while queued', async () => {
      const broken = RUNCOMFY_DEPLOYMENT_IDS.brokenGraph
      await result(broken, await submit(broken))
      const id = RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait
      const rid = await submit(id)
      await call(sim, `/prod/v2/deployments/${id}/requests/${rid}/cancel`, { method: 'POST', headers: { authorization: 'Bearer rc' } })
      const entries = (await ledger(sim)).entries
      expect(entries.map((e) => [e.status, e.tier])).toEqual([
        ['failed', 'Large'],
        ['cancelled', 'X-Large'],
      ])
      expect(entries[0]!.billedUsd).toBeGreaterThan(0)
      expect(entries[1]).toMatchObject({ billedSeconds: 0, billedUsd: 0, estimateUsd: null, sessionStartMs: null })
    })

    it('wants a token, and is back to the seed after a reset', async () => {
      expect((await call(sim, '/prod/v2/balance', { headers: {} })).status).toBe(401)
      const id = RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait
      await result(id, await submit(id))
      expect((await balance()).balance_usd).toBeLessThan(RUNCOMFY_SEED_BALANCE_USD)
      await call(sim, '/__sim/reset', { method: 'POST', headers: {} })
      expect((await balance()).balance_usd).toBe(RUNCOMFY_SEED_BALANCE_USD)
      expect((await ledger(sim)).entries).toEqual([])
    })
  })
})
