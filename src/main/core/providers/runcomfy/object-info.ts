/**
 * ComfyUI's `object_info.json`: per node class, `input.required` / `input.optional` map each input name to
 * `[TYPE, options?]`. TYPE is `INT`, `FLOAT`, `STRING`, `BOOLEAN`, a link type (`MODEL`, `CLIP`, …), a
 * legacy combo (the array of choices itself) or `COMBO` with `options.options`.
 */
export interface InputSpec {
  type: string
  options?: string[]
  min?: number
  max?: number
  step?: number
  multiline?: boolean
  tooltip?: string
  /** A loader's file picker (`image_upload`, `video_upload`, `audio_upload`). */
  upload?: 'image' | 'video' | 'audio'
}

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Keeps numbers in JavaScript's exact range: KSampler's seed max is 2^64−1. */
const safe = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value)
    ? Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, value))
    : undefined

const choices = (list: unknown): string[] | undefined =>
  Array.isArray(list) && list.every((item) => typeof item === 'string') ? (list as string[]) : undefined

/** Whether object_info describes this node class at all (then an input it does not list is a UI-only widget). */
export function describesClass(info: unknown, classType: string): boolean {
  return isObj(info) && isObj(info[classType]) && isObj((info[classType] as Obj).input)
}

/** The spec of one input of one node class, or null when object_info does not describe it. */
export function inputSpec(info: unknown, classType: string, input: string): InputSpec | null {
  if (!isObj(info)) return null
  const node = info[classType]
  const inputs = isObj(node) ? node.input : undefined
  if (!isObj(inputs)) return null
  const group = [inputs.required, inputs.optional].find((g) => isObj(g) && Object.hasOwn(g, input)) as Obj | undefined
  const entry = group?.[input]
  if (!Array.isArray(entry) || entry.length === 0) return null
  const [head, rawOptions] = entry as [unknown, unknown]
  const options = isObj(rawOptions) ? rawOptions : {}
  const spec: InputSpec = { type: 'UNKNOWN' }
  if (Array.isArray(head)) {
    spec.type = 'COMBO'
    spec.options = choices(head)
  } else if (typeof head === 'string') {
    spec.type = head.toUpperCase()
    if (spec.type === 'COMBO') spec.options = choices(options.options)
  }
  const min = safe(options.min)
  const max = safe(options.max)
  const step = safe(options.step)
  if (min !== undefined) spec.min = min
  if (max !== undefined) spec.max = max
  if (step !== undefined && step > 0) spec.step = step
  if (options.multiline === true) spec.multiline = true
  if (typeof options.tooltip === 'string' && options.tooltip.trim()) spec.tooltip = options.tooltip.trim()
  if (options.image_upload === true) spec.upload = 'image'
  else if (options.video_upload === true) spec.upload = 'video'
  else if (options.audio_upload === true) spec.upload = 'audio'
  return spec
}
