import { z } from 'zod'

/** ComfyDeploy replies, parsed leniently: strict about what we use, tolerant of fields that grow. */
export const InputModel = z.looseObject({
  type: z.string().nullish(),
  class_type: z.string().nullish(),
  input_id: z.string().min(1),
  default_value: z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())]).nullish(),
  min_value: z.number().nullish(),
  max_value: z.number().nullish(),
  step: z.number().nullish(),
  display_name: z.string().nullish(),
  description: z.string().nullish(),
  enum_options: z.array(z.string()).nullish(),
})
export type InputModel = z.infer<typeof InputModel>

export const DeploymentModel = z.looseObject({
  id: z.string().min(1),
  description: z.string().nullish(),
  environment: z.string().nullish(),
  workflow: z.looseObject({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
  input_types: z.array(InputModel).nullish(),
  /** A server extra (issue 17): the GPU the deployment runs on; an odd value is dropped, never fatal. */
  gpu: z.string().nullish().catch(undefined),
})
export type DeploymentModel = z.infer<typeof DeploymentModel>

/**
 * `WorkflowRunOutputModel` (§8). `data` maps a ComfyUI `ui` key to a list of media items, strings (`text`)
 * or booleans; a value that is not a list is tolerated here and skipped when outputs are read.
 */
export const RunOutputModel = z.looseObject({
  id: z.string().nullish(),
  output_id: z.string().nullish(),
  node_id: z.string().nullish(),
  node_meta: z.looseObject({ node_id: z.string().nullish(), node_class: z.string().nullish() }).nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
})
export type RunOutputModel = z.infer<typeof RunOutputModel>

export const RunModel = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  live_status: z.string().nullish(),
  progress: z.number().nullish(),
  outputs: z.array(RunOutputModel).nullish(),
  queue_position: z.number().nullish(),
})

/** A field read only to price a run: a value of an unexpected type reads as unsaid, never fails the run. */
const priced = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null)

/** What a run used (§3; spend.md): its GPU, its session, and the times that bound its GPU seconds. */
export const RunTimings = z.looseObject({
  gpu: priced(z.string().min(1)),
  gpu_event_id: priced(z.union([z.string().min(1), z.number()])),
  queued_at: priced(z.string()),
  started_at: priced(z.string()),
  ended_at: priced(z.string()),
  /** ended − started, seconds. */
  run_duration: priced(z.number().finite().nonnegative()),
})

/** `GET /platform/gpu-pricing`: one flat object, GPU name → dollars per second. */
export const GpuPricingReply = z.record(z.string().min(1), z.number().finite().nonnegative())

/** `GET /platform/usage`: only the total is needed; the rows and credits are kept for what they say. */
export const UsageReply = z.looseObject({
  total_cost: z.number().finite().nonnegative(),
  final_cost: z.number().nullish(),
  usage: z.array(z.unknown()).nullish(),
})

/** `GET /platform/usage-details`: one entry per day, `{date: "2026-12-06", <GPU>: dollars, …}`. */
export const UsageDetailsReply = z.array(z.looseObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}/) }))

/** One `GPUEventModel` of `GET /machine/{id}/events`. */
export const MachineEvent = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish(),
  session_id: z.union([z.string(), z.number()]).nullish(),
  start_time: z.string().nullish(),
  end_time: z.string().nullish(),
  gpu: z.string().nullish().catch(null),
  cost: z.number().finite().nullish().catch(null),
})

/** One entry of `GET /deployment/{id}/runs`: only what finding a run whose queue answer was lost needs. */
export const RunListEntry = z.looseObject({
  id: z.string().min(1),
  webhook: z.string().nullish(),
  workflow_inputs: z.unknown().optional(),
  created_at: z.string().nullish(),
})

export const QueueReply = z.looseObject({ run_id: z.string().min(1) })

/** Both webhook dialects: the SDK callback body (seed 000, `event_type` optional) and the newer 0–100 one. */
export const WebhookBody = z.looseObject({
  run_id: z.string().min(1),
  status: z.string().min(1).optional(),
  event_type: z.string().optional(),
  live_status: z.string().nullish(),
  progress: z.number().nullish(),
  outputs: z.array(RunOutputModel).nullish(),
})

export const UploadReply = z.looseObject({
  file_url: z.string().url(),
  file_id: z.string().nullish(),
  file_name: z.string().nullish(),
  message: z.string().nullish(),
})

/** Server `{status: "success", message}` or docs `{success: true, message}` (§6); any 2xx means "requested". */
export const CancelReply = z.looseObject({
  status: z.string().nullish(),
  success: z.boolean().nullish(),
  message: z.string().nullish(),
})
