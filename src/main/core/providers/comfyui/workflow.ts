/**
 * ComfyUI workflows in their two formats. API format (`{"3": {class_type, inputs}}`) is what `POST /prompt`
 * takes; UI format (`{nodes, links}`) is what the editor saves, and is converted here the way ComfyUI's
 * frontend does it (`graphToPrompt`): each node's widget values are mapped onto its widget inputs in the
 * order `/object_info` declares them, skipping the `control_after_generate` value the editor stores after
 * a seed; links become `[nodeId, slot]`; Reroutes are followed, bypassed nodes pass their matching input
 * through, muted nodes and Notes are dropped, and PrimitiveNodes give their value to the inputs they feed.
 */

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)

export interface ApiNode {
  class_type: string
  inputs: Record<string, unknown>
  _meta?: { title: string }
}
export type ApiPrompt = Record<string, ApiNode>

export type ParsedWorkflow =
  | { ok: true; format: 'api'; prompt: ApiPrompt }
  | { ok: true; format: 'ui'; ui: Obj }
  | { ok: false; reason: string }

/** Reads a workflow file's text and tells its format; the reason says what is wrong otherwise. */
export function parseWorkflow(text: string): ParsedWorkflow {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, reason: `the file is not JSON (${(error as Error).message})` }
  }
  if (!isObj(json)) return { ok: false, reason: 'a workflow is a JSON object; this file holds something else' }
  if (Array.isArray(json.nodes)) return { ok: true, format: 'ui', ui: json }
  // Some exports wrap the API prompt: {"prompt": {...}} or {"output": {...}}.
  const candidate = isObj(json.prompt) && !Array.isArray(json.nodes) ? json.prompt : json
  const prompt: ApiPrompt = {}
  for (const [id, node] of Object.entries(candidate)) {
    if (!isObj(node) || typeof node.class_type !== 'string' || (node.inputs !== undefined && !isObj(node.inputs))) {
      return { ok: false, reason: `not a ComfyUI workflow: "${id}" is not a node with a class_type (save it from ComfyUI with “Export” or “Export (API)”)` }
    }
    prompt[id] = {
      class_type: node.class_type,
      inputs: { ...((node.inputs as Obj | undefined) ?? {}) },
      ...(isObj(node._meta) && typeof node._meta.title === 'string' ? { _meta: { title: node._meta.title } } : {}),
    }
  }
  if (Object.keys(prompt).length === 0) return { ok: false, reason: 'the workflow has no nodes' }
  return { ok: true, format: 'api', prompt }
}

/** Input types the editor draws as widgets (everything else is a socket). */
const WIDGET_TYPES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO'])

interface InputDecl {
  name: string
  type: string
  options: Obj
}

/** A node class's required and optional inputs in declared order (`input_order` where given). */
export function declaredInputs(info: unknown, classType: string): InputDecl[] | null {
  if (!isObj(info)) return null
  const node = info[classType]
  if (!isObj(node) || !isObj(node.input)) return null
  const out: InputDecl[] = []
  for (const group of ['required', 'optional'] as const) {
    const specs = node.input[group]
    if (!isObj(specs)) continue
    const order = isObj(node.input_order) && Array.isArray(node.input_order[group]) ? (node.input_order[group] as unknown[]).map(String) : Object.keys(specs)
    for (const name of order) {
      const spec = specs[name]
      if (!Array.isArray(spec)) continue
      const head: unknown = spec[0]
      const type = Array.isArray(head) ? 'COMBO' : String(head)
      out.push({ name, type, options: isObj(spec[1]) ? spec[1] : {} })
    }
  }
  return out
}

const isWidget = (decl: InputDecl): boolean => WIDGET_TYPES.has(decl.type) && decl.options.forceInput !== true
/** The editor adds a "control after generate" widget after these, and saves its value ("randomize", "fixed"…). */
const hasControlValue = (decl: InputDecl): boolean =>
  decl.type === 'INT' && (decl.options.control_after_generate === true || decl.name === 'seed' || decl.name === 'noise_seed')
/** The editor adds an upload button after these inputs, which some versions save as a value ("image"). */
const hasUploadValue = (decl: InputDecl): boolean => decl.options.image_upload === true || decl.options.video_upload === true || decl.options.audio_upload === true
const CONTROL_WORDS = new Set(['fixed', 'increment', 'decrement', 'randomize'])

interface UiNode {
  id: string
  type: string
  mode: number
  title: string | null
  inputs: { name: string; link: number | null; widget: string | null; type: string }[]
  outputs: { type: string; links: number[] }[]
  widgets: unknown[] | Obj
}

