/**
 * The seeded RunComfy deployments (runcomfy.md §6). A row is the whole definition: the public fields of
 * `GET /prod/v2/deployments`, and either a saved ComfyUI graph (`workflow_api.json`, overridable by node id)
 * or a LoRA deployment's flat input schema, plus how its requests end. Ids are fixed so tests, fixtures and
 * the Demo provider can name them.
 */

/** One node of an API-format ComfyUI graph. Inputs hold widget values or links `["<node id>", <slot>]`. */
export interface ApiNode {
  class_type: string
  inputs: Record<string, unknown>
  _meta?: { title: string }
}
export type ApiGraph = Record<string, ApiNode>

/** One field of a LoRA deployment's flat body (what the web "API" tab shows). */
export interface FlatField {
  name: string
  type: 'string' | 'integer' | 'number' | 'image_uri' | 'enum'
  required?: boolean
  /** Used when the body leaves the field out; absent = the field stays unset. */
  default?: string | number
  min?: number
  max?: number
  options?: string[]
}

/** How a failed request reports itself (the webhook page's failed example). */
export interface SeedFailure {
  error: string
  details: string
  debugInfo: string
  errorCode: number
  /** Fraction of the in_progress phase after which the request fails. */
  at: number
}

interface DeploymentBase {
  id: string
  name: string
  workflow_id: string
  /** Type undocumented: strings here, except one number so clients prove they accept both. */
  workflow_version: string | number
  hardware: string[]
  min_instances: number
  max_instances: number
  queue_size: number
  keep_warm_duration_in_seconds: number
  status: string
  is_enabled: boolean
  updated_at: string
  readme: string
  failure?: SeedFailure
}

export interface ComfyDeployment extends DeploymentBase {
  kind: 'comfyui'
  graph: ApiGraph
  /** The default `overrides` that `includes=payload` returns: the inputs the workflow's author exposed. */
  defaultOverrides: Record<string, { inputs: Record<string, unknown> }>
}

export interface LoraDeployment extends DeploymentBase {
  kind: 'lora'
  fields: FlatField[]
  /** Pictures per request, all in `output.images`. */
  images: number
}

export type RcDeployment = ComfyDeployment | LoraDeployment

/** Stable names for the seeded ids, for tests, the client and the Demo provider. */
export const RUNCOMFY_DEPLOYMENT_IDS = {
  fluxPortrait: 'c1a5e7f0-3b2d-4e8a-9f61-2d7b4c8e1a01',
  productShotLora: 'c2b6f801-4c3e-4f9b-8a72-3e8c5d9f2b02',
  brokenGraph: 'c3c70912-5d4f-4a0c-9b83-4f9d6ea03c03',
  disabled: 'c4d81a23-6e50-4b1d-8c94-50ae7fb14d04',
} as const

/**
 * A text-to-image graph in ComfyUI's API format: the classic KSampler chain with a Flux checkpoint, an
 * optional reference picture (LoadImage "10", not wired in), and a subgraph "38" whose inner nodes carry
 * compound ids: "38:42" previews the caption string of "38:41", so `outputs` holds a non-image channel.
 */
function portraitGraph(o: { ckpt: string; prompt: string; negative: string; width: number; height: number; prefix: string }): ApiGraph {
  return {
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: 42,
        steps: 20,
        cfg: 1.0,
        sampler_name: 'euler',
        scheduler: 'simple',
        denoise: 1.0,
        model: ['4', 0],
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      },
      _meta: { title: 'KSampler' },
    },
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: o.ckpt }, _meta: { title: 'Load Checkpoint' } },
    '5': {
      class_type: 'EmptyLatentImage',
      inputs: { width: o.width, height: o.height, batch_size: 1 },
      _meta: { title: 'Empty Latent Image' },
    },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: o.prompt, clip: ['4', 1] }, _meta: { title: 'Positive Prompt' } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: o.negative, clip: ['4', 1] }, _meta: { title: 'Negative Prompt' } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] }, _meta: { title: 'VAE Decode' } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: o.prefix, images: ['8', 0] }, _meta: { title: 'Save Image' } },
    '10': { class_type: 'LoadImage', inputs: { image: 'reference.png' }, _meta: { title: 'Reference (optional)' } },
    '38:41': {
      class_type: 'PrimitiveStringMultiline',
      inputs: { value: `${o.ckpt} · ${o.width}×${o.height}` },
      _meta: { title: 'Caption' },
    },
    '38:42': { class_type: 'PreviewAny', inputs: { source: ['38:41', 0] }, _meta: { title: 'Preview Caption' } },
  }
}

const FLUX_PORTRAIT = {
  ckpt: 'flux1-dev-fp8.safetensors',
  prompt: 'portrait of an old fisherman, soft window light, 85mm',
  negative: 'blurry, deformed hands, watermark',
  width: 512,
  height: 640,
  prefix: 'FluxPortrait',
}

const BROKEN = {
  ckpt: 'sd_xl_base_1.0.safetensors',
  prompt: 'a cathedral made of glass, 8k, hyperdetailed',
  negative: 'lowres',
  width: 2048,
  height: 2048,
  prefix: 'Broken',
}

