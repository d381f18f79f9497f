/**
 * The seeded ComfyDeploy deployments. The table is the whole definition of a deployment: its public
 * model (comfydeploy.md §7), the node classes its progress walks through, its outputs and how it ends.
 * Add a row to add a deployment; ids are fixed so tests, fixtures and the Demo provider can name them.
 */

export type InputType = 'string' | 'float' | 'integer' | 'boolean' | 'binary'
export type InputValue = string | number | boolean | null | string[]

/** One `InputModel` (§7); optional fields are written as null when absent. */
export interface InputSpec {
  type: InputType
  class_type: string
  input_id: string
  default_value: InputValue
  display_name: string
  description?: string
  min_value?: number
  max_value?: number
  step?: number
  enum_options?: string[]
}

export interface OutputSpec {
  output_id: string
  node_id: string
  class_type: 'ComfyDeployStdOutputImage' | 'ComfyDeployStdOutputAny'
  /** Images this node saves per run (a batch): all land in one output's `data.images`. */
  count: number
  width: number
  height: number
}

/** Phase lengths in ms at timeScale 1. */
export interface TimelineSpec {
  coldStartMs: number
  queuedMs: number
  startedMs: number
  tickMs: number
  /** Progress ticks 1/(ticks+1) … ticks/(ticks+1); 9 gives 0.1 … 0.9. */
  ticks: number
  /** From the last tick to the end (outputs "uploading"). */
  finishMs: number
}

export const DEFAULT_TIMELINE: TimelineSpec = {
  coldStartMs: 300,
  queuedMs: 300,
  startedMs: 200,
  tickMs: 150,
  ticks: 9,
  finishMs: 150,
}

export interface SeedDeployment {
  id: string
  /** The workflow's name, which is what people see as the deployment's name. */
  name: string
  description: string
  environment: 'production' | 'staging'
  workflowId: string
  workflowVersionId: string
  version: number
  machine: { id: string; name: string }
  gpu: string
  createdAt: string
  inputs: InputSpec[]
  outputs: OutputSpec[]
  /** Class types in execution order; `live_status` is `Executing <class>` for the node at the current progress. */
  nodes: string[]
  /** Which inputs make the picture differ; missing ones are read as ''. */
  picture: { prompt: string; seed: string; steps?: string }
  timeline?: Partial<TimelineSpec>
  /** The run fails on reaching this progress, reporting this node (and no outputs). */
  failAt?: { progress: number; node: string }
}

const TEXT = 'ComfyUIDeployExternalText'
const NUMBER = 'ComfyUIDeployExternalNumber'
const NUMBER_INT = 'ComfyUIDeployExternalNumberInt'
const SLIDER_INT = 'ComfyUIDeployExternalNumberSliderInt'
const MAX_SEED = 2 ** 32 - 1

const seedInput: InputSpec = {
  type: 'integer',
  class_type: NUMBER_INT,
  input_id: 'seed',
  default_value: 42,
  display_name: 'Seed',
  description: 'Same seed and prompt, same picture.',
  min_value: 0,
  max_value: MAX_SEED,
  step: 1,
}

const SDXL_NODES = [
  'CheckpointLoaderSimple',
  'CLIPTextEncode',
  'CLIPTextEncode',
  'EmptyLatentImage',
  'KSampler',
  'KSampler',
  'KSampler',
  'VAEDecode',
  'ComfyDeployStdOutputImage',
]

