import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { DEPLOYMENT_IDS } from './deployments'
import { MachineSlots } from './machine-slots'
import { call, pollRun, queue, succeeded } from './test-kit'

describe('MachineSlots', () => {
  it('lets `limit` runs in per machine, and the next waiting run in as each leaves, in the order they came', async () => {
    const slots = new MachineSlots(2)
    const never = new AbortController().signal
    const a = await slots.enter('m', never)
    await slots.enter('m', never)
    // Another machine has slots of its own.
    await slots.enter('other', never)
    const order: string[] = []
    const third = slots.enter('m', never).then((leave) => (order.push('third'), leave))
    const fourth = slots.enter('m', never).then((leave) => (order.push('fourth'), leave))
    await new Promise((r) => setTimeout(r, 5))
    expect(order).toEqual([])
    expect(slots.inUse('m')).toBe(2)
    a()
    a() // a second call frees nothing more
    ;(await third)()
    await fourth
    expect(order).toEqual(['third', 'fourth'])
    expect(slots.inUse('m')).toBe(2)
  })

  it('takes a waiting run out of the line when its signal aborts, without a slot', async () => {
    const slots = new MachineSlots(1)
    const leave = await slots.enter('m', new AbortController().signal)
    const stop = new AbortController()
    const waiting = slots.enter('m', stop.signal)
    stop.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
    leave()
    expect(slots.inUse('m')).toBe(0)
    await expect(slots.enter('m', stop.signal)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('refuses a limit that is not a whole number of at least one', () => {
    expect(() => new MachineSlots(0)).toThrow(RangeError)
    expect(() => new MachineSlots(1.5)).toThrow(RangeError)
  })
})

describe('ComfyDeploy simulator, a machine’s concurrency_limit', () => {
  let sim: Sim | undefined
  afterEach(async () => {
    await sim?.close()
    sim = undefined
  })

  it('says its machines’ concurrency_limit: 2 by default, else what it was started with', async () => {
    sim = await startSim({ timeScale: 0.05 })
    expect((await call(sim, `/api/deployment/${DEPLOYMENT_IDS.dreamscape}`)).body).toMatchObject({ concurrency_limit: 2 })
    await sim.close()
    sim = await startSim({ timeScale: 0.05, machineConcurrency: 8 })
    expect((await call(sim, `/api/deployment/${DEPLOYMENT_IDS.dreamscape}`)).body).toMatchObject({ concurrency_limit: 8 })
  })

  it('holds a run beyond the limit not-started, with its place, until one of the machine’s runs ends', async () => {
    // timeScale 0.2: a run lasts about half a second, long enough to see the third one wait.
    sim = await startSim({ timeScale: 0.2, machineConcurrency: 2 })
    const deployment = { deployment_id: DEPLOYMENT_IDS.dreamscape }
    const first = await queue(sim, deployment)
    await queue(sim, deployment)
    const third = await queue(sim, deployment)
    await pollRun(sim, first, (run) => run.status === 'running')
    expect((await call(sim, `/api/run/${third}?queue_position=true`)).body).toMatchObject({ status: 'not-started', queued_at: null, queue_position: 0 })
    // Not dispatched yet: the real server has no function call to cancel (§6).
    expect((await call(sim, `/api/run/${third}/cancel`, { method: 'POST' })).status).toBe(500)
    const firstDone = await pollRun(sim, first, succeeded)
    const thirdDone = await pollRun(sim, third, succeeded)
    // It started only once the first one had ended.
    expect(Date.parse(String(thirdDone.queued_at))).toBeGreaterThanOrEqual(Date.parse(String(firstDone.ended_at)))
  })
})
