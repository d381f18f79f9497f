import { emptyFields, isObject, own, toName, toNumber, toPixels, toText, type GenerationFields, type JsonObject } from './values'

/**
 * Reads the generation facts out of a ComfyUI API-format graph (the `prompt` a ComfyUI file carries:
 * `{ "3": { "class_type": "KSampler", "inputs": { "seed": 5, "positive": ["6", 0], … } }, … }`).
 *
 * Never by node order or by guessing which text box is "the prompt": the sampler is the one the saved image
 * comes from (followed back from the output node), and its prompt is what its `positive` and `negative`
 * inputs are wired to. A graph of two passes (hires fix: a base sampler, an upscale, a second sampler) is
 * reported by its base pass, as A1111 reports a hires-fix image: the base pass's seed, steps, sampler and
 * latent size made the picture, the second pass only refines it. Whatever the base pass does not say
 * (a prompt it takes from elsewhere, say) is taken from the pass nearest the output.
 */
export type GraphFacts = GenerationFields

/** Nodes looked at when the whole graph is searched (for outputs, or for samplers when there is no output). */
const MAX_SCAN = 20_000
/** Node visits in one analysis, all walks together: a hostile or enormous graph costs at most this. */
const MAX_VISITS = 50_000
/** How long one chain of links may be (a prompt through conditioning nodes, a seed through primitives). */
const MAX_DEPTH = 40

const SAMPLERS = new Set(['KSampler', 'KSamplerAdvanced', 'SamplerCustom', 'SamplerCustomAdvanced'])

/** Inputs a latent travels through, back from a sampler towards the empty latent (or image) it began as. */
const LATENT_INPUTS = ['latent_image', 'samples', 'latent', 'samples1', 'samples_to', 'pixels', 'image', 'images']
/** Inputs a conditioning travels through, back from a sampler towards its text encoder. */
const CONDITIONING_INPUTS = ['conditioning', 'conditioning_1', 'conditioning_to', 'cond', 'conditioning_a', 'conditioning_from', 'conditioning_2']
/** Where an encoder keeps its text, best first: SDXL's `text_g` before `text_l`, Flux's `t5xxl` before `clip_l`. */
const TEXT_INPUTS = ['text', 'prompt', 'text_g', 't5xxl', 'text_l', 'clip_l', 'positive_prompt']
/** What a value node (a primitive, a string literal, a seed node) holds its value in. */
const STRING_VALUES = ['value', 'text', 'string', 'prompt', 'String', 'Text', 'STRING', 'text_g']
const NUMBER_VALUES = ['value', 'seed', 'noise_seed', 'int', 'number', 'Number', 'INT', 'Value', 'float']
/** Where a model loader names its file. */
const MODEL_NAMES = ['ckpt_name', 'unet_name', 'model_name', 'model_path', 'base_ckpt_name']

interface GraphNode {
  id: string
  type: string
  inputs: JsonObject
}

interface Link {
  node: GraphNode
  /** Which of the node's outputs the link takes (ControlNetApplyAdvanced's 0 is positive, 1 negative). */
  output: number
}

class Graph {
  private visits = 0

  constructor(private readonly nodes: JsonObject) {}

  node(id: string): GraphNode | null {
    const raw = own(this.nodes, id)
    if (!isObject(raw)) return null
    const inputs = own(raw, 'inputs')
    const type = own(raw, 'class_type')
    return isObject(inputs) ? { id, type: typeof type === 'string' ? type : '', inputs } : null
  }