interface UiLink {
  from: string
  slot: number
  to: string
  type: string
}

const MUTED = 2
const BYPASSED = 4
/** Nodes that exist only in the editor. */
const NOTE_TYPES = new Set(['Note', 'MarkdownNote', 'workflow/note'])

function readUiNode(raw: unknown): UiNode | string {
  if (!isObj(raw)) return 'a node is not an object'
  const id = typeof raw.id === 'number' || typeof raw.id === 'string' ? String(raw.id) : null
  if (id === null || typeof raw.type !== 'string') return 'a node has no id or type'
  const inputs = (Array.isArray(raw.inputs) ? raw.inputs : []).flatMap((input) => {
    if (!isObj(input) || typeof input.name !== 'string') return []
    const widget = isObj(input.widget) && typeof input.widget.name === 'string' ? input.widget.name : null
    return [{ name: input.name, link: typeof input.link === 'number' ? input.link : null, widget, type: String(input.type ?? '') }]
  })
  const outputs = (Array.isArray(raw.outputs) ? raw.outputs : []).map((output) => ({
    type: isObj(output) ? String(output.type ?? '') : '',
    links: isObj(output) && Array.isArray(output.links) ? output.links.filter((l): l is number => typeof l === 'number') : [],
  }))
  const widgets = Array.isArray(raw.widgets_values) || isObj(raw.widgets_values) ? (raw.widgets_values as unknown[] | Obj) : []
  return { id, type: raw.type, mode: typeof raw.mode === 'number' ? raw.mode : 0, title: typeof raw.title === 'string' ? raw.title : null, inputs, outputs, widgets }
}

function readLinks(raw: unknown): Map<number, UiLink> {
  const links = new Map<number, UiLink>()
  for (const link of Array.isArray(raw) ? raw : []) {
    // [id, fromNode, fromSlot, toNode, toSlot, type], or the object form {id, origin_id, …}.
    if (Array.isArray(link) && link.length >= 5) {
      links.set(Number(link[0]), { from: String(link[1]), slot: Number(link[2]), to: String(link[3]), type: String(link[5] ?? '') })
    } else if (isObj(link) && link.id !== undefined) {
      links.set(Number(link.id), { from: String(link.origin_id), slot: Number(link.origin_slot), to: String(link.target_id), type: String(link.type ?? '') })
    }
  }
  return links
}

export type Conversion = { ok: true; prompt: ApiPrompt } | { ok: false; reason: string }