const portraitOverrides = (o: typeof FLUX_PORTRAIT) => ({
  '6': { inputs: { text: o.prompt } },
  '7': { inputs: { text: o.negative } },
  '3': { inputs: { seed: 42, steps: 20 } },
  '5': { inputs: { width: o.width, height: o.height } },
})

const common = {
  min_instances: 0,
  max_instances: 2,
  queue_size: 4,
  keep_warm_duration_in_seconds: 60,
  status: 'standby',
}

export const RUNCOMFY_DEPLOYMENTS: readonly RcDeployment[] = [
  {
    kind: 'comfyui',
    id: RUNCOMFY_DEPLOYMENT_IDS.fluxPortrait,
    name: 'Flux Portrait',
    workflow_id: 'd7e1c3a9-2f4b-4c6d-8e0f-1a2b3c4d5e61',
    workflow_version: 'v3',
    hardware: ['AMPERE_48'],
    ...common,
    is_enabled: true,
    updated_at: '2025-11-10T08:00:00Z',
    readme: 'Flux dev portrait workflow. Override "6".text (prompt), "3".seed/steps, "5".width/height, "10".image.',
    graph: portraitGraph(FLUX_PORTRAIT),
    defaultOverrides: portraitOverrides(FLUX_PORTRAIT),
  },
  {
    kind: 'lora',
    id: RUNCOMFY_DEPLOYMENT_IDS.productShotLora,
    name: 'Product Shot LoRA',
    workflow_id: 'e8f2d4b0-3a5c-4d7e-9f10-2b3c4d5e6f72',
    workflow_version: 'v1',
    hardware: ['ADA_48_PLUS'],
    ...common,
    max_instances: 1,
    is_enabled: true,
    updated_at: '2025-11-12T15:30:00Z',
    readme: 'Trainer LoRA for studio product shots; flat body, two pictures per request.',
    images: 2,
    fields: [
      { name: 'prompt', type: 'string', required: true },
      { name: 'ctrl_img_1', type: 'image_uri' },
      { name: 'width', type: 'integer', default: 1024, min: 256, max: 2048 },
      { name: 'height', type: 'integer', default: 1024, min: 256, max: 2048 },
      { name: 'guidance_scale', type: 'number', default: 4, min: 0, max: 20 },
      { name: 'sample_steps', type: 'integer', default: 25, min: 1, max: 100 },
      { name: 'network_multiplier', type: 'number', default: 1.0, min: 0, max: 2 },
      { name: 'neg', type: 'string', default: '' },
      { name: 'seed', type: 'integer', default: 42, min: 0, max: 2 ** 32 - 1 },
      { name: 'sampler', type: 'enum', default: 'flowmatch', options: ['flowmatch'] },
      { name: 'num_frames', type: 'integer', default: 1, min: 1, max: 121 },
      { name: 'fps', type: 'integer', default: 1, min: 1, max: 60 },
    ],
  },
  {
    kind: 'comfyui',
    id: RUNCOMFY_DEPLOYMENT_IDS.brokenGraph,
    name: 'Broken Graph',
    workflow_id: 'f9a3e5c1-4b6d-4e8f-a021-3c4d5e6f7a83',
    workflow_version: 7,
    hardware: ['AMPERE_24'],
    ...common,
    is_enabled: true,
    updated_at: '2025-11-14T11:20:00Z',
    readme: 'Runs out of GPU memory in KSampler every time: for trying error handling.',
    graph: portraitGraph(BROKEN),
    defaultOverrides: portraitOverrides(BROKEN),
    failure: {
      error: 'ExecutionError',
      details: 'KSampler: CUDA out of memory',
      debugInfo: [
        'Traceback (most recent call last):',
        '  File "/comfyui/execution.py", line 496, in execute',
        '    output_data, output_ui, has_subgraph = get_output_data(obj, input_data_all)',
        '  File "/comfyui/comfy/sample.py", line 43, in sample',
        'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 9.00 GiB (GPU 0; 23.68 GiB total capacity)',
      ].join('\n'),
      errorCode: 12345,
      at: 0.6,
    },
  },
  {
    kind: 'comfyui',
    id: RUNCOMFY_DEPLOYMENT_IDS.disabled,
    name: 'Disabled',
    workflow_id: 'a0b4f6d2-5c7e-4f90-b132-4d5e6f7a8b94',
    workflow_version: 'v2',
    hardware: ['AMPERE_48'],
    ...common,
    is_enabled: false,
    updated_at: '2025-10-30T17:45:00Z',
    readme: 'Switched off in the dashboard: every submit answers 10002 DisabledDeployment.',
    graph: portraitGraph(FLUX_PORTRAIT),
    defaultOverrides: portraitOverrides(FLUX_PORTRAIT),
  },
]

export function findRcDeployment(id: string): RcDeployment | undefined {
  return RUNCOMFY_DEPLOYMENTS.find((d) => d.id === id)
}