  /** An input that is a link `[nodeId, outputIndex]` to a node in this graph, counted against the budget. */
  link(value: unknown): Link | null {
    if (!Array.isArray(value) || value.length !== 2) return null
    const [id, output] = value as unknown[]
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof output !== 'number' || !Number.isInteger(output)) return null
    if (!this.spend()) return null
    const node = this.node(String(id))
    return node ? { node, output } : null
  }

  spend(): boolean {
    return ++this.visits <= MAX_VISITS
  }

  get exhausted(): boolean {
    return this.visits >= MAX_VISITS
  }

  /** The first `MAX_SCAN` nodes, in the object's own order. */
  *scan(): Generator<GraphNode> {
    let seen = 0
    for (const id in this.nodes) {
      if (!Object.hasOwn(this.nodes, id)) continue
      if (++seen > MAX_SCAN) return
      const node = this.node(id)
      if (node) yield node
    }
  }
}

const has = (node: GraphNode, key: string): boolean => Object.hasOwn(node.inputs, key)

function isSampler(node: GraphNode): boolean {
  if (SAMPLERS.has(node.type)) return true
  // Custom samplers ("KSampler (Efficient)", …) take the same inputs, or SamplerCustomAdvanced's.
  return ((has(node, 'seed') || has(node, 'noise_seed')) && has(node, 'steps') && has(node, 'cfg')) ||
    (has(node, 'noise') && has(node, 'guider') && has(node, 'sigmas'))
}

/** Nodes that save or show a picture or video, savers first: where the file being read came from. */
function outputRank(type: string): number | null {
  if (/checkpoint|lora|clip|vae|latent|model|glb|3d|dataset/i.test(type)) return null
  if (/videocombine/i.test(type) || /save/i.test(type)) return 0
  if (/preview/i.test(type)) return 1
  return null
}

const ids = new Intl.Collator('en', { numeric: true })
const byId = (a: GraphNode, b: GraphNode) => ids.compare(a.id, b.id)

/** The sampler nearest an output node, following every link back from it breadth-first. */
function samplerBehind(graph: Graph, output: GraphNode): GraphNode | null {
  const queue: GraphNode[] = [output]
  const seen = new Set<string>([output.id])
  for (let i = 0; i < queue.length; i++) {
    for (const value of Object.values(queue[i]!.inputs)) {
      const link = graph.link(value)
      if (!link || seen.has(link.node.id)) continue
      if (isSampler(link.node)) return link.node
      seen.add(link.node.id)
      queue.push(link.node)
    }
  }
  return null
}

interface Pass {
  sampler: GraphNode
  width: number | null
  height: number | null
}

/**
 * Back from a sampler along its latent to the pass it began with: an earlier sampler (the base of a hires
 * fix, in latent or pixel space) replaces it; the first node on the way with a width and height (an empty
 * latent, an ImageScale before a VAEEncode) gives the size, scaled by any `scale_by` between.
 */
function basePass(graph: Graph, sampler: GraphNode): Pass {
  const pass: Pass = { sampler, width: null, height: null }
  let scale = 1
  let value = own(sampler.inputs, 'latent_image')
  const seen = new Set<string>([sampler.id])
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const link = graph.link(value)
    if (!link || seen.has(link.node.id)) break
    const node = link.node
    seen.add(node.id)
    if (isSampler(node)) {
      Object.assign(pass, { sampler: node, width: null, height: null })
      scale = 1
      value = own(node.inputs, 'latent_image')
      continue
    }
    if (pass.width === null) {
      const width = toPixels(resolve(graph, own(node.inputs, 'width'), NUMBER_VALUES))
      const height = toPixels(resolve(graph, own(node.inputs, 'height'), NUMBER_VALUES))
      if (width !== null && height !== null) {
        pass.width = Math.round(width * scale)
        pass.height = Math.round(height * scale)
      } else {
        scale *= toNumber(own(node.inputs, 'scale_by')) ?? 1
      }
    }
    const next = LATENT_INPUTS.find((name) => Array.isArray(own(node.inputs, name)))
    if (!next) break
    value = own(node.inputs, next)
  }
  return pass
}

