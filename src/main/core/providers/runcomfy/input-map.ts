import type { FieldKind, InputField } from '@shared/deployment'
import type { InputValue, InputValues } from '@shared/run'
import { describesClass, inputSpec, type InputSpec } from './object-info'
import { GraphNode } from './schemas'

/**
 * RunComfy ComfyUI deployments publish no list of inputs: any literal input of the saved graph may be
 * overridden. The form is built from `workflow_api_json`, with `object_info` supplying types, ranges and
 * choices. A field's id is `${nodeId}.${inputName}`; node ids may contain ":" ("38:42"), so the id is
 * split on its LAST dot.
 */

export type WorkflowGraph = Map<string, GraphNode>

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const naturalOrder = new Intl.Collator('en', { numeric: true }).compare

/** `workflow_api_json` as an object (or JSON text); nodes that are not `{class_type, inputs}` are skipped. */
export function parseGraph(raw: unknown): WorkflowGraph | null {
  let value = raw
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      return null
    }
  }
  if (!isObj(value)) return null
  const graph: WorkflowGraph = new Map()
  for (const [id, node] of Object.entries(value)) {
    const parsed = GraphNode.safeParse(node)
    if (parsed.success) graph.set(id, parsed.data)
  }
  return graph.size > 0 ? graph : null
}

/** A connection in API format: `[sourceNodeId, outputIndex]`. */
const isLink = (value: unknown): value is [string | number, number] =>
  Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && typeof value[1] === 'number'

const isTextEncoder = (node: GraphNode) => /TextEncode/i.test(node.class_type)

/**
 * Which text encoders feed a sampler's `positive` or `negative` input, following links upstream through
 * conditioning nodes (ControlNetApply, ConditioningCombine, FluxGuidance, …). The first role found wins.
 */
function promptRoles(graph: WorkflowGraph): Map<string, 'positive' | 'negative'> {
  const roles = new Map<string, 'positive' | 'negative'>()
  for (const role of ['positive', 'negative'] as const) {
    for (const node of graph.values()) {
      const start = node.inputs?.[role]
      if (!isLink(start)) continue
      const queue: Array<{ id: string; depth: number }> = [{ id: String(start[0]), depth: 0 }]
      const visited = new Set<string>()
      while (queue.length > 0) {
        const { id, depth } = queue.shift()!
        if (visited.has(id) || depth > 8) continue
        visited.add(id)
        const upstream = graph.get(id)
        if (!upstream) continue
        if (isTextEncoder(upstream)) {
          if (!roles.has(id)) roles.set(id, role)
          continue
        }
        for (const value of Object.values(upstream.inputs ?? {})) {
          if (isLink(value)) queue.push({ id: String(value[0]), depth: depth + 1 })
        }
      }
    }
  }
  return roles
}

const LABELS: Record<string, string> = {
  seed: 'Seed',
  noise_seed: 'Seed',
  steps: 'Steps',
  cfg: 'CFG',
  sampler_name: 'Sampler',
  scheduler: 'Scheduler',
  denoise: 'Denoise',
  width: 'Width',
  height: 'Height',
  batch_size: 'Batch size',
  ckpt_name: 'Checkpoint',
  lora_name: 'LoRA',
  vae_name: 'VAE',
  unet_name: 'Model',
  filename_prefix: 'File name prefix',
}

/** `sampler_name` → "Sampler", `someCamelCase` → "Some camel case". */
export function humanize(name: string): string {
  if (Object.hasOwn(LABELS, name)) return LABELS[name] ?? name
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase()
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : name
}

/** Where a field goes in the form: what creators change most comes first. */
const RANK: Record<string, number> = {
  seed: 4,
  noise_seed: 4,
  steps: 5,
  cfg: 6,
  sampler_name: 7,
  scheduler: 8,
  denoise: 9,
  width: 10,
  height: 11,
  batch_size: 12,
}
const OTHER_RANK = 20

/** Names whose numbers are whole even when object_info is not available. */
const INTEGER_NAMES = new Set(['steps', 'width', 'height', 'batch_size', 'length', 'frames', 'num_frames', 'frame_count', 'start_at_step', 'end_at_step', 'fps'])

