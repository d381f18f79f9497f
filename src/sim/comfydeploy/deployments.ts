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

interface OutputNode {
  output_id: string
  node_id: string
  class_type: 'ComfyDeployStdOutputImage' | 'ComfyDeployStdOutputAny'
}

/** What one output node saves per run, by `kind`; the data key it lands under is in brackets. */
export type OutputSpec = OutputNode &
  (
    | {
        /** [images] `count` procedural PNGs (a batch), all in one output. */
        kind: 'png'
        count: number
        width: number
        height: number
      }
    /** [images] one procedural picture encoded by sharp. */
    | { kind: 'webp' | 'jpeg'; width: number; height: number }
    /** [gifs] the Motion Loop clips, WebM (VP9) and MP4 (H.264), from src/sim/media/fixtures. */
    | { kind: 'video' }
    /** [files] a JSON manifest of the run's other outputs. */
    | { kind: 'manifest' }
    /** [text] + [text_file] one caption, as the string a node showed and as the .txt file it saved. */
    | { kind: 'caption' }
    /** [text] + [text_file] every input as received (or defaulted), with its class and type. */
    | { kind: 'echo' }
    /** [images] one PNG of exactly `largeOutputBytes` (a knob), generated on each download. */
    | { kind: 'poster' }
  )

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
  /** Queue-time checks beyond types: `min_value`/`max_value` bounds (docs/simulator.md, "stricter inputs"). */
  checkBounds?: boolean
}

const EXTERNAL = 'ComfyUIDeployExternal'
const TEXT = `${EXTERNAL}Text`
const NUMBER = `${EXTERNAL}Number`
const NUMBER_INT = `${EXTERNAL}NumberInt`
const SLIDER_INT = `${EXTERNAL}NumberSliderInt`
/** The realtime input's class, misspelt as in the runner's code (comfydeploy.md §7). */
export const WEBSOCKET_IMAGE_CLASS = 'ComfyDeployWebscoketImageInput'

/** Input classes whose value is a URL (or a data URI): what the queue route checks as media. */
export const MEDIA_CLASSES: ReadonlySet<string> = new Set(
  ['Image', 'ImageAlpha', 'ImageBatch', 'Video', 'Audio', 'File', 'EXR', 'Lora', 'Checkpoint'].map((c) => `${EXTERNAL}${c}`),
)
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

function scaleTimeline(t: TimelineSpec, factor: number): TimelineSpec {
  return {
    coldStartMs: t.coldStartMs * factor,
    queuedMs: t.queuedMs * factor,
    startedMs: t.startedMs * factor,
    tickMs: t.tickMs * factor,
    ticks: t.ticks,
    finishMs: t.finishMs * factor,
  }
}

const ext = (cls: string) => `${EXTERNAL}${cls}`

