import { z } from 'zod'
import { InputValues, ProviderId } from './run'
import { GridSetup } from './grid'

/**
 * How a file was made, as this app writes it into every output it saves (issue 16): PNG text chunk and XMP
 * property `comfy-courier`, video container tag `comfy-courier`, or the sidecar `{name}.json`.
 */
export const COURIER_RECORD_KEY = 'comfy-courier'
export const COURIER_RECORD_FORMAT = 'comfy-courier/1'

export const CourierRecord = z.object({
  format: z.literal(COURIER_RECORD_FORMAT),
  /** "Comfy Courier 0.1.0": the app and version that wrote it. */
  app: z.string(),
  provider: ProviderId,
  deploymentId: z.string(),
  deploymentName: z.string(),
  runId: z.string(),
  providerRunId: z.string().nullable(),
  /** Which of the run's outputs this file is (0-based, as the library numbers them from 1 in names). */
  outputIndex: z.number().int().nonnegative(),
  /** Every input the run was sent, exactly. */
  inputs: InputValues,
  seed: z.number().nullable(),
  prompt: z.string().nullable(),
  negativePrompt: z.string().nullable(),
  /** Epoch ms: when the run was created, when it finished, when this file was saved. */
  timings: z.object({ createdAt: z.number(), finishedAt: z.number().nullable(), savedAt: z.number() }),
  /**
   * A grid image's set-up (issue 18). Such a file has no run of its own: `runId` then names the grid,
   * `inputs` are the fixed inputs the cells share, and `outputIndex` is 0.
   */
  grid: GridSetup.optional(),
})
export type CourierRecord = z.infer<typeof CourierRecord>

/** Whose generation data a file carries. */
export const MetadataSource = z.enum(['courier', 'comfyui', 'a1111', 'swarmui', 'invokeai'])
export type MetadataSource = z.infer<typeof MetadataSource>

/** What puts a file's deployment and inputs back in the form: only for a deployment this app knows. */
export const Restore = z.object({ provider: ProviderId, deploymentId: z.string(), inputs: InputValues })
export type Restore = z.infer<typeof Restore>

/**
 * `files.inspect` / `outputs.inspect`: a file's generation data, whoever wrote it. Null where unknown.
 * `workflow` (ComfyUI's UI graph) and `apiGraph` (its API-format prompt) are JSON text.
 */
export const Inspection = z.object({
  source: MetadataSource.nullable(),
  prompt: z.string().nullable(),
  negativePrompt: z.string().nullable(),
  seed: z.number().nullable(),
  steps: z.number().nullable(),
  cfg: z.number().nullable(),
  sampler: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  model: z.string().nullable(),
  workflow: z.string().nullable(),
  apiGraph: z.string().nullable(),
  restore: Restore.nullable(),
  /** A grid image's set-up (issue 18): its deployment, fixed inputs and axes, to open the grid again. */
  grid: GridSetup.optional(),
})
export type Inspection = z.infer<typeof Inspection>

/** An inspection of a file that says nothing of how it was made: every field unknown. */
export const emptyInspection = (): Inspection => ({
  source: null,
  prompt: null,
  negativePrompt: null,
  seed: null,
  steps: null,
  cfg: null,
  sampler: null,
  width: null,
  height: null,
  model: null,
  workflow: null,
  apiGraph: null,
  restore: null,
})