const MEDIA_LOADERS: Record<string, { input: string; kind: 'image' | 'video' | 'audio' }> = {
  LoadImage: { input: 'image', kind: 'image' },
  LoadImageMask: { input: 'image', kind: 'image' },
  LoadVideo: { input: 'file', kind: 'video' },
  VHS_LoadVideo: { input: 'video', kind: 'video' },
  LoadAudio: { input: 'audio', kind: 'audio' },
}

const GENERIC_NAMES = new Set(['value', 'text', 'string', 'int', 'float', 'number', 'boolean', 'bool'])
const WIDGET_TYPES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO'])

interface Shape {
  kind: FieldKind
  label: string
  rank: number
  min?: number
  max?: number
  step?: number
  options?: string[]
  media?: boolean
}

function mediaKind(node: GraphNode, name: string, spec: InputSpec | null): 'image' | 'video' | 'audio' | null {
  if (spec?.upload) return spec.upload
  const loader = Object.hasOwn(MEDIA_LOADERS, node.class_type) ? MEDIA_LOADERS[node.class_type] : undefined
  return loader && loader.input === name ? loader.kind : null
}

const range = (spec: InputSpec | null) => ({
  ...(spec?.min !== undefined ? { min: spec.min } : {}),
  ...(spec?.max !== undefined ? { max: spec.max } : {}),
  ...(spec?.step !== undefined ? { step: spec.step } : {}),
})

/** The control for one literal input. */
function shapeOf(node: GraphNode, name: string, value: InputValue, spec: InputSpec | null, role: 'positive' | 'negative' | undefined): Shape {
  const title = node._meta?.title?.trim()
  // A primitive's `value` (or a text node's `text`) is best known by the title its author gave the node.
  const label = GENERIC_NAMES.has(name) && title && title !== node.class_type ? title : humanize(name)
  const rank = Object.hasOwn(RANK, name) ? (RANK[name] ?? OTHER_RANK) : OTHER_RANK
  // A type object_info does not describe as a widget (custom types, "*"): go by the saved value.
  const typed = spec !== null && WIDGET_TYPES.has(spec.type) ? spec.type : null

  const media = mediaKind(node, name, spec)
  if (media && typeof value === 'string') return { kind: media, label, rank: 3, media: true }

  if (isTextEncoder(node) && typeof value === 'string' && spec?.type !== 'COMBO') {
    const base = role === 'negative' ? 'Negative prompt' : 'Prompt'
    return { kind: 'prompt', label: name === 'text' ? base : `${base} (${name})`, rank: role === 'negative' ? 1 : role === 'positive' ? 0 : 2 }
  }

  if (/(^|_)seed$/i.test(name) && typeof value === 'number' && (typed === null || typed === 'INT')) {
    return { kind: 'seed', label: 'Seed', rank: 4, min: spec?.min ?? 0, ...(spec?.max !== undefined ? { max: spec.max } : {}), step: 1 }
  }

  if (typed === 'COMBO' && spec?.options && typeof value === 'string') {
    const options = spec.options.includes(value) ? spec.options : [value, ...spec.options]
    return { kind: 'enum', label, rank, options }
  }

  if (typeof value === 'boolean') return { kind: 'boolean', label, rank }
  if (typeof value === 'number') {
    if (typed === 'INT') return { kind: 'integer', label, rank, ...range(spec), step: spec?.step ?? 1 }
    if (typed === 'FLOAT') return { kind: 'number', label, rank, ...range(spec) }
    if (name === 'denoise') return { kind: 'number', label, rank, min: 0, max: 1 }
    if (INTEGER_NAMES.has(name) && Number.isInteger(value)) return { kind: 'integer', label, rank, step: 1 }
    // Unknown numbers stay plain numbers: sending 8 to a FLOAT is fine, 1.5 to an INT is not our guess to make.
    return { kind: 'number', label, rank }
  }
  return { kind: spec?.multiline || value.includes('\n') ? 'prompt' : 'text', label, rank }
}

/**
 * Widget values the API graph may carry that are no node input (LoadImage's `upload`, a seed's
 * `control_after_generate`): overriding them is pointless. With object_info, anything its class does not
 * list; without it, those known names.
 */
function isUiOnly(objectInfo: unknown, node: GraphNode, name: string): boolean {
  if (describesClass(objectInfo, node.class_type)) return true
  return name === 'control_after_generate' || (name === 'upload' && Object.hasOwn(MEDIA_LOADERS, node.class_type))
}

