import type { InputSpec, InputValue, SeedDeployment } from './deployments'

/** The nine status words of comfydeploy.md §4 (`uploading` exists but the simulator never emits it). */
export type CdStatus =
  | 'not-started'
  | 'queued'
  | 'started'
  | 'running'
  | 'uploading'
  | 'success'
  | 'failed'
  | 'timeout'
  | 'cancelled'

export const TERMINAL: ReadonlySet<CdStatus> = new Set(['success', 'failed', 'timeout', 'cancelled'])

/** Simulated owner of everything; real ids are Clerk-style strings. */
export const SIM_USER_ID = 'user_2simCourier'
export const SIM_ORG_ID = 'org_2simCourier'

export interface MediaItem {
  url: string
  type: 'output' | 'temp'
  filename: string
  subfolder: string
  is_public: boolean
  upload_duration: number
  output_id: string
}

/** `WorkflowRunOutputModel` (§8). */
export interface RunOutputModel {
  id: string
  run_id: string
  data: Record<string, MediaItem[]>
  node_meta: { node_id: string; node_class: string }
  created_at: string
  updated_at: string
  node_id: string
  output_id: string
}

export interface CdRunState {
  id: string
  number: number
  deployment: SeedDeployment
  /** `inputs` exactly as submitted (the server keeps them, unknown keys included). */
  submitted: Record<string, unknown>
  webhook: string | null
  intermediate: boolean
  status: CdStatus
  liveStatus: string | null
  progress: number
  createdAt: number
  updatedAt: number
  queuedAt: number | null
  startedAt: number | null
  endedAt: number | null
  modalCallId: string | null
  outputs: RunOutputModel[]
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const seconds = (from: number | null, to: number | null) =>
  from === null || to === null ? null : Math.round(to - from) / 1000

function inputModel(input: InputSpec): Record<string, InputValue | string[] | undefined> {
  return {
    type: input.type,
    class_type: input.class_type,
    input_id: input.input_id,
    default_value: input.default_value,
    min_value: input.min_value ?? null,
    max_value: input.max_value ?? null,
    step: input.step ?? null,
    display_name: input.display_name,
    description: input.description ?? '',
    enum_options: input.enum_options ?? null,
  }
}

/** `DeploymentModel` (§7), with the server-only extras a real reply carries. */
export function deploymentModel(d: SeedDeployment): Record<string, unknown> {
  return {
    id: d.id,
    user_id: SIM_USER_ID,
    org_id: SIM_ORG_ID,
    workflow_version_id: d.workflowVersionId,
    workflow_id: d.workflowId,
    machine_id: d.machine.id,
    share_slug: null,
    description: d.description,
    share_options: null,
    showcase_media: null,
    environment: d.environment,
    created_at: d.createdAt,
    updated_at: d.createdAt,
    workflow: { id: d.workflowId, name: d.name, cover_url: null },
    version: { id: d.workflowVersionId, version: d.version },
    machine: { id: d.machine.id, name: d.machine.name },
    input_types: d.inputs.map(inputModel),
    output_types: d.outputs.map((o) => ({ class_type: o.class_type, output_id: o.output_id })),
    gpu: d.gpu,
    concurrency_limit: 2,
    run_timeout: 300,
    idle_timeout: 60,
    keep_warm: 0,
    modal_image_id: null,
    activated_at: d.createdAt,
    dub_link: null,
  }
}

/** `WorkflowRunModel` (§3), every field. `queuePosition` is only given when the caller asked for it. */
export function runModel(run: CdRunState, queuePosition: number | null): Record<string, unknown> {
  const d = run.deployment
  return {
    id: run.id,
    workflow_version_id: d.workflowVersionId,
    workflow_inputs: run.submitted,
    workflow_id: d.workflowId,
    machine_id: d.machine.id,
    origin: 'api',
    status: run.status,
    live_status: run.liveStatus,
    progress: run.progress,
    number: run.number,
    user_id: SIM_USER_ID,
    org_id: SIM_ORG_ID,
    created_at: iso(run.createdAt),
    updated_at: iso(run.updatedAt),
    queued_at: iso(run.queuedAt),
    started_at: iso(run.startedAt),
    ended_at: iso(run.endedAt),
    duration: seconds(run.createdAt, run.endedAt),
    cold_start_duration: seconds(run.queuedAt, run.startedAt),
    cold_start_duration_total: seconds(run.createdAt, run.startedAt),
    run_duration: seconds(run.startedAt, run.endedAt),
    gpu_event_id: null,
    gpu: d.gpu,
    machine_version: null,
    machine_type: 'comfy-deploy-serverless',
    modal_function_call_id: run.modalCallId,
    is_realtime: false,
    webhook: run.webhook,
    webhook_status: null,
    webhook_intermediate_status: run.intermediate,
    queue_position: queuePosition,
    outputs: run.outputs,
  }
}

/** Dialect A webhook body (§9.2): the same keys on every event, `live_status` present even when null. */
export function webhookBody(run: CdRunState, outputs: RunOutputModel[]): Record<string, unknown> {
  return {
    event_type: 'run.updated',
    run_id: run.id,
    status: run.status,
    live_status: run.liveStatus,
    progress: run.progress,
    outputs,
  }
}
