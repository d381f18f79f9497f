import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEPLOYMENT_IDS, defaultFaults, startSim, type Sim } from './index'

async function post(sim: Sim, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('simulator control routes', () => {
  let sim: Sim
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0.05 })
  })
  afterEach(() => sim.close())

  it('reports stats, faults and knob descriptions', async () => {
    const res = await fetch(`${sim.url}/__sim/state`)
    expect(res.status).toBe(200)
    const state = (await res.json()) as Record<string, Record<string, unknown>>
    expect(state.faults).toEqual(defaultFaults())
    expect(state.stats).toMatchObject({ runsQueued: 0, webhooksSent: 0 })
    expect(Object.keys(state.knobs ?? {})).toEqual(Object.keys(defaultFaults()))
  })

  it('patches knobs and refuses unknown keys or bad values', async () => {
    const ok = await post(sim, '/__sim/faults', { dropWebhooks: true, failQueueWithStatus: 429, retryAfterSeconds: 3 })
    expect(ok.status).toBe(200)
    expect(sim.faults).toMatchObject({ dropWebhooks: true, failQueueWithStatus: 429, retryAfterSeconds: 3 })

    expect((await post(sim, '/__sim/faults', { dropWebhook: true })).status).toBe(400)
    expect((await post(sim, '/__sim/faults', { webhookDelayMs: -1 })).status).toBe(400)
    expect((await post(sim, '/__sim/faults', { failQueueWithStatus: 200 })).status).toBe(400)
    expect(sim.faults.webhookDelayMs).toBe(0)
  })

  it('reset forgets runs, zeroes counters and restores the knobs', async () => {
    const queued = await post(sim, '/api/run/deployment/queue', { deployment_id: DEPLOYMENT_IDS.dreamscape })
    const runId = queued.body.run_id as string
    sim.faults.duplicateWebhooks = true
    expect(sim.stats().runsQueued).toBe(1)

    const res = await post(sim, '/__sim/reset')
    expect(res.status).toBe(200)
    expect(sim.faults).toEqual(defaultFaults())
    expect(sim.stats().runsQueued).toBe(0)
    const gone = await fetch(`${sim.url}/api/run/${runId}`, { headers: { authorization: 'Bearer k' } })
    expect(gone.status).toBe(404)
  })

  it('refuses a negative timeScale', async () => {
    await expect(startSim({ timeScale: -1 })).rejects.toThrow(RangeError)
  })
})