/** Converts a UI-format workflow to API format with the server's `/object_info`. */
export function uiToApi(ui: Obj, objectInfo: unknown): Conversion {
  const fail = (reason: string): Conversion => ({ ok: false, reason })
  if (isObj(ui.definitions) && Array.isArray(ui.definitions.subgraphs) && ui.definitions.subgraphs.length > 0) {
    return fail('the workflow uses subgraphs, which cannot be converted here yet: export it from ComfyUI with “Export (API)” instead')
  }
  const nodes = new Map<string, UiNode>()
  for (const raw of ui.nodes as unknown[]) {
    const node = readUiNode(raw)
    if (typeof node === 'string') return fail(node)
    nodes.set(node.id, node)
  }
  const links = readLinks(ui.links)

  /** Where a link really comes from: through Reroutes and bypassed nodes; null when it leads nowhere. */
  const resolve = (linkId: number, seen = new Set<number>()): [string, number] | null => {
    if (seen.has(linkId)) return null
    seen.add(linkId)
    const link = links.get(linkId)
    if (!link) return null
    const source = nodes.get(link.from)
    if (!source) return null
    if (source.type === 'Reroute') {
      const upstream = source.inputs[0]?.link
      return upstream === null || upstream === undefined ? null : resolve(upstream, seen)
    }
    if (source.mode === BYPASSED) {
      // A bypassed node hands on its first input of the same type as the output asked for.
      const type = source.outputs[link.slot]?.type ?? link.type
      const through = source.inputs.find((input) => input.link !== null && (input.type === type || type === '*'))
      return through?.link === null || through === undefined ? null : resolve(through.link, seen)
    }
    if (source.mode === MUTED) return null
    return [source.id, link.slot]
  }

  /** A PrimitiveNode's value, for the widget input it feeds. */
  const primitiveValue = (linkId: number): { value: unknown } | null => {
    const link = links.get(linkId)
    const source = link ? nodes.get(link.from) : undefined
    if (!source || source.type !== 'PrimitiveNode') return null
    const values = Array.isArray(source.widgets) ? source.widgets : []
    return values.length > 0 ? { value: values[0] } : null
  }

  const prompt: ApiPrompt = {}
  for (const node of nodes.values()) {
    if (node.mode === MUTED || node.mode === BYPASSED) continue
    if (NOTE_TYPES.has(node.type) || node.type === 'Reroute' || node.type === 'PrimitiveNode') continue
    const declared = declaredInputs(objectInfo, node.type)
    if (declared === null) {
      return fail(`node ${node.id} (${node.type}) is not installed on this ComfyUI server: install its custom node, or remove it from the workflow`)
    }
    const inputs: Record<string, unknown> = {}
    const widgetDecls = declared.filter(isWidget)
    if (Array.isArray(node.widgets)) {
      let at = 0
      for (const decl of widgetDecls) {
        if (at >= node.widgets.length) break
        inputs[decl.name] = node.widgets[at++]
        if (hasControlValue(decl) && typeof node.widgets[at] === 'string' && CONTROL_WORDS.has(node.widgets[at] as string)) at++
        if (hasUploadValue(decl) && (node.widgets[at] === 'image' || node.widgets[at] === 'video' || node.widgets[at] === 'audio' || node.widgets[at] === null)) at++
      }
    } else {
      for (const decl of widgetDecls) if (Object.hasOwn(node.widgets, decl.name)) inputs[decl.name] = node.widgets[decl.name]
    }
    for (const input of node.inputs) {
      if (input.link === null) continue
      const name = input.widget ?? input.name
      const primitive = primitiveValue(input.link)
      if (primitive) {
        inputs[name] = primitive.value
        continue
      }
      const target = resolve(input.link)
      if (target) inputs[name] = target
      else if (input.widget === null) delete inputs[name]
    }
    prompt[node.id] = { class_type: node.type, inputs, ...(node.title ? { _meta: { title: node.title } } : { _meta: { title: displayName(objectInfo, node.type) } }) }
  }
  // A link to a node that was dropped (muted, or a Note) cannot be sent: the input goes, as the frontend does.
  for (const node of Object.values(prompt)) {
    for (const [name, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !prompt[value[0]]) delete node.inputs[name]
    }
  }
  if (Object.keys(prompt).length === 0) return fail('the workflow has no nodes ComfyUI can run')
  return { ok: true, prompt }
}

/**
 * The UI graph with the values a run actually used written back into its widgets (the same mapping as
 * `uiToApi`, the other way), so the `workflow` chunk ComfyUI saves shows the run and not the file as added.
 * Nodes it cannot map are left as they were.
 */
export function withWidgetValues(ui: Obj, objectInfo: unknown, prompt: ApiPrompt): Obj {
  const copy = structuredClone(ui)
  for (const raw of Array.isArray(copy.nodes) ? copy.nodes : []) {
    if (!isObj(raw) || !Array.isArray(raw.widgets_values)) continue
    const node = prompt[String(raw.id)]
    const declared = typeof raw.type === 'string' ? declaredInputs(objectInfo, raw.type) : null
    if (!node || !declared) continue
    const widgets = raw.widgets_values as unknown[]
    let at = 0
    for (const decl of declared.filter(isWidget)) {
      if (at >= widgets.length) break
      const value = node.inputs[decl.name]
      if (value !== undefined && !Array.isArray(value)) widgets[at] = value
      at++
      if (hasControlValue(decl) && typeof widgets[at] === 'string' && CONTROL_WORDS.has(widgets[at] as string)) at++
      if (hasUploadValue(decl) && (widgets[at] === 'image' || widgets[at] === 'video' || widgets[at] === 'audio' || widgets[at] === null)) at++
    }
  }
  return copy
}

export function displayName(objectInfo: unknown, classType: string): string {
  const node = isObj(objectInfo) ? objectInfo[classType] : undefined
  return isObj(node) && typeof node.display_name === 'string' && node.display_name ? node.display_name : classType
}

/** Whether a class is an output node (SaveImage, PreviewImage…): a prompt needs at least one. */
export function isOutputNode(objectInfo: unknown, classType: string): boolean {
  const node = isObj(objectInfo) ? objectInfo[classType] : undefined
  return isObj(node) && node.output_node === true
}

/** A node's name for messages: its title, else its class's display name, with its id. */
export function nodeName(prompt: ApiPrompt | undefined, nodeId: string, classType?: string | null): string {
  const node = prompt?.[nodeId]
  const title = node?._meta?.title ?? node?.class_type ?? classType ?? 'node'
  return `${title} (node ${nodeId})`
}