/** A literal input, or the value a link leads to through value nodes (primitives, string literals, seed nodes). */
function resolve(graph: Graph, value: unknown, keys: readonly string[], depth = 0): unknown {
  if (!Array.isArray(value)) return value
  if (depth >= MAX_DEPTH) return null
  const link = graph.link(value)
  if (!link) return null
  const inputs = link.node.inputs
  const key = keys.find((name) => Object.hasOwn(inputs, name)) ?? (Object.keys(inputs).length === 1 ? Object.keys(inputs)[0] : undefined)
  return key === undefined ? null : resolve(graph, inputs[key], keys, depth + 1)
}

const resolveText = (graph: Graph, value: unknown) => toText(resolve(graph, value, STRING_VALUES))
const resolveNumber = (graph: Graph, value: unknown) => toNumber(resolve(graph, value, NUMBER_VALUES))
const resolveName = (graph: Graph, value: unknown) => toName(resolve(graph, value, STRING_VALUES))

/**
 * Where a conditioning link leads next on its way to an encoder: a node with `positive` and `negative`
 * (ControlNetApplyAdvanced, InpaintModelConditioning, …) passes each through on its own output, other
 * conditioning nodes (Combine, SetArea, FluxGuidance, …) pass on their first conditioning input.
 */
function throughConditioning(link: Link): unknown {
  const { node } = link
  if (has(node, 'positive') && has(node, 'negative')) return own(node.inputs, link.output === 1 ? 'negative' : 'positive')
  const name = CONDITIONING_INPUTS.find((key) => Array.isArray(own(node.inputs, key)))
  return name === undefined ? undefined : own(node.inputs, name)
}

/** The prompt a conditioning input was encoded from, or null. */
function promptOf(graph: Graph, value: unknown): string | null {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const link = graph.link(value)
    if (!link) return null
    // A zeroed-out conditioning (Flux's and SD3's "no negative") has no text, whatever it was made from.
    if (link.node.type === 'ConditioningZeroOut') return null
    const keys = TEXT_INPUTS.filter((key) => has(link.node, key))
    if (keys.length > 0) {
      for (const key of keys) {
        const text = resolveText(graph, own(link.node.inputs, key))
        if (text !== null) return text
      }
      return null
    }
    value = throughConditioning(link)
  }
  return null
}

/** Flux's distilled guidance on a conditioning chain (FluxGuidance, CLIPTextEncodeFlux), for a guider without cfg. */
function guidanceOf(graph: Graph, value: unknown): number | null {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const link = graph.link(value)
    if (!link) return null
    if (has(link.node, 'guidance')) return resolveNumber(graph, own(link.node.inputs, 'guidance'))
    value = throughConditioning(link)
  }
  return null
}

/** A chain of nodes each handing one input on (a model through LoRAs, sigmas through a split) to the one that has `keys`. */
function along(graph: Graph, value: unknown, via: string, keys: readonly string[]): { node: GraphNode; key: string } | null {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const link = graph.link(value)
    if (!link) return null
    const key = keys.find((name) => has(link.node, name))
    if (key !== undefined) return { node: link.node, key }
    value = own(link.node.inputs, via)
  }
  return null
}

function valueAlong(graph: Graph, value: unknown, via: string, keys: readonly string[]): unknown {
  const found = along(graph, value, via, keys)
  return found ? own(found.node.inputs, found.key) : undefined
}