/** "Every Input": one input per class of comfydeploy.md §7's table, in the table's order. */
const EVERY_INPUT: InputSpec[] = [
  { type: 'string', class_type: ext('Text'), input_id: 'prompt', default_value: 'a lighthouse at dusk, volumetric light', display_name: 'Prompt', description: 'Describe the picture you want, in as many words as you like.' },
  { type: 'string', class_type: ext('TextSingleLine'), input_id: 'title', default_value: 'Untitled', display_name: 'Title', description: 'A short name for this picture.' },
  {
    type: 'string',
    class_type: ext('TextAny'),
    input_id: 'sampler_name',
    default_value: 'euler',
    display_name: 'Sampler',
    description: 'How each step refines the picture; euler is quick and dependable.',
    // A TextAny node names one of a fixed set (comfydeploy.md §7: "enum-like"); its choices come with it.
    enum_options: ['euler', 'euler_ancestral', 'heun', 'dpmpp_2m', 'dpmpp_2m_sde', 'ddim', 'uni_pc'],
  },
  {
    type: 'string',
    class_type: ext('Enum'),
    input_id: 'scheduler',
    default_value: 'karras',
    display_name: 'Scheduler',
    description: 'How the noise fades over the steps; karras suits most pictures.',
    enum_options: ['normal', 'karras', 'exponential', 'sgm_uniform'],
  },
  { type: 'string', class_type: ext('Image'), input_id: 'input_image', default_value: null, display_name: 'Image', description: 'The picture to start from: upload one or paste its web address.' },
  { type: 'string', class_type: ext('ImageAlpha'), input_id: 'mask_image', default_value: null, display_name: 'Mask (with alpha)', description: 'A picture whose transparent areas are the ones to redraw.' },
  {
    type: 'string',
    class_type: ext('ImageBatch'),
    input_id: 'reference_images',
    default_value: null,
    display_name: 'Reference images',
    description: 'Pictures whose style or subject to follow: add as many as you like.',
  },
  { type: 'string', class_type: ext('Video'), input_id: 'input_video', default_value: null, display_name: 'Video', description: 'The clip to work from.' },
  { type: 'string', class_type: ext('Audio'), input_id: 'input_audio', default_value: null, display_name: 'Audio', description: 'The sound to work from.' },
  { type: 'string', class_type: ext('File'), input_id: 'input_file', default_value: null, display_name: 'File', description: 'Any file the workflow reads.' },
  { type: 'string', class_type: ext('EXR'), input_id: 'input_exr', default_value: null, display_name: 'EXR image', description: 'A high dynamic range picture, in the OpenEXR format.' },
  { type: 'string', class_type: ext('Lora'), input_id: 'lora_url', default_value: '', display_name: 'LoRA', description: 'A style to lay over the model.' },
  { type: 'string', class_type: ext('Checkpoint'), input_id: 'checkpoint_url', default_value: '', display_name: 'Checkpoint', description: 'The model to draw with.' },
  { type: 'float', class_type: ext('Number'), input_id: 'cfg', default_value: 7, display_name: 'CFG scale', description: 'How closely the picture follows the prompt: higher is stricter.', min_value: 1, max_value: 20, step: 0.5 },
  { type: 'integer', class_type: ext('NumberInt'), input_id: 'batch_size', default_value: 1, display_name: 'Batch size', description: 'How many pictures to make in one go.', min_value: 1, max_value: 8, step: 1 },
  { type: 'float', class_type: ext('NumberSlider'), input_id: 'denoise', default_value: 0.75, display_name: 'Denoise', description: 'How much of the starting picture to change: 1 redraws all of it.', min_value: 0, max_value: 1, step: 0.05 },
  { type: 'integer', class_type: ext('NumberSliderInt'), input_id: 'steps', default_value: 20, display_name: 'Steps', description: 'More steps give finer detail and take longer.', min_value: 1, max_value: 60, step: 1 },
  { type: 'boolean', class_type: ext('Boolean'), input_id: 'upscale', default_value: false, display_name: 'Upscale', description: 'Doubles the size of the finished picture.' },
  seedInput,
  { type: 'binary', class_type: WEBSOCKET_IMAGE_CLASS, input_id: 'realtime_frame', default_value: null, display_name: 'Realtime frame', description: 'Only for live sessions: it cannot be set from a form.' },
]

const DREAMSCAPE_INPUTS: InputSpec[] = [
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
]