export const DEPLOYMENTS: readonly SeedDeployment[] = [
  {
    id: '0b6f3c1e-7a52-4d8e-9f31-5c2a8e4d7b10',
    name: 'Dreamscape SDXL',
    description: 'Text to image, SDXL base, 512×512.',
    environment: 'production',
    workflowId: '1c7a4d2f-8b63-4e9f-a042-6d3b9f5e8c21',
    workflowVersionId: '2d8b5e3a-9c74-4fa0-b153-7e4caf6f9d32',
    version: 3,
    machine: { id: '3e9c6f4b-ad85-4ab1-8264-8f5db07aae43', name: 'sim-a10g' },
    gpu: 'A10G',
    createdAt: '2025-11-03T09:12:00.000Z',
    inputs: [
      {
        type: 'string',
        class_type: TEXT,
        input_id: 'positive_prompt',
        default_value: 'a lighthouse at dusk, volumetric light',
        display_name: 'Prompt',
        description: 'What to draw.',
      },
      {
        type: 'string',
        class_type: TEXT,
        input_id: 'negative_prompt',
        default_value: 'blurry, low quality',
        display_name: 'Negative prompt',
        description: 'What to avoid.',
      },
      {
        type: 'integer',
        class_type: SLIDER_INT,
        input_id: 'steps',
        default_value: 25,
        display_name: 'Steps',
        min_value: 1,
        max_value: 60,
        step: 1,
      },
      {
        type: 'float',
        class_type: NUMBER,
        input_id: 'cfg',
        default_value: 7,
        display_name: 'CFG scale',
        min_value: 1,
        max_value: 20,
        step: 0.5,
      },
      seedInput,
    ],
    outputs: [
      {
        output_id: 'final_result',
        node_id: '42',
        class_type: 'ComfyDeployStdOutputImage',
        count: 1,
        width: 512,
        height: 512,
      },
    ],
    nodes: SDXL_NODES,
    picture: { prompt: 'positive_prompt', seed: 'seed', steps: 'steps' },
  },
  {
    id: '4fad7a5c-be96-4bc2-9375-90e6c18bbf54',
    name: 'Quick Sketch',
    description: 'Fast drafts: two 512×512 sketches per run.',
    environment: 'production',
    workflowId: '5abe8b6d-cfa7-4cd3-8486-a1f7d29cc065',
    workflowVersionId: '6bcf9c7e-d0b8-4de4-9597-b208e3add176',
    version: 1,
    machine: { id: '7cd0ad8f-e1c9-4ef5-a6a8-c319f4bee287', name: 'sim-t4' },
    gpu: 'T4',
    createdAt: '2025-11-05T14:40:00.000Z',
    inputs: [
      {
        type: 'string',
        class_type: TEXT,
        input_id: 'prompt',
        default_value: 'a fox in the snow, pencil sketch',
        display_name: 'Prompt',
      },
      seedInput,
    ],
    outputs: [
      {
        output_id: 'sketches',
        node_id: '9',
        class_type: 'ComfyDeployStdOutputImage',
        count: 2,
        width: 512,
        height: 512,
      },
    ],
    nodes: ['CheckpointLoaderSimple', 'CLIPTextEncode', 'EmptyLatentImage', 'KSampler', 'VAEDecode', 'SaveImage'],
    picture: { prompt: 'prompt', seed: 'seed' },
  },
  {
    id: '8de1be90-f2da-4f06-b7b9-d42a05cff398',
    name: 'Always Fails',
    description: 'Fails in VAEDecode every time: for trying error handling.',
    environment: 'production',
    workflowId: '9ef2cfa1-03eb-4017-88ca-e53b16d00409',
    workflowVersionId: 'af03d0b2-14fc-4128-99db-f64c27e1151a',
    version: 2,
    machine: { id: '3e9c6f4b-ad85-4ab1-8264-8f5db07aae43', name: 'sim-a10g' },
    gpu: 'A10G',
    createdAt: '2025-11-07T08:05:00.000Z',
    inputs: [
      {
        type: 'string',
        class_type: TEXT,
        input_id: 'positive_prompt',
        default_value: 'this will not render',
        display_name: 'Prompt',
      },
      seedInput,
    ],
    outputs: [
      {
        output_id: 'final_result',
        node_id: '42',
        class_type: 'ComfyDeployStdOutputImage',
        count: 1,
        width: 512,
        height: 512,
      },
    ],
    nodes: SDXL_NODES,
    picture: { prompt: 'positive_prompt', seed: 'seed' },
    failAt: { progress: 0.7, node: 'VAEDecode' },
  },
]

/** Stable names for the seeded ids, for tests and the Demo provider. */
export const DEPLOYMENT_IDS = {
  dreamscape: '0b6f3c1e-7a52-4d8e-9f31-5c2a8e4d7b10',
  quickSketch: '4fad7a5c-be96-4bc2-9375-90e6c18bbf54',
  alwaysFails: '8de1be90-f2da-4f06-b7b9-d42a05cff398',
} as const

export function findDeployment(id: string): SeedDeployment | undefined {
  return DEPLOYMENTS.find((d) => d.id === id)
}
