import type { ApiGraph, ApiNode, ComfyDeployment, FlatField, LoraDeployment, RcDeployment } from './deployments'
import type { RcIssue } from './errors'
import { OBJECT_INFO, inputDef, isLinkType, type InputDef } from './object-info'

/** What a request runs: the resolved graph (saved or given, overrides applied) or a LoRA's filled-in flat body. */
export type Submission = { kind: 'comfyui'; graph: ApiGraph } | { kind: 'lora'; values: Record<string, unknown> }

export type Checked = { ok: true; value: Submission } | { ok: false; issues: RcIssue[] }

/** Body keys that configure the webhook (the legacy form, runcomfy.md §2); never part of the inputs. */
export const WEBHOOK_BODY_KEYS = ['webhook', 'webhook_intermediate_status']

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `["<node id>", <output slot>]`, how API-format graphs wire one node's output into another's input. */
function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isInteger(v[1])
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
  } catch {
    return false
  }
}

/** A public URL or a Base64 data URI: what RunComfy takes for media inputs (§2). */
export function isMediaReference(value: string): boolean {
  if (value.startsWith('data:')) return /^data:[\w.+-]+\/[\w.+-]+;base64,[A-Za-z0-9+/]+={0,2}$/.test(value)
  return isHttpUrl(value)
}

const looksLikeMediaReference = (value: string) => /^(https?:|data:)/i.test(value)

/**
 * Checks one value against its `object_info` definition, in ComfyUI's words where it has them
 * ("Value 0 smaller than min of 1"). Returns the problem, or null when the value fits.
 */
function checkValue(def: InputDef, value: unknown, graph: ApiGraph): string | null {
  if (isLink(value)) return Object.hasOwn(graph, value[0]) ? null : `linked node ${value[0]} does not exist`
  const [type, options = {}] = def
  if (type === '*') return null
  if (isLinkType(def)) return `expected a link ["<node id>", <slot>] to a ${String(type)} output`
  if (Array.isArray(type)) {
    if (typeof value !== 'string') return 'expected a string from the list'
    if (options.image_upload && looksLikeMediaReference(value)) {
      return isMediaReference(value) ? null : 'invalid image URL or Base64 data URI'
    }
    return type.includes(value) ? null : `value not in list: '${value}'`
  }
  switch (type) {
    case 'STRING':
      return typeof value === 'string' ? null : 'expected a string'
    case 'BOOLEAN':
      return typeof value === 'boolean' ? null : 'expected a boolean'
    case 'INT':
    case 'FLOAT': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return type === 'INT' ? 'expected an integer' : 'expected a number'
      if (type === 'INT' && !Number.isInteger(value)) return 'expected an integer'
      if (options.min !== undefined && value < options.min) return `Value ${value} smaller than min of ${options.min}`
      if (options.max !== undefined && value > options.max) return `Value ${value} bigger than max of ${options.max}`
      return null
    }
    default:
      return null
  }
}

/** A whole API-format graph (`workflow_api_json`): known classes, required inputs present, values fitting. */
function checkGraph(raw: unknown): { graph: ApiGraph; issues: RcIssue[] } {
  const issues: RcIssue[] = []
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    return { graph: {}, issues: [{ loc: ['workflow_api_json'], msg: 'workflow_api_json must be a non-empty object keyed by node id' }] }
  }
  const graph = raw as ApiGraph
  for (const [id, node] of Object.entries(raw)) {
    const loc = ['workflow_api_json', id]
    if (!isObject(node) || typeof node.class_type !== 'string' || !isObject(node.inputs)) {
      issues.push({ loc, msg: 'node must be {"class_type": string, "inputs": object}' })
      continue
    }
    const info = OBJECT_INFO[node.class_type]
    if (!info) {
      issues.push({ loc: [...loc, 'class_type'], msg: `unknown node class ${node.class_type}` })
      continue
    }
    for (const name of Object.keys(info.input.required)) {
      if (!Object.hasOwn(node.inputs, name)) issues.push({ loc: [...loc, 'inputs', name], msg: 'required input is missing' })
    }
    // Inputs the class does not declare are ignored, as ComfyUI does.
    for (const [name, value] of Object.entries(node.inputs)) {
      const def = inputDef(node.class_type, name)
      const problem = def && checkValue(def, value, graph)
      if (problem) issues.push({ loc: [...loc, 'inputs', name], msg: problem })
    }
  }
  return { graph, issues }
}

/**
 * `overrides` against a graph: node ids and input names must already exist in it (runcomfy.md §2), values
 * must fit `object_info`. Returns a copy of the graph with the overrides applied.
 */
