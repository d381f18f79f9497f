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
  /** VideoHelperSuite's items (`gifs`) say what they hold, e.g. `video/h264-mp4`. */
  format?: string
}

/** One entry of an output's `data` list: a file, or a plain string (`text`). */
export type OutputItem = MediaItem | string

/** `WorkflowRunOutputModel` (§8). */
export interface RunOutputModel {
  id: string
  run_id: string
  data: Record<string, OutputItem[]>
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
  /** The run's GPU session (`gpu_event_id`), opened when the container takes the input (queued). */
  sessionId: string | null
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
/** `concurrencyLimit`: how many runs its machine works on at once (`MachineSlots`). */
export function deploymentModel(d: SeedDeployment, concurrencyLimit: number): Record<string, unknown> {
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
    concurrency_limit: concurrencyLimit,
    run_timeout: 300,
    idle_timeout: 60,
    keep_warm: 0,
    modal_image_id: null,
    activated_at: d.createdAt,
    dub_link: null,
  }
}

/** `WorkflowRunModel` (§3), every field. `queuePosition` is only given when the caller asked for it. */
export function runModel(run: CdRunState, queuePosition: number | null, outputs: RunOutputModel[] = run.outputs): Record<string, unknown> {
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
    gpu_event_id: run.sessionId,
    gpu: d.gpu,
    machine_version: null,
    machine_type: 'comfy-deploy-serverless',
    modal_function_call_id: run.modalCallId,
    is_realtime: false,
    webhook: run.webhook,
    webhook_status: null,
    webhook_intermediate_status: run.intermediate,
    queue_position: queuePosition,
    outputs,
  }
}

/** Copies of `outputs` whose file URLs went through `sign` (presigned private links, §8). */
export function mapOutputUrls(outputs: readonly RunOutputModel[], sign: (url: string) => string): RunOutputModel[] {
  return outputs.map((output) => ({
    ...output,
    data: Object.fromEntries(
      Object.entries(output.data).map(([key, items]) => [key, items.map((item) => (typeof item === 'string' ? item : { ...item, url: sign(item.url) }))]),
    ),
  }))
}

export type WebhookDialect = 'A' | 'A-no-event-type' | 'B'
export type WebhookEvent = 'run.updated' | 'run.output'

/** The newer documentation's five words (§9.2 dialect B) for the server's nine. */
export function dialectBStatus(status: CdStatus): 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled' {
  switch (status) {
    case 'not-started':
    case 'queued':
      return 'queued'
    case 'started':
    case 'running':
    case 'uploading':
      return 'processing'
    case 'success':
      return 'completed'
    case 'failed':
    case 'timeout':
      return 'failed'
    case 'cancelled':
      return 'cancelled'
  }
}

/**
 * A webhook body (§9.2). Dialect A: the same keys on every event, `live_status` present even when null,
 * `event_type` first (or left out: `A-no-event-type`). Dialect B: `run_id`, a five-word `status`,
 * `progress` 0–100 and `outputs`, nothing else.
 */
export function webhookBody(
  run: CdRunState,
  outputs: RunOutputModel[],
  dialect: WebhookDialect = 'A',
  event: WebhookEvent = 'run.updated',
): Record<string, unknown> {
  if (dialect === 'B') {
    return { run_id: run.id, status: dialectBStatus(run.status), progress: Math.round(run.progress * 100), outputs }
  }
  return {
    ...(dialect === 'A' ? { event_type: event } : {}),
    run_id: run.id,
    status: run.status,
    live_status: run.liveStatus,
    progress: run.progress,
    outputs,
  }
}
