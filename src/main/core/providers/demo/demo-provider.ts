import { startSim, type Sim } from '../../../../sim/index'
import { ComfyDeployClient } from '../comfydeploy/client'

/**
 * How many runs the Demo's machines work on at once; more wait there, `not-started`, as on a real service.
 * The local queue gives the Demo one more (`PROVIDER_CONCURRENCY`), which waits there to start the moment a
 * machine frees.
 */
export const DEMO_MACHINE_CONCURRENCY = 8

/**
 * The offline default: the provider simulator embedded in-process, driven through the real ComfyDeploy
 * client, so a new user sees the whole flow — form, live run, saved image — with no account and no cost.
 */
export async function startDemoProvider(opts: { timeScale?: number; painterWorker?: string }): Promise<{ client: ComfyDeployClient; sim: Sim }> {
  const sim = await startSim({
    port: 0,
    host: '127.0.0.1',
    machineConcurrency: DEMO_MACHINE_CONCURRENCY,
    ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
    ...(opts.painterWorker !== undefined ? { painterWorker: opts.painterWorker } : {}),
  })
  const client = new ComfyDeployClient({
    id: 'demo',
    label: 'Demo',
    demo: true,
    baseUrl: `${sim.url}/api`,
    apiKey: 'demo',
    allowLoopbackMedia: true,
  })
  return { client, sim }
}
