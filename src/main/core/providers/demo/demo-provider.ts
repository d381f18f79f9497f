import { startSim, type Sim } from '../../../../sim/index'
import { ComfyDeployClient } from '../comfydeploy/client'

/**
 * The offline default: the provider simulator embedded in-process, driven through the real ComfyDeploy
 * client, so a new user sees the whole flow — form, live run, saved image — with no account and no cost.
 */
export async function startDemoProvider(opts: { timeScale?: number; painterWorker?: string }): Promise<{ client: ComfyDeployClient; sim: Sim }> {
  const sim = await startSim({
    port: 0,
    host: '127.0.0.1',
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
