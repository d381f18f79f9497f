import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { DEPLOYMENT_IDS } from './deployments'
import { call, queue } from './test-kit'

const QUEUE = '/api/run/deployment/queue'

describe('ComfyDeploy simulator: lost queue answers and the run list', () => {
  let sim: Sim
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0.05 })
  })
  afterEach(async () => {
    await sim.close()
  })

  const runsOf = async (deploymentId: string, query = '') => {
    const res = await call(sim, `/api/deployment/${deploymentId}/runs${query}`)
    expect(res.status).toBe(200)
    return res.body as { id: string; webhook: string | null; workflow_inputs: Record<string, unknown> }[]
  }

  it('lists a deployment’s runs newest first, with their webhook and inputs, paged', async () => {
    const first = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, inputs: { prompt: 'a' }, webhook: 'https://h/1' })
    const second = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape, inputs: { prompt: 'b' } })
    await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch })
    const listed = await runsOf(DEPLOYMENT_IDS.dreamscape)
    expect(listed.map((r) => r.id)).toEqual([second, first])
    expect(listed[1]).toMatchObject({ webhook: 'https://h/1', workflow_inputs: { prompt: 'a' } })
    expect((await runsOf(DEPLOYMENT_IDS.dreamscape, '?limit=1&offset=1')).map((r) => r.id)).toEqual([first])
    expect((await call(sim, '/api/deployment/00000000-0000-4000-8000-000000000000/runs')).status).toBe(404)
  })

  it('loseQueueAnswers creates the run but cuts the connection; dropQueueRequests creates nothing', async () => {
    sim.faults.loseQueueAnswers = 1
    const body = JSON.stringify({ deployment_id: DEPLOYMENT_IDS.dreamscape, webhook: 'https://h/lost' })
    const post = () => fetch(`${sim.url}${QUEUE}`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body })
    await expect(post()).rejects.toThrow()
    expect(sim.stats()).toMatchObject({ runsQueued: 1, queueAnswersLost: 1 })
    expect((await runsOf(DEPLOYMENT_IDS.dreamscape)).map((r) => r.webhook)).toEqual(['https://h/lost'])
    expect(sim.faults.loseQueueAnswers).toBeNull()

    sim.faults.dropQueueRequests = 1
    await expect(post()).rejects.toThrow()
    expect(sim.stats().runsQueued).toBe(1)
    expect(sim.faults.dropQueueRequests).toBeNull()
    // Both knobs are spent: the next call is answered.
    expect((await post()).status).toBe(200)
  })
})
