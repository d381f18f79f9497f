/**
 * A minimal ComfyUI `object_info` for the node classes the seeded RunComfy graphs use, in ComfyUI's own
 * JSON layout (`/object_info`): `input.required|optional` maps an input name to `[TYPE, options?]`, where
 * TYPE is `INT`/`FLOAT`/`STRING`/`BOOLEAN`, a link type (`MODEL`, `CLIP`, …, `*` = any) or, for an enum, the
 * list of allowed values itself. Submit validates overrides against it (runcomfy.md §2: values must fit
 * `object_info`, else 422001), and `GET /prod/v2/object_info` serves it for clients building forms.
 */

/** Options of a widget input, as ComfyUI writes them. */
export interface WidgetOptions {
  default?: unknown
  min?: number
  max?: number
  step?: number
  round?: number | false
  multiline?: boolean
  dynamicPrompts?: boolean
  tooltip?: string
  control_after_generate?: boolean
  image_upload?: boolean
}

/** `[TYPE]`, `[TYPE, options]` or `[[enum values…], options]`. */
export type InputDef = [string | string[], WidgetOptions?]

export interface NodeInfo {
  input: { required: Record<string, InputDef>; optional?: Record<string, InputDef>; hidden?: Record<string, string> }
  input_order: { required: string[]; optional?: string[] }
  output: string[]
  output_is_list: boolean[]
  output_name: string[]
  name: string
  display_name: string
  description: string
  python_module: string
  category: string
  output_node: boolean
}

/** ComfyUI's seed maximum, 0xffffffffffffffff; beyond 2^53, so the served JSON writes it as literal text. */
export const SEED_MAX_TEXT = '18446744073709551615'
const SEED_MAX = 2 ** 64
/** Stands in for SEED_MAX in the object until the route swaps in the exact digits. */
const SEED_MAX_PLACEHOLDER = '__SEED_MAX__'

/** `comfy.samplers.KSampler.SAMPLERS` (ComfyUI 0.3.x). */
export const SAMPLERS = [
  'euler',
  'euler_cfg_pp',
  'euler_ancestral',
  'euler_ancestral_cfg_pp',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_2s_ancestral_cfg_pp',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_cfg_pp',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'res_multistep',
  'res_multistep_cfg_pp',
  'res_multistep_ancestral',
  'res_multistep_ancestral_cfg_pp',
  'gradient_estimation',
  'er_sde',
  'seeds_2',
  'seeds_3',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
]

/** `comfy.samplers.KSampler.SCHEDULERS`. */
export const SCHEDULERS = ['simple', 'sgm_uniform', 'karras', 'exponential', 'ddim_uniform', 'beta', 'normal', 'linear_quadratic', 'kl_optimal']

/** What the simulated instance has in `models/checkpoints` and `input/`. */
export const CHECKPOINTS = ['flux1-dev-fp8.safetensors', 'flux1-schnell-fp8.safetensors', 'sd_xl_base_1.0.safetensors']
export const INPUT_FILES = ['reference.png', 'example.png']

const MAX_RESOLUTION = 16384

function node(
  name: string,
  display: string,
  category: string,
  required: Record<string, InputDef>,
  outputs: string[],
  extra: Partial<Pick<NodeInfo, 'output_node' | 'python_module' | 'description'>> & {
    optional?: Record<string, InputDef>
    hidden?: Record<string, string>
  } = {},
): NodeInfo {
  const input: NodeInfo['input'] = { required }
  if (extra.optional) input.optional = extra.optional
  if (extra.hidden) input.hidden = extra.hidden
  const order: NodeInfo['input_order'] = { required: Object.keys(required) }
  if (extra.optional) order.optional = Object.keys(extra.optional)
  return {
    input,
    input_order: order,
    output: outputs,
    output_is_list: outputs.map(() => false),
    output_name: outputs,
    name,
    display_name: display,
    description: extra.description ?? '',
    python_module: extra.python_module ?? 'nodes',
    category,
    output_node: extra.output_node ?? false,
  }
}

