/**
 * The provider simulator: a local HTTP server that behaves like ComfyDeploy (and later RunComfy) for tests,
 * benchmarks and the Demo provider. See docs/simulator.md.
 */
export { startSim, type Sim, type SimOptions, type WebhookSentHook } from './sim-server'
export { SimFaults, SimFaultsPatch, defaultFaults, describeFaults } from './faults'
export type { SimStats } from './stats'
export { DEPLOYMENTS, DEPLOYMENT_IDS, type SeedDeployment } from './comfydeploy/deployments'
export { COMFYDEPLOY_PREFIX } from './comfydeploy/routes'
