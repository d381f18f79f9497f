import type { OutputKind } from '@shared/output'
import type { RunHint } from '../../runs/state-machine'
import type { DescribedError } from '../http'
import { kindFromName } from '../file-kinds'
import { nodeName, type ApiPrompt } from './workflow'

/**
 * ComfyUI's answers read into ours: `POST /prompt` refusals (`error` + `node_errors`, server.py), the
 * WebSocket messages (`status`, `execution_start`, `executing`, `progress`, `executed`,
 * `execution_success`, `execution_error`, `execution_interrupted`, `execution_cached`) and `/history`.
 */

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/**
 * A refused prompt: the first node error on the form's field (`"<node>.<input>"`), with ComfyUI's own
 * words and the node's name; else the prompt-level error (`prompt_no_outputs`, `invalid_prompt`…).
 */
export function describePromptError(status: number, body: unknown, prompt?: ApiPrompt): DescribedError {
  if (!isObj(body)) return { message: `ComfyUI answered HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}` }
  const nodeErrors = isObj(body.node_errors) ? body.node_errors : {}
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    if (!isObj(entry) || !Array.isArray(entry.errors)) continue
    const first = entry.errors.find(isObj)
    if (!first) continue
    const extra = isObj(first.extra_info) ? first.extra_info : {}
    const input = str(extra.input_name) ?? (str(first.details) && /^\w+$/.test(str(first.details)!) ? str(first.details) : null)
    const where = nodeName(prompt, nodeId, str(entry.class_type))
    const words = [str(first.message), str(first.details) && str(first.details) !== input ? str(first.details) : null].filter(Boolean).join(': ')
    const others = entry.errors.length - 1 + Object.keys(nodeErrors).length - 1
    return {
      code: 'BAD_INPUT',
      message: `${where}${input ? `, input ${input}` : ''}: ${words || 'refused'}${others > 0 ? ` (and ${others} more)` : ''}`,
      ...(input ? { field: `${nodeId}.${input}` } : {}),
    }
  }
  const error = isObj(body.error) ? body.error : null
  if (error) {
    const message = [str(error.message), str(error.details)].filter(Boolean).join(': ')
    return { code: status === 400 ? 'BAD_INPUT' : undefined, message: `ComfyUI refused the prompt: ${message || str(error.type) || 'unknown error'}` }
  }
  if (typeof body.error === 'string') return { message: `ComfyUI: ${body.error}` }
  return { message: `ComfyUI answered HTTP ${status}` }
}

/** One WebSocket message as ComfyUI sends it. */
export interface WsMessage {
  type: string
  data: Obj
}

export function readWsMessage(text: string): WsMessage | null {
  try {
    const json: unknown = JSON.parse(text)
    return isObj(json) && typeof json.type === 'string' && isObj(json.data) ? { type: json.type, data: json.data } : null
  } catch {
    return null
  }
}

/** The messages about one prompt that become run hints (others, such as `progress_state`, are not forwarded). */
export const PROMPT_MESSAGES = new Set([
  'execution_start',
  'execution_cached',
  'executing',
  'progress',
  'executed',
  'execution_success',
  'execution_error',
  'execution_interrupted',
])

/** What the client adds to a message before it is ingested: names and the run's place in its graph. */
export interface Annotation {
  nodeName?: string
  /** Nodes done (executed or cached) before this one, and the graph's size: overall progress. */
  done?: number
  total?: number
  queueRemaining?: number
}

export function errorText(data: Obj, prompt?: ApiPrompt): string {
  const nodeId = str(data.node_id)
  const where = nodeId ? nodeName(prompt, nodeId, str(data.node_type)) : 'ComfyUI'
  const type = str(data.exception_type)
  const message = (str(data.exception_message) ?? 'failed').trim()
  return `${where} failed${type ? ` (${type})` : ''}: ${message}`
}