function applyOverrides(base: ApiGraph, raw: unknown): { graph: ApiGraph; issues: RcIssue[] } {
  const graph = structuredClone(base)
  if (!isObject(raw)) return { graph, issues: [{ loc: ['overrides'], msg: 'overrides must be an object keyed by node id' }] }
  const issues: RcIssue[] = []
  for (const [id, patch] of Object.entries(raw)) {
    const node: ApiNode | undefined = graph[id]
    if (!node) {
      issues.push({ loc: ['overrides', id], msg: 'unknown node id' })
      continue
    }
    if (!isObject(patch) || !isObject(patch.inputs)) {
      issues.push({ loc: ['overrides', id, 'inputs'], msg: 'expected {"inputs": {<input name>: value}}' })
      continue
    }
    for (const [name, value] of Object.entries(patch.inputs)) {
      const loc = ['overrides', id, 'inputs', name]
      const def = inputDef(node.class_type, name)
      if (!Object.hasOwn(node.inputs, name) || !def) {
        issues.push({ loc, msg: 'unknown input' })
        continue
      }
      const problem = checkValue(def, value, graph)
      if (problem) issues.push({ loc, msg: problem })
      else node.inputs[name] = value
    }
  }
  return { graph, issues }
}

function checkComfy(d: ComfyDeployment, body: Record<string, unknown>): Checked {
  const hasGraph = body.workflow_api_json !== undefined && body.workflow_api_json !== null
  const hasOverrides = body.overrides !== undefined && body.overrides !== null
  if (!hasGraph && !hasOverrides) return { ok: false, issues: [{ loc: ['overrides'], msg: 'overrides is missing' }] }
  if (body.extra_data !== undefined && body.extra_data !== null && !isObject(body.extra_data)) {
    return { ok: false, issues: [{ loc: ['extra_data'], msg: 'extra_data must be an object' }] }
  }
  let graph = d.graph
  if (hasGraph) {
    const given = checkGraph(body.workflow_api_json)
    if (given.issues.length > 0) return { ok: false, issues: given.issues }
    graph = given.graph
  }
  const applied = applyOverrides(graph, hasOverrides ? body.overrides : {})
  return applied.issues.length > 0 ? { ok: false, issues: applied.issues } : { ok: true, value: { kind: 'comfyui', graph: applied.graph } }
}

function checkField(field: FlatField, value: unknown): string | null {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? null : 'expected a string'
    case 'image_uri':
      return typeof value === 'string' && isMediaReference(value) ? null : 'expected a public http(s) URL or a Base64 data URI'
    case 'enum':
      return typeof value === 'string' && (field.options ?? []).includes(value) ? null : `expected one of ${(field.options ?? []).join(', ')}`
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return field.type === 'integer' ? 'expected an integer' : 'expected a number'
      if (field.type === 'integer' && !Number.isInteger(value)) return 'expected an integer'
      if (field.min !== undefined && value < field.min) return `must be ≥ ${field.min}`
      if (field.max !== undefined && value > field.max) return `must be ≤ ${field.max}`
      return null
    }
  }
}

/**
 * A LoRA deployment's flat body. Simulator strictness: a key the schema does not name is refused (a typo
 * in a hand-typed field name then fails in tests, not silently in production).
 */
function checkLora(d: LoraDeployment, body: Record<string, unknown>): Checked {
  const issues: RcIssue[] = []
  const values: Record<string, unknown> = {}
  for (const key of Object.keys(body)) {
    if (!WEBHOOK_BODY_KEYS.includes(key) && !d.fields.some((f) => f.name === key)) issues.push({ loc: ['body', key], msg: 'unknown field' })
  }
  for (const field of d.fields) {
    const value = body[field.name]
    if (value === undefined || value === null) {
      if (field.required) issues.push({ loc: ['body', field.name], msg: 'field required' })
      else if (field.default !== undefined) values[field.name] = field.default
      continue
    }
    const problem = checkField(field, value)
    if (problem) issues.push({ loc: ['body', field.name], msg: problem })
    else values[field.name] = value
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: { kind: 'lora', values } }
}

/** Validates a submit body for the deployment's kind (422001 issues when it does not fit). */
export function checkSubmission(d: RcDeployment, body: unknown): Checked {
  if (!isObject(body)) return { ok: false, issues: [{ loc: ['body'], msg: 'body must be a JSON object' }] }
  return d.kind === 'comfyui' ? checkComfy(d, body) : checkLora(d, body)
}