export const OBJECT_INFO: Record<string, NodeInfo> = {
  KSampler: node(
    'KSampler',
    'KSampler',
    'sampling',
    {
      model: ['MODEL', { tooltip: 'The model used for denoising the input latent.' }],
      seed: ['INT', { default: 0, min: 0, max: SEED_MAX, control_after_generate: true, tooltip: 'The random seed used for creating the noise.' }],
      steps: ['INT', { default: 20, min: 1, max: 10000, tooltip: 'The number of steps used in the denoising process.' }],
      cfg: ['FLOAT', { default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01, tooltip: 'Classifier-Free Guidance scale.' }],
      sampler_name: [SAMPLERS, { tooltip: 'The algorithm used when sampling.' }],
      scheduler: [SCHEDULERS, { tooltip: 'How noise is removed step by step.' }],
      positive: ['CONDITIONING'],
      negative: ['CONDITIONING'],
      latent_image: ['LATENT'],
      denoise: ['FLOAT', { default: 1.0, min: 0.0, max: 1.0, step: 0.01 }],
    },
    ['LATENT'],
    { description: 'Uses the provided model, positive and negative conditioning to denoise the latent image.' },
  ),
  CheckpointLoaderSimple: node(
    'CheckpointLoaderSimple',
    'Load Checkpoint',
    'loaders',
    { ckpt_name: [CHECKPOINTS, { tooltip: 'The name of the checkpoint (model) to load.' }] },
    ['MODEL', 'CLIP', 'VAE'],
  ),
  EmptyLatentImage: node(
    'EmptyLatentImage',
    'Empty Latent Image',
    'latent',
    {
      width: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8 }],
      height: ['INT', { default: 512, min: 16, max: MAX_RESOLUTION, step: 8 }],
      batch_size: ['INT', { default: 1, min: 1, max: 4096 }],
    },
    ['LATENT'],
  ),
  CLIPTextEncode: node(
    'CLIPTextEncode',
    'CLIP Text Encode (Prompt)',
    'conditioning',
    {
      text: ['STRING', { multiline: true, dynamicPrompts: true, tooltip: 'The text to be encoded.' }],
      clip: ['CLIP', { tooltip: 'The CLIP model used for encoding the text.' }],
    },
    ['CONDITIONING'],
  ),
  VAEDecode: node('VAEDecode', 'VAE Decode', 'latent', { samples: ['LATENT'], vae: ['VAE'] }, ['IMAGE']),
  SaveImage: node(
    'SaveImage',
    'Save Image',
    'image',
    {
      images: ['IMAGE', { tooltip: 'The images to save.' }],
      filename_prefix: ['STRING', { default: 'ComfyUI', tooltip: 'The prefix for the file to save.' }],
    },
    [],
    { output_node: true, hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' } },
  ),
  LoadImage: node(
    'LoadImage',
    'Load Image',
    'image',
    { image: [INPUT_FILES, { image_upload: true }] },
    ['IMAGE', 'MASK'],
  ),
  PrimitiveStringMultiline: node(
    'PrimitiveStringMultiline',
    'String (Multiline)',
    'utils/primitive',
    { value: ['STRING', { multiline: true }] },
    ['STRING'],
    { python_module: 'comfy_extras.nodes_primitive' },
  ),
  PreviewAny: node('PreviewAny', 'Preview Any', 'utils', { source: ['*', {}] }, [], {
    output_node: true,
    python_module: 'comfy_extras.nodes_preview_any',
  }),
}

/** The served JSON text: SEED_MAX as exact digits, as Python's json writes it. */
export function objectInfoJson(): string {
  const text = JSON.stringify(OBJECT_INFO, (_key, value: unknown) => (value === SEED_MAX ? SEED_MAX_PLACEHOLDER : value))
  return text.replaceAll(`"${SEED_MAX_PLACEHOLDER}"`, SEED_MAX_TEXT)
}

/** The definition of one input of a class, or undefined when the class has no such input. */
export function inputDef(classType: string, name: string): InputDef | undefined {
  const info = OBJECT_INFO[classType]
  if (!info) return undefined
  return info.input.required[name] ?? info.input.optional?.[name]
}

/** Types that carry data between nodes (a link `["id", slot]`), as opposed to widget values. */
export function isLinkType(def: InputDef): boolean {
  const [type] = def
  return typeof type === 'string' && !['INT', 'FLOAT', 'STRING', 'BOOLEAN'].includes(type)
}
