import type { FieldKind, InputField } from '@shared/deployment'
import type { InputModel } from './schemas'

const PREFIX = 'ComfyUIDeployExternal'

/** The realtime websocket input (the class name is misspelt in ComfyDeploy's code too): not settable from a form. */
const HIDDEN_CLASSES = new Set(['ComfyDeployWebscoketImageInput', 'ComfyDeployWebsocketImageInput'])

interface ClassControl {
  kind: FieldKind
  slider?: true
  /** Added to the input's own description: what the value has to be. */
  note?: string
}

/** External input node classes (without the prefix) onto form controls, comfydeploy.md §7; unknown classes fall back on `type`. */
const CLASS_CONTROL: Record<string, ClassControl> = {
  Text: { kind: 'prompt' },
  TextSingleLine: { kind: 'text' },
  TextAny: { kind: 'text' },
  Enum: { kind: 'enum' },
  Image: { kind: 'image' },
  ImageAlpha: { kind: 'image' },
  ImageBatch: { kind: 'images' },
  Video: { kind: 'video' },
  Audio: { kind: 'audio' },
  File: { kind: 'file' },
  EXR: { kind: 'file' },
  Lora: { kind: 'text', note: 'Takes a public download URL of the LoRA file.' },
  Checkpoint: { kind: 'text', note: 'Takes a public download URL of the checkpoint file.' },
  Number: { kind: 'number' },
  NumberInt: { kind: 'integer' },
  NumberSlider: { kind: 'number', slider: true },
  NumberSliderInt: { kind: 'integer', slider: true },
  Boolean: { kind: 'boolean' },
  Seed: { kind: 'seed' },
}

function kindFromType(type: string | null | undefined): FieldKind {
  return type === 'integer' ? 'integer' : type === 'float' ? 'number' : type === 'boolean' ? 'boolean' : 'text'
}

/** The control for one input, or null when it cannot be set from a form. */
function controlOf(input: InputModel): ClassControl | null {
  if (input.class_type && HIDDEN_CLASSES.has(input.class_type)) return null
  const cls = input.class_type?.startsWith(PREFIX) ? input.class_type.slice(PREFIX.length) : undefined
  const known = cls !== undefined && Object.hasOwn(CLASS_CONTROL, cls) ? CLASS_CONTROL[cls] : undefined
  if (!known && input.type === 'binary') return null // realtime websocket input: not usable from a form
  // A text input that comes with its choices (an enum-like TextAny, §7) is a list to pick from, not a box to type in.
  if ((known?.kind === 'text' || (!known && input.type === 'string')) && (input.enum_options?.length ?? 0) > 0 && !known?.note) return { kind: 'enum' }
  const control: ClassControl = known ?? { kind: kindFromType(input.type) }
  const name = `${input.input_id} ${input.display_name ?? ''}`
  if ((control.kind === 'integer' || control.kind === 'number') && /seed/i.test(name)) return { kind: 'seed' }
  return control
}

function defaultOf(input: InputModel, kind: FieldKind): string | number | boolean | null {
  const value = input.default_value
  if (Array.isArray(value)) {
    // An image batch's default list travels as the JSON text the service also accepts.
    return kind === 'images' && value.length > 0 ? JSON.stringify(value) : kind === 'boolean' ? false : null
  }
  if (value === undefined || value === null) return kind === 'boolean' ? false : null
  return value
}

function describe(input: InputModel, note: string | undefined): string {
  const own = input.description?.trim() ?? ''
  // The author's own words win when they already say what the value is (a download URL): never said twice.
  if (!note || /\b(url|web address|download)/i.test(own)) return own
  return own ? `${own} ${note}` : note
}

/** Maps a deployment's `input_types` onto the form fields the renderer draws. */
export function toInputFields(inputs: readonly InputModel[]): InputField[] {
  const fields: InputField[] = []
  for (const input of inputs) {
    const control = controlOf(input)
    if (control === null) continue
    const { kind } = control
    fields.push({
      id: input.input_id,
      label: input.display_name?.trim() || input.input_id,
      kind,
      description: describe(input, control.note),
      defaultValue: defaultOf(input, kind),
      ...(input.min_value != null ? { min: input.min_value } : {}),
      ...(input.max_value != null ? { max: input.max_value } : {}),
      ...(input.step != null ? { step: input.step } : kind === 'integer' || kind === 'seed' ? { step: 1 } : {}),
      ...(kind === 'enum' ? { options: input.enum_options ?? [] } : {}),
      ...(control.slider ? { slider: true } : {}),
      required: false,
    })
  }
  return fields
}