/** The facts one sampler node states, its own inputs first, then the nodes SamplerCustomAdvanced is built from. */
function samplerFacts(graph: Graph, sampler: GraphNode): GraphFacts {
  const input = (key: string) => own(sampler.inputs, key)
  const guider = graph.link(input('guider'))?.node ?? null
  const conditioning = (key: string) => (has(sampler, key) ? input(key) : guider ? own(guider.inputs, key) : undefined)
  const positive = conditioning('positive') ?? (guider ? own(guider.inputs, 'conditioning') ?? own(guider.inputs, 'cond1') : undefined)

  const seedInput = has(sampler, 'seed') ? input('seed') : has(sampler, 'noise_seed') ? input('noise_seed') : valueAlong(graph, input('noise'), 'noise', ['noise_seed', 'seed'])
  const stepsInput = has(sampler, 'steps') ? input('steps') : valueAlong(graph, input('sigmas'), 'sigmas', ['steps'])
  const cfgInput = has(sampler, 'cfg') ? input('cfg') : guider && has(guider, 'cfg') ? own(guider.inputs, 'cfg') : undefined
  const cfg = cfgInput !== undefined ? resolveNumber(graph, cfgInput) : guider ? guidanceOf(graph, positive) : null
  const samplerName = has(sampler, 'sampler_name') ? input('sampler_name') : valueAlong(graph, input('sampler'), 'sampler', ['sampler_name'])
  const modelInput = has(sampler, 'model') ? input('model') : guider ? own(guider.inputs, 'model') : undefined

  return {
    ...emptyFields(),
    prompt: promptOf(graph, positive),
    negativePrompt: promptOf(graph, conditioning('negative')),
    seed: resolveNumber(graph, seedInput),
    steps: resolveNumber(graph, stepsInput),
    cfg,
    sampler: resolveName(graph, samplerName),
    model: resolveName(graph, valueAlong(graph, modelInput, 'model', MODEL_NAMES)),
  }
}

/**
 * The sampler whose result was saved: the one nearest a saver (a PreviewImage only when no saver leads to a
 * sampler). A graph with no output node (trimmed before it was stored) falls back to the sampler no other
 * sampler continues from and whose result some node reads, the lowest id when there are several.
 */
function finalSampler(graph: Graph): GraphNode | null {
  const nodes = [...graph.scan()]
  const outputs = nodes
    .map((node) => ({ node, rank: outputRank(node.type) }))
    .filter((entry): entry is { node: GraphNode; rank: number } => entry.rank !== null)
    .sort((a, b) => a.rank - b.rank || byId(a.node, b.node))
  for (const { node } of outputs) {
    if (graph.exhausted) return null
    const sampler = samplerBehind(graph, node)
    if (sampler) return sampler
  }
  const samplers = nodes.filter(isSampler).sort(byId).slice(0, 64)
  const upstream = new Set<string>()
  for (const sampler of samplers) {
    const base = basePass(graph, sampler).sampler
    if (base !== sampler) upstream.add(base.id)
  }
  const last = samplers.filter((sampler) => !upstream.has(sampler.id))
  // One whose result something reads (a VAEDecode) before a leftover branch whose result goes nowhere.
  const read = readNodes(nodes)
  return last.find((sampler) => read.has(sampler.id)) ?? last[0] ?? null
}

/** The ids some input links to (without following or counting links: a plain look at each input). */
function readNodes(nodes: readonly GraphNode[]): Set<string> {
  const read = new Set<string>()
  for (const node of nodes) {
    for (const value of Object.values(node.inputs)) {
      if (Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number')) read.add(String(value[0]))
    }
  }
  return read
}

/** What an API-format graph says about its picture; nulls where it does not say. Never throws. */
export function analyseApiGraph(graph: unknown): GraphFacts {
  if (!isObject(graph)) return emptyFields()
  try {
    const nodes = new Graph(graph)
    const final = finalSampler(nodes)
    if (!final) return emptyFields()
    const base = basePass(nodes, final)
    const facts = samplerFacts(nodes, base.sampler)
    const fromFinal = base.sampler === final ? facts : samplerFacts(nodes, final)
    const out: GraphFacts = { ...facts, width: base.width, height: base.height }
    for (const key of ['prompt', 'negativePrompt', 'seed', 'steps', 'cfg', 'sampler', 'model'] as const) {
      if (out[key] === null) (out as Record<string, unknown>)[key] = fromFinal[key]
    }
    return out
  } catch {
    // A getter or proxy passed in by a caller, not anything JSON can hold: still no throw.
    return emptyFields()
  }
}