/** The deployment's default `overrides` (`{nodeId: {inputs: {...}}}`), which replace the graph's saved values. */
function defaultOverride(overrides: unknown, nodeId: string, name: string): InputValue | undefined {
  if (!isObj(overrides)) return undefined
  const node = overrides[nodeId]
  const inputs = isObj(node) ? node.inputs : undefined
  const value = isObj(inputs) ? inputs[name] : undefined
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined
}

/**
 * The form for a ComfyUI deployment: every literal (non-link) input of the graph, prompts first, then
 * media loaders, seed, sampler settings and latent size, then the rest in node order. Labels that would
 * repeat are told apart by node title (`_meta.title`, else class), then node id.
 */
export function buildComfyFields(graph: WorkflowGraph, objectInfo: unknown, overrides?: unknown): InputField[] {
  const roles = promptRoles(graph)
  const candidates: Array<{ field: InputField; rank: number; nodeId: string; order: number; title: string }> = []
  const nodeIds = [...graph.keys()].sort(naturalOrder)
  for (const nodeId of nodeIds) {
    const node = graph.get(nodeId)!
    const title = node._meta?.title?.trim() || node.class_type
    let order = 0
    for (const [name, saved] of Object.entries(node.inputs ?? {})) {
      order++
      if (typeof saved !== 'string' && typeof saved !== 'number' && typeof saved !== 'boolean') continue
      const spec = inputSpec(objectInfo, node.class_type, name)
      if (spec === null && isUiOnly(objectInfo, node, name)) continue
      const shape = shapeOf(node, name, saved, spec, roles.get(nodeId))
      const value = defaultOverride(overrides, nodeId, name) ?? saved
      const where = `Node ${nodeId}: ${title}${title !== node.class_type ? ` (${node.class_type})` : ''}`
      const description = [
        spec?.tooltip,
        where,
        shape.media ? `Leave empty to keep the saved "${String(value)}"; a URL or a local file replaces it` : undefined,
      ]
        .filter(Boolean)
        .join(' — ')
      candidates.push({
        rank: shape.rank,
        nodeId,
        order,
        title,
        field: {
          id: `${nodeId}.${name}`,
          label: shape.label,
          kind: shape.kind,
          description,
          defaultValue: shape.media ? null : value,
          ...(shape.min !== undefined ? { min: shape.min } : {}),
          ...(shape.max !== undefined ? { max: shape.max } : {}),
          ...(shape.step !== undefined ? { step: shape.step } : {}),
          ...(shape.options ? { options: shape.options } : {}),
          required: false,
        },
      })
    }
  }
  candidates.sort((a, b) => a.rank - b.rank || naturalOrder(a.nodeId, b.nodeId) || a.order - b.order)
  disambiguate(candidates)
  return candidates.map((candidate) => candidate.field)
}

function disambiguate(candidates: Array<{ field: InputField; nodeId: string; title: string }>): void {
  const count = (labels: string[]) => labels.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>())
  const first = count(candidates.map((c) => c.field.label))
  for (const c of candidates) if ((first.get(c.field.label) ?? 0) > 1) c.field.label = `${c.field.label} (${c.title})`
  const second = count(candidates.map((c) => c.field.label))
  for (const c of candidates) {
    if ((second.get(c.field.label) ?? 0) > 1) c.field.label = c.field.label.replace(/\)$/, `, node ${c.nodeId})`)
  }
}

/** `"38:42.text"` → `{nodeId: "38:42", input: "text"}`; null when there is no dot with text on both sides. */
export function splitFieldId(id: string): { nodeId: string; input: string } | null {
  const at = id.lastIndexOf('.')
  if (at <= 0 || at === id.length - 1) return null
  return { nodeId: id.slice(0, at), input: id.slice(at + 1) }
}

export type Overrides = Record<string, { inputs: Record<string, InputValue> }>

/** Groups `nodeId.inputName` values into RunComfy's `overrides`; names the first key that is not one. */
export function toOverrides(inputs: InputValues): { overrides: Overrides; invalid: string | null } {
  const overrides: Overrides = {}
  for (const [key, value] of Object.entries(inputs)) {
    const parts = splitFieldId(key)
    if (!parts) return { overrides, invalid: key }
    const node = (overrides[parts.nodeId] ??= { inputs: {} })
    node.inputs[parts.input] = value
  }
  return { overrides, invalid: null }
}
