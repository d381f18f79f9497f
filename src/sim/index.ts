/**
 * The provider simulator: a local HTTP server that behaves like ComfyDeploy (and later RunComfy) for tests,
 * benchmarks and the Demo provider. See docs/simulator.md.
 */
export { startSim, type Sim, type SimOptions, type WebhookSentHook } from './sim-server'
export { SimFaults, SimFaultsPatch, defaultFaults, describeFaults } from './faults'
export type { SimStats } from './stats'
export { DEPLOYMENTS, DEPLOYMENT_IDS, type SeedDeployment } from './comfydeploy/deployments'
export { COMFYDEPLOY_PREFIX } from './comfydeploy/routes'
export {
  RUNCOMFY_DEPLOYMENTS,
  RUNCOMFY_DEPLOYMENT_IDS,
  type RcDeployment as RunComfyDeployment,
  type ComfyDeployment as RunComfyComfyDeployment,
  type LoraDeployment as RunComfyLoraDeployment,
  type ApiGraph as RunComfyApiGraph,
  type FlatField as RunComfyFlatField,
} from './runcomfy/deployments'
export { RUNCOMFY_PREFIXES, RUNCOMFY_V2 } from './runcomfy/routes'
export { RUNCOMFY_STORAGE, RUNCOMFY_TIMELINE, RUNCOMFY_RETRY } from './runcomfy/request-engine'
export { OBJECT_INFO as RUNCOMFY_OBJECT_INFO } from './runcomfy/object-info'
export { RC_ERRORS as RUNCOMFY_ERROR_CODES } from './runcomfy/errors'