const DREAMSCAPE_OUTPUTS: OutputSpec[] = [
  {
    output_id: 'final_result',
    node_id: '42',
    class_type: 'ComfyDeployStdOutputImage',
    kind: 'png',
    count: 1,
    width: 512,
    height: 512,
  },
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
    inputs: DREAMSCAPE_INPUTS,
    outputs: DREAMSCAPE_OUTPUTS,
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
        kind: 'png',
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
    description: 'Always stops with an error, so you can see what a failed run looks like.',
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
        kind: 'png',
        count: 1,
        width: 512,
        height: 512,
      },
    ],
    nodes: SDXL_NODES,
    picture: { prompt: 'positive_prompt', seed: 'seed' },
    failAt: { progress: 0.7, node: 'VAEDecode' },
  },
  {
    id: '5c177338-8e24-4f0f-900d-9b9fed692afa',
    name: 'Every Input',
    description: 'Every kind of input in one form: the run sends back, as a text file, what it received.',
    environment: 'production',
    workflowId: 'ce651845-3a42-4979-b396-2d651f1a3888',
    workflowVersionId: '552dc745-cacb-45a2-8eed-e6aa1c57f934',
    version: 1,
    machine: { id: 'cf9d41c1-c91e-4717-8a41-ddc0ee688049', name: 'sim-l4' },
    gpu: 'L4',
    createdAt: '2025-11-10T10:00:00.000Z',
    inputs: EVERY_INPUT,
    outputs: [
      { output_id: 'echo', node_id: '30', class_type: 'ComfyDeployStdOutputAny', kind: 'echo' },
      { output_id: 'final_result', node_id: '31', class_type: 'ComfyDeployStdOutputImage', kind: 'png', count: 1, width: 256, height: 256 },
    ],
    nodes: ['LoadImage', 'LoadVideo', 'LoadAudio', 'LoraLoader', 'CheckpointLoaderSimple', 'KSampler', 'VAEDecode', 'ShowText', 'ComfyDeployStdOutputAny'],
    picture: { prompt: 'prompt', seed: 'seed', steps: 'steps' },
    checkBounds: true,
  },
  {
    id: 'a5c9fa64-b9f3-40ec-8428-8fe967716bf7',
    name: 'Motion Loop',
    description: 'A two-second looping video of your prompt, saved as WebM and as MP4.',
    environment: 'production',
    workflowId: '8b00b904-dfba-4820-a541-69b22bb0b149',
    workflowVersionId: 'e0f99a9d-e377-4136-b5b7-43e829cb31b4',
    version: 2,
    machine: { id: 'f623b83f-82f2-46bd-b9aa-0a2ffcdf0814', name: 'sim-l40s' },
    gpu: 'L40S',
    createdAt: '2025-11-11T16:20:00.000Z',
    inputs: [
      { type: 'string', class_type: TEXT, input_id: 'prompt', default_value: 'a glowing orb circling, seamless loop', display_name: 'Prompt' },
      { type: 'integer', class_type: SLIDER_INT, input_id: 'frames', default_value: 48, display_name: 'Frames', min_value: 8, max_value: 96, step: 8 },
      seedInput,
    ],
    outputs: [{ output_id: 'motion', node_id: '12', class_type: 'ComfyDeployStdOutputAny', kind: 'video' }],
    nodes: ['CheckpointLoaderSimple', 'ADE_AnimateDiffLoaderGen1', 'CLIPTextEncode', 'KSampler', 'KSampler', 'VAEDecode', 'VHS_VideoCombine'],
    picture: { prompt: 'prompt', seed: 'seed' },
  },
  {
    id: '8dedf720-aece-4cac-972d-3a5710727c98',
    name: 'Contact Sheet',
    description: 'Many outputs at once: four pictures, two previews, a list of the files and a caption as a text file.',
    environment: 'production',
    workflowId: '91014472-d551-4aba-a661-026055cbf8f1',
    workflowVersionId: '373a3067-9e5a-4d33-b4e3-16fb1e6e7776',
    version: 4,
    machine: { id: '7cd0ad8f-e1c9-4ef5-a6a8-c319f4bee287', name: 'sim-t4' },
    gpu: 'T4',
    createdAt: '2025-11-12T11:45:00.000Z',
    inputs: [
      { type: 'string', class_type: TEXT, input_id: 'prompt', default_value: 'mountain lake, four seasons', display_name: 'Prompt' },
      seedInput,
    ],
    outputs: [
      { output_id: 'sheet', node_id: '20', class_type: 'ComfyDeployStdOutputImage', kind: 'png', count: 4, width: 384, height: 384 },
      { output_id: 'preview_webp', node_id: '21', class_type: 'ComfyDeployStdOutputImage', kind: 'webp', width: 512, height: 512 },
      { output_id: 'preview_jpeg', node_id: '22', class_type: 'ComfyDeployStdOutputImage', kind: 'jpeg', width: 512, height: 512 },
      { output_id: 'manifest', node_id: '23', class_type: 'ComfyDeployStdOutputAny', kind: 'manifest' },
      { output_id: 'caption', node_id: '24', class_type: 'ComfyDeployStdOutputAny', kind: 'caption' },
    ],
    nodes: ['CheckpointLoaderSimple', 'CLIPTextEncode', 'EmptyLatentImage', 'KSampler', 'VAEDecode', 'ImageBatch', 'SaveImageWebp', 'SaveAnimatedWEBP', 'ShowText'],
    picture: { prompt: 'prompt', seed: 'seed' },
  },
  {
    id: '5f246b55-04e6-471a-add6-765c2e9bac15',
    name: 'Slow Render',
    description: 'Dreamscape on a slow machine: the same pictures, ten times slower.',
    environment: 'production',
    workflowId: '0f3e0552-09da-448d-86ca-2e2aa7a784ba',
    workflowVersionId: 'b1ae8f78-9e05-4d2f-bd17-1392599fdf90',
    version: 1,
    machine: { id: '778224ad-772a-4a5f-8726-68d2412bbd97', name: 'sim-a100' },
    gpu: 'A100',
    createdAt: '2025-11-13T07:30:00.000Z',
    inputs: DREAMSCAPE_INPUTS,
    outputs: DREAMSCAPE_OUTPUTS,
    nodes: SDXL_NODES,
    picture: { prompt: 'positive_prompt', seed: 'seed', steps: 'steps' },
    timeline: scaleTimeline(DEFAULT_TIMELINE, 10),
  },
  {
    id: '5de79da8-c9e7-44cc-9ea9-abbf3cbf8c3c',
    name: 'Poster 8K',
    description: 'One very large, very detailed picture (about 64 MB): a way to watch a big download.',
    environment: 'production',
    workflowId: 'ce13a567-03cc-4695-bb79-189192acfbe0',
    workflowVersionId: '6f865339-c14c-449c-85c7-14a8a84a6ed6',
    version: 1,
    machine: { id: 'a72a4973-62dd-49ad-8d3f-28e3ffb8460d', name: 'sim-h100' },
    gpu: 'H100',
    createdAt: '2025-11-14T13:00:00.000Z',
    inputs: [
      { type: 'string', class_type: TEXT, input_id: 'prompt', default_value: 'a city map, extremely detailed', display_name: 'Prompt' },
      seedInput,
    ],
    outputs: [{ output_id: 'poster', node_id: '8', class_type: 'ComfyDeployStdOutputImage', kind: 'poster' }],
    nodes: ['CheckpointLoaderSimple', 'CLIPTextEncode', 'EmptyLatentImage', 'KSampler', 'UltimateSDUpscale', 'VAEDecodeTiled', 'SaveImage'],
    picture: { prompt: 'prompt', seed: 'seed' },
  },
]

/** Stable names for the seeded ids, for tests and the Demo provider. */
export const DEPLOYMENT_IDS = {
  dreamscape: '0b6f3c1e-7a52-4d8e-9f31-5c2a8e4d7b10',
  quickSketch: '4fad7a5c-be96-4bc2-9375-90e6c18bbf54',
  alwaysFails: '8de1be90-f2da-4f06-b7b9-d42a05cff398',
  everyInput: '5c177338-8e24-4f0f-900d-9b9fed692afa',
  motionLoop: 'a5c9fa64-b9f3-40ec-8428-8fe967716bf7',
  contactSheet: '8dedf720-aece-4cac-972d-3a5710727c98',
  slowRender: '5f246b55-04e6-471a-add6-765c2e9bac15',
  poster8k: '5de79da8-c9e7-44cc-9ea9-abbf3cbf8c3c',
} as const

export function findDeployment(id: string): SeedDeployment | undefined {
  return DEPLOYMENTS.find((d) => d.id === id)
}
