import type { FieldKind, InputField } from '@shared/deployment'
import type { InputModel } from './schemas'

const PREFIX = 'ComfyUIDeployExternal'

/** External input node classes (without the prefix) onto form controls; unknown classes fall back on `type`. */
const CLASS_KIND: Record<string, FieldKind> = {
  Text: 'prompt',
  TextSingleLine: 'text',
  TextAny: 'text',
  Enum: 'enum',
  Image: 'image',
  ImageAlpha: 'image',
  Number: 'number',
  NumberSlider: 'number',
  NumberInt: 'integer',
  NumberSliderInt: 'integer',
  Boolean: 'boolean',
  Seed: 'seed',
}

function kindOf(input: InputModel): FieldKind | null {
  const cls = input.class_type?.startsWith(PREFIX) ? input.class_type.slice(PREFIX.length) : undefined
  let kind: FieldKind | null = cls !== undefined && Object.hasOwn(CLASS_KIND, cls) ? (CLASS_KIND[cls] ?? null) : null
  if (kind === null) {
    if (input.type === 'binary') return null // realtime websocket input: not usable from a form
    kind =
      input.type === 'integer' ? 'integer' : input.type === 'float' ? 'number' : input.type === 'boolean' ? 'boolean' : 'text'
  }
  const name = `${input.input_id} ${input.display_name ?? ''}`
  if ((kind === 'integer' || kind === 'number') && /seed/i.test(name)) return 'seed'
  return kind
}

function defaultOf(input: InputModel, kind: FieldKind): string | number | boolean | null {
  const value = input.default_value
  if (value === undefined || value === null || Array.isArray(value)) return kind === 'boolean' ? false : null
  return value
}

/** Maps a deployment's `input_types` onto the form fields the renderer draws. */
export function toInputFields(inputs: readonly InputModel[]): InputField[] {
  const fields: InputField[] = []
  for (const input of inputs) {
    const kind = kindOf(input)
    if (kind === null) continue
    fields.push({
      id: input.input_id,
      label: input.display_name?.trim() || input.input_id,
      kind,
      description: input.description ?? '',
      defaultValue: defaultOf(input, kind),
      ...(input.min_value != null ? { min: input.min_value } : {}),
      ...(input.max_value != null ? { max: input.max_value } : {}),
      ...(input.step != null ? { step: input.step } : kind === 'integer' || kind === 'seed' ? { step: 1 } : {}),
      ...(kind === 'enum' ? { options: input.enum_options ?? [] } : {}),
      required: false,
    })
  }
  return fields
}