/** A WebSocket message about a prompt, read as a run hint (final states are confirmed with `/history`). */
export function hintOf(message: WsMessage & { courier?: Annotation }): { hint: RunHint; dedupeKey: string } | null {
  const data = message.data
  const note = message.courier ?? {}
  const name = note.nodeName ?? (str(data.node) ? `node ${str(data.node)}` : 'a node')
  const overall = (extra: number) => (note.total && note.total > 0 ? Math.min(0.99, ((note.done ?? 0) + extra) / note.total) : undefined)
  const withProgress = (hint: RunHint, extra: number): RunHint => {
    const progress = overall(extra)
    return progress === undefined ? hint : { ...hint, progress }
  }
  switch (message.type) {
    case 'execution_start':
      return { hint: { status: 'running', liveStatus: 'Started' }, dedupeKey: 'start' }
    case 'execution_cached': {
      const count = Array.isArray(data.nodes) ? data.nodes.length : 0
      return { hint: withProgress({ status: 'running', liveStatus: count ? `${count} node${count === 1 ? '' : 's'} cached` : 'Started' }, 0), dedupeKey: `cached:${count}` }
    }
    case 'executing': {
      if (data.node === null) return null // the end of the prompt; execution_success or _error says how
      return { hint: withProgress({ status: 'running', liveStatus: `Running ${name}` }, 0), dedupeKey: `executing:${String(data.node)}` }
    }
    case 'progress': {
      const value = typeof data.value === 'number' ? data.value : 0
      const max = typeof data.max === 'number' && data.max > 0 ? data.max : 1
      return { hint: withProgress({ status: 'running', liveStatus: `${name}: ${value}/${max}` }, value / max), dedupeKey: `progress:${String(data.node)}:${value}/${max}` }
    }
    case 'executed':
      return { hint: withProgress({ status: 'running', liveStatus: `${name} done` }, 1), dedupeKey: `executed:${String(data.node)}` }
    case 'execution_success':
      return { hint: { status: 'succeeded' }, dedupeKey: 'success' }
    case 'execution_error':
      return { hint: { status: 'failed', error: { code: 'RUN_FAILED', message: errorText(data) } }, dedupeKey: 'error' }
    case 'execution_interrupted':
      return { hint: { status: 'cancelled' }, dedupeKey: 'interrupted' }
    case 'queue_position': {
      // Ours, not ComfyUI's: read from /queue when its `status` message says the queue changed.
      const ahead = typeof data.ahead === 'number' ? data.ahead : 0
      const where = typeof data.server === 'string' ? `${data.server}'s queue` : 'the queue'
      return { hint: { status: 'queued', liveStatus: ahead === 0 ? `Next in ${where}` : `In ${where}: ${ahead} ahead` }, dedupeKey: `queue:${ahead}` }
    }
    default:
      return null
  }
}

export interface HistoryOutput {
  filename: string
  subfolder: string
  type: string
  kind: OutputKind
}

/** The files a finished prompt made: every `{filename, subfolder, type}` under its nodes' outputs, saved ones first. */
export function historyOutputs(entry: Obj): HistoryOutput[] {
  const outputs = isObj(entry.outputs) ? entry.outputs : {}
  const files: HistoryOutput[] = []
  for (const nodeOut of Object.values(outputs)) {
    if (!isObj(nodeOut)) continue
    for (const [key, list] of Object.entries(nodeOut)) {
      if (!Array.isArray(list)) continue
      for (const item of list) {
        if (!isObj(item) || typeof item.filename !== 'string') continue
        const kind = kindFromName(item.filename) ?? (key === 'audio' ? 'audio' : key === 'images' ? 'image' : 'file')
        files.push({ filename: item.filename, subfolder: str(item.subfolder) ?? '', type: str(item.type) ?? 'output', kind })
      }
    }
  }
  // Previews (`temp`) are kept only when the workflow saved nothing: a SaveImage's file is the real output.
  const saved = files.filter((file) => file.type === 'output')
  return saved.length > 0 ? saved : files
}

/** The status messages of a history entry, by type. */
export function historyMessages(entry: Obj): Map<string, Obj> {
  const found = new Map<string, Obj>()
  const status = isObj(entry.status) ? entry.status : {}
  for (const message of Array.isArray(status.messages) ? status.messages : []) {
    if (Array.isArray(message) && typeof message[0] === 'string' && isObj(message[1])) found.set(message[0], message[1])
  }
  return found
}

/** Seconds between `execution_start` and the end (success, error or interrupt), from the history's timestamps. */
export function executionSeconds(messages: Map<string, Obj>): number | null {
  const start = messages.get('execution_start')?.timestamp
  const endMessage = messages.get('execution_success') ?? messages.get('execution_error') ?? messages.get('execution_interrupted')
  const end = endMessage?.timestamp
  if (typeof start !== 'number' || typeof end !== 'number' || end < start) return null
  return (end - start) / 1000
}
