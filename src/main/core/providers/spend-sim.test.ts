import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEPLOYMENTS, DEPLOYMENT_IDS, RUNCOMFY_DEPLOYMENT_IDS, startSim, type Sim } from '../../../sim/index'
import { KEEP_WARM_MS } from '../../../sim/ledger'
import { COMFYDEPLOY_GPU_PRICES } from '../../../sim/prices'
import { RUNCOMFY_SEED_BALANCE_USD } from '../../../sim/runcomfy/balance'
import { ComfyDeployClient } from './comfydeploy/client'
import { startDemoProvider } from './demo/demo-provider'
import { RunComfyClient } from './runcomfy/client'
import type { ProviderClient, RunSnapshot } from './types'

const SCALE = 0.05
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Long enough for a session's keep-warm tail to be over, so the account figures count it. */
const afterTail = () => sleep(KEEP_WARM_MS * SCALE + 50)

async function untilEnded(client: ProviderClient, runId: string, deploymentId: string): Promise<RunSnapshot> {
  for (let i = 0; i < 1000; i++) {
    const snapshot = await client.getRun(runId, deploymentId)
    if (snapshot.usage !== undefined) return snapshot
    await sleep(10)
  }
  throw new Error('the run never ended')
}

describe('spend figures of the clients against the simulator', () => {
  let sim: Sim
  let cd: ComfyDeployClient
  let rc: RunComfyClient
  beforeAll(async () => {
    sim = await startSim({ timeScale: SCALE })
    cd = new ComfyDeployClient({ baseUrl: `${sim.url}/api`, apiKey: 'k', allowLoopbackMedia: true })
    rc = new RunComfyClient({ baseUrl: sim.url, apiKey: 'k', allowLoopbackMedia: true })
  })
  afterAll(() => sim.close())
  beforeEach(() => sim.reset())

  it('ComfyDeploy: deployments name their GPU, and the price table is read', async () => {
    const listed = await cd.listDeployments()
    for (const seeded of DEPLOYMENTS) expect(listed.find((d) => d.id === seeded.id)?.hardware).toBe(seeded.gpu)
    expect(await cd.gpuPricing()).toEqual(COMFYDEPLOY_GPU_PRICES)
  })

  it('ComfyDeploy: a run\'s usage is the simulator\'s own estimate, on the session its machine lists', async () => {
    const deploymentId = DEPLOYMENT_IDS.dreamscape
    const { providerRunId } = await cd.queue({ deploymentId, inputs: {}, webhookUrl: null })
    const { usage } = await untilEnded(cd, providerRunId, deploymentId)
    const [entry] = sim.ledger()
    expect(usage).toEqual({ gpu: entry?.gpu, seconds: entry?.estimateSeconds, executionOnly: false, sessionId: entry?.sessionId })
    expect((usage?.seconds ?? 0) * COMFYDEPLOY_GPU_PRICES[usage?.gpu ?? '']!).toBe(entry?.estimateUsd)

    await afterTail()
    const sessions = await cd.machineSessions(entry?.machineId ?? '')
    expect(sessions).toEqual([{ sessionId: entry?.sessionId, gpu: entry?.gpu, startMs: entry?.sessionStartMs, endMs: entry?.sessionEndMs, usd: entry?.billedUsd }])
    const now = Date.now()
    const account = await cd.accountUsage({ fromMs: now - 3_600_000, toMs: now + 60_000 })
    expect(account.totalUsd).toBe(entry?.billedUsd)
    expect(account.days).toEqual([{ day: new Date(entry?.sessionStartMs ?? 0).toISOString().slice(0, 10), usd: entry?.billedUsd }])
    // What the account was billed exceeds the run's estimate by the keep-warm tail, no more.
    expect(account.totalUsd - (entry?.estimateUsd ?? 0)).toBeCloseTo(((KEEP_WARM_MS * SCALE) / 1000) * (entry?.usdPerSecond ?? 0), 12)
  })

  it('ComfyDeploy: a failed run has usage too', async () => {
    const deploymentId = DEPLOYMENT_IDS.alwaysFails
    const { providerRunId } = await cd.queue({ deploymentId, inputs: {}, webhookUrl: null })
    const snapshot = await untilEnded(cd, providerRunId, deploymentId)
    expect(snapshot.status).toBe('failed')
    expect(snapshot.usage).toMatchObject({ seconds: sim.ledger()[0]?.estimateSeconds, executionOnly: false })
  })

  it('RunComfy: a request\'s usage is on its deployment\'s SKU, and the balance falls by its session', async () => {
    expect(await rc.balance()).toBe(RUNCOMFY_SEED_BALANCE_USD)
    const deploymentId = RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait
    const { providerRunId } = await rc.queue({ deploymentId, inputs: {}, webhookUrl: null })
    const snapshot = await untilEnded(rc, providerRunId, deploymentId)
    const [entry] = sim.ledger()
    expect(snapshot.usage).toEqual({ gpu: 'AMPERE_48', seconds: entry?.estimateSeconds, executionOnly: false, sessionId: null })
    await afterTail()
    expect(await rc.balance()).toBeCloseTo(RUNCOMFY_SEED_BALANCE_USD - (entry?.billedUsd ?? 0), 6)
    expect((await rc.listDeployments()).find((d) => d.id === deploymentId)?.hardware).toBe('AMPERE_48')
  })

  it('RunComfy: a request cancelled in the queue used nothing', async () => {
    const deploymentId = RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait
    const { providerRunId } = await rc.queue({ deploymentId, inputs: {}, webhookUrl: null })
    await rc.cancel(providerRunId, deploymentId)
    const snapshot = await untilEnded(rc, providerRunId, deploymentId)
    expect(snapshot).toMatchObject({ status: 'cancelled', usage: null })
    expect(await rc.balance()).toBe(RUNCOMFY_SEED_BALANCE_USD)
  })
})

describe('the Demo provider', () => {
  it('has the ComfyDeploy spend methods, on its own simulator', async () => {
    const { client, sim } = await startDemoProvider({ timeScale: SCALE })
    try {
      expect(await client.gpuPricing()).toEqual(COMFYDEPLOY_GPU_PRICES)
      const now = Date.now()
      expect(await client.accountUsage({ fromMs: now - 1000, toMs: now })).toEqual({ totalUsd: 0, days: [] })
      expect(await client.machineSessions(DEPLOYMENTS[0]?.machine.id ?? '')).toEqual([])
    } finally {
      await sim.close()
    }
  })
})
