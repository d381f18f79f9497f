import { createHash, randomBytes } from 'node:crypto'
import type { ComfyServerCheck } from '@shared/comfyui'
import type { Deployment, FieldKind, InputField } from '@shared/deployment'
import { err, ok, type Result } from '@shared/result'
import type { InputValues, ProviderId } from '@shared/run'
import { requestJson, type DescribedError } from '../http'
import { multipartFile } from '../multipart-upload'
import { buildComfyFields, parseGraph, splitFieldId } from '../runcomfy/input-map'
import { ProviderError, type OutputRef, type ProviderClient, type QueueRequest, type RunSnapshot, type WebhookHint } from '../types'
import {
  describePromptError,
  errorText,
  executionSeconds,
  hintOf,
  historyMessages,
  historyOutputs,
  PROMPT_MESSAGES,
  type Annotation,
  type WsMessage,
} from './messages'
import type { ComfyServer } from './server'
import { ComfySocket } from './socket'
import { isOutputNode, nodeName, parseWorkflow, uiToApi, withWidgetValues, type ApiPrompt } from './workflow'

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const enc = encodeURIComponent

/** A workflow added as a deployment: its API prompt (what is sent), the UI graph when it came as one. */
export interface StoredWorkflow {
  id: string
  serverId: string
  name: string
  format: 'api' | 'ui'
  prompt: ApiPrompt
  ui: Obj | null
  /** The default form: prompt texts, seed, steps, cfg, size, images. */
  fields: InputField[]
  /** Every literal input, for Customize form. */
  candidates: InputField[]
  createdAt: number
}

export interface WorkflowStore {
  list(): StoredWorkflow[]
  get(id: string): StoredWorkflow | undefined
  add(workflow: StoredWorkflow): void
  remove(id: string): boolean
}


export interface ComfyUIOptions {
  servers: readonly ComfyServer[]
  defaultServerId: string | null
  workflows: WorkflowStore
  /** Stable per data folder, so that after a restart the socket still hears about prompts sent before. */
  clientId: string
  /** A socket message about a run, with the run's webhook token: ingested like a webhook. */
  onMessage?(token: string, message: WsMessage & { courier: Annotation }): void
  /** A server's socket opened or dropped. */
  onSocket?(serverId: string, up: boolean): void
  timeoutMs?: number
  socketBackoffMs?: readonly number[]
}

/** Inputs the default form keeps (besides prompts, seeds and media). */
const DEFAULT_INPUTS = new Set(['steps', 'cfg', 'width', 'height', 'denoise', 'batch_size'])
const DEFAULT_KINDS = new Set<FieldKind>(['prompt', 'seed', 'image', 'video', 'audio'])
/** Files prepared for inputs, kept to send again to another server than the default (bounded). */
const PREPARED_KEPT = 32

/** A prompt we sent, followed for live status. */
interface Tracked {
  serverId: string
  token: string | null
  prompt: ApiPrompt | null
  started: Set<string>
  /** The last progress passed on: a sampler's every step is not worth a stored message. */
  lastProgress: { at: number; fraction: number } | null
  /** Prompts ahead of it in the queue when last told (null: not told yet). */
  ahead: number | null
}

/** Progress is passed on every 5 % or every second, and always at a node's last step. */
const PROGRESS_STEP = 0.05
const PROGRESS_EVERY_MS = 1000

/** `prompt_id` from the run's webhook token: a queue call whose answer was lost can be looked up. */
export function promptIdFor(token: string): string {
  const hex = createHash('sha256').update(`comfy-courier:${token}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const tokenOf = (webhookUrl: string | null): string | null => {
  if (!webhookUrl) return null
  const last = webhookUrl.split('/').pop()
  return last ? decodeURIComponent(last) : null
}

/** The default form from all candidates; all of them when none is of the usual kinds. */
function defaultFields(candidates: InputField[]): InputField[] {
  const picked = candidates.filter((field) => DEFAULT_KINDS.has(field.kind) || DEFAULT_INPUTS.has(splitFieldId(field.id)?.input ?? ''))
  return picked.length > 0 ? picked : candidates
}

/**
 * Your own ComfyUI (issue 19): one provider over every server added, each workflow belonging to one of
 * them. Runs go to `POST /prompt` with our `client_id`; their live status comes from `/ws` and is handed
 * to the run ledger like a webhook (`onMessage`); final states, outputs and GPU time come from
 * `/history/{id}`, with `/queue` for runs not yet there.
 */
export class ComfyUIClient implements ProviderClient {
  readonly id: ProviderId = 'comfyui'
  readonly label = 'ComfyUI'
  readonly demo = false
  readonly hookFamily = 'comfyui' as const
  /** The user's own server is on loopback or the LAN on purpose: downloads are allowed from its origin only (`mediaAccess`). */
  readonly allowLoopbackMedia = false
  private readonly servers: Map<string, ComfyServer>
  private readonly timeoutMs: number
  private readonly sockets = new Map<string, ComfySocket>()
  private readonly tracked = new Map<string, Tracked>()
  private readonly cancelledWhileQueued = new Set<string>()
  /** Prompts absent from both `/history` and `/queue`, by how many times in a row. */
  private readonly missing = new Map<string, number>()
  private readonly objectInfos = new Map<string, Promise<Obj>>()
  private readonly prepared = new Map<string, { serverId: string; file: { fileName: string; mime: string; bytes: Buffer } }>()

  constructor(private readonly options: ComfyUIOptions) {
    this.servers = new Map(options.servers.map((server) => [server.id, { ...server, url: server.url.replace(/\/+$/, '') }]))
    this.timeoutMs = options.timeoutMs ?? 20_000
  }

  // ── servers ──────────────────────────────────────────────────────────────────────────────────────

  server(serverId?: string | null): ComfyServer {
    const id = serverId ?? this.options.defaultServerId
    const server = id ? this.servers.get(id) : undefined
    if (!server) {
      throw new ProviderError(
        'NOT_CONFIGURED',
        id ? `no ComfyUI server "${id}": add it in Settings → ComfyUI servers` : 'no ComfyUI server yet: add one in Settings, or set COMFYUI_URL',
      )
    }
    return server
  }

  private call(server: ComfyServer, method: 'GET' | 'POST', path: string, body?: unknown, opts: { idempotent?: boolean; describe?: (status: number, body: unknown) => DescribedError; timeoutMs?: number } = {}) {
    return requestJson({
      method,
      url: `${server.url}${path}`,
      apiKey: '',
      headers: server.headers,
      body,
      timeoutMs: opts.timeoutMs ?? this.timeoutMs,
      idempotent: opts.idempotent ?? method === 'GET',
      describeError: opts.describe ?? ((status, errorBody) => describeServerError(server, status, errorBody)),
    })
  }

  /** `/object_info`, once per server (a failure is not kept). */
  objectInfo(server: ComfyServer): Promise<Obj> {
    const known = this.objectInfos.get(server.id)
    if (known) return known
    const pending = this.call(server, 'GET', '/object_info', undefined, { timeoutMs: Math.max(this.timeoutMs, 60_000) }).then((body) => {
      if (!isObj(body)) throw new ProviderError('PROVIDER_BAD_REPLY', `${server.name}'s /object_info is not a JSON object`)
      return body
    })
    pending.catch(() => this.objectInfos.delete(server.id))
    this.objectInfos.set(server.id, pending)
    return pending
  }

  /** `/system_stats`: version, device and free VRAM, in words. */
  async testServer(serverId: string | null): Promise<ComfyServerCheck> {
    const server = this.server(serverId)
    try {
      const body = await this.call(server, 'GET', '/system_stats')
      const system = isObj(body) && isObj(body.system) ? body.system : {}
      const device = isObj(body) && Array.isArray(body.devices) && isObj(body.devices[0]) ? body.devices[0] : {}
      const version = typeof system.comfyui_version === 'string' ? system.comfyui_version : null
      const deviceName = typeof device.name === 'string' ? device.name : null
      const free = typeof device.vram_free === 'number' ? device.vram_free : null
      const total = typeof device.vram_total === 'number' ? device.vram_total : null
      const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`
      const head = `ComfyUI ${version ?? '(version not given)'}${deviceName ? ` on ${deviceName}` : ''}`
      const memory = free !== null ? `, ${gib(free)} free${total ? ` of ${gib(total)}` : ''}` : ''
      return { ok: true, message: `Connected to ${server.name}: ${head}${memory}.`, version, device: deviceName, vramFreeBytes: free, vramTotalBytes: total }
    } catch (error) {
      return { ok: false, message: (error as Error).message, version: null, device: null, vramFreeBytes: null, vramTotalBytes: null }
    }
  }

  /** The workflows saved on the server (`/api/userdata?dir=workflows`); none when the folder does not exist yet. */
  async savedWorkflows(serverId?: string): Promise<string[]> {
    const server = this.server(serverId)
    try {
      const body = await this.call(server, 'GET', '/api/userdata?dir=workflows&recurse=true&split=false&full_info=false')
      return Array.isArray(body) ? body.filter((item): item is string => typeof item === 'string' && item.endsWith('.json')) : []
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'PROVIDER_NOT_FOUND') return []
      throw error
    }
  }

  private async readSaved(server: ComfyServer, path: string): Promise<string> {
    if (path.includes('..') || path.startsWith('/')) throw new ProviderError('BAD_INPUT', `"${path}" is not a saved workflow's path`, { field: 'savedWorkflow' })
    const response = await fetch(`${server.url}/api/userdata/${enc(`workflows/${path}`)}`, { headers: server.headers, signal: AbortSignal.timeout(this.timeoutMs) }).catch(
      (error: unknown) => {
        throw new ProviderError('PROVIDER_UNAVAILABLE', `cannot reach ${server.name}: ${(error as Error).message}`)
      },
    )
    if (response.status === 404) throw new ProviderError('NOT_FOUND', `${server.name} has no saved workflow "${path}"`, { field: 'savedWorkflow' })
    if (!response.ok) throw new ProviderError(response.status === 401 || response.status === 403 ? 'PROVIDER_AUTH' : 'PROVIDER_UNAVAILABLE', `${server.name} answered HTTP ${response.status}`)
    return response.text()
  }

  // ── workflows as deployments ─────────────────────────────────────────────────────────────────────

  /** Adds a workflow (API or UI format, or a saved one of the server's); refused with the reason it cannot be used. */
  async addWorkflow(args: { name: string; workflowJson?: string | undefined; savedWorkflow?: string | undefined; serverId?: string | undefined }): Promise<Deployment> {
    const server = this.server(args.serverId)
    if ((args.workflowJson === undefined) === (args.savedWorkflow === undefined)) {
      throw new ProviderError('BAD_INPUT', 'give either the workflow file (workflowJson) or a saved workflow of the server (savedWorkflow)', { field: 'workflowJson' })
    }
    const text = args.workflowJson ?? (await this.readSaved(server, args.savedWorkflow!))
    const parsed = parseWorkflow(text)
    if (!parsed.ok) throw new ProviderError('BAD_INPUT', parsed.reason, { field: 'workflowJson' })
    const info = await this.objectInfo(server)
    let prompt: ApiPrompt
    if (parsed.format === 'ui') {
      const converted = uiToApi(parsed.ui, info)
      if (!converted.ok) throw new ProviderError('BAD_INPUT', converted.reason, { field: 'workflowJson' })
      prompt = converted.prompt
    } else {
      prompt = parsed.prompt
      const missing = Object.entries(prompt).find(([, node]) => !isObj(info[node.class_type]))
      if (missing) {
        throw new ProviderError('BAD_INPUT', `node ${missing[0]} (${missing[1].class_type}) is not installed on ${server.name}: install its custom node, or remove it`, {
          field: 'workflowJson',
        })
      }
    }
    if (!Object.values(prompt).some((node) => isOutputNode(info, node.class_type))) {
      throw new ProviderError('BAD_INPUT', 'the workflow has no output node (SaveImage, PreviewImage…): it would make nothing to save', { field: 'workflowJson' })
    }
    const graph = parseGraph(prompt)
    const candidates = graph ? buildComfyFields(graph, info) : []
    const workflow: StoredWorkflow = {
      id: `wf_${randomBytes(6).toString('base64url')}`,
      serverId: server.id,
      name: args.name.trim(),
      format: parsed.format,
      prompt,
      ui: parsed.format === 'ui' ? parsed.ui : null,
      fields: defaultFields(candidates),
      candidates,
      createdAt: Date.now(),
    }
    this.options.workflows.add(workflow)
    return this.toDeployment(workflow)
  }

  removeWorkflow(deploymentId: string): boolean {
    return this.options.workflows.remove(deploymentId)
  }

  private toDeployment(workflow: StoredWorkflow): Deployment {
    const server = this.servers.get(workflow.serverId)
    const nodes = Object.keys(workflow.prompt).length
    const where = server ? `on ${server.name}` : `on a server no longer configured (${workflow.serverId})`
    return {
      id: workflow.id,
      name: workflow.name,
      provider: this.id,
      description: `ComfyUI workflow ${where}: ${nodes} node${nodes === 1 ? '' : 's'}, added in ${workflow.format === 'ui' ? 'UI' : 'API'} format.`,
      inputs: workflow.fields,
      customForm: false,
      hardware: server?.name ?? null,
    }
  }

  async listDeployments(): Promise<Deployment[]> {
    return this.options.workflows.list().map((workflow) => this.toDeployment(workflow))
  }

  async formCandidates(deploymentId: string, workflowApiJson?: string): Promise<InputField[]> {
    const workflow = this.workflow(deploymentId)
    if (workflowApiJson === undefined) return workflow.candidates
    const parsed = parseWorkflow(workflowApiJson)
    if (!parsed.ok || parsed.format !== 'api') {
      throw new ProviderError('PROVIDER_VALIDATION', parsed.ok ? 'give the workflow in API format here' : parsed.reason, { field: 'workflowApiJson' })
    }
    const graph = parseGraph(parsed.prompt)
    return graph ? buildComfyFields(graph, await this.objectInfo(this.server(workflow.serverId)).catch(() => null)) : []
  }

  private workflow(deploymentId: string): StoredWorkflow {
    const workflow = this.options.workflows.get(deploymentId)
    if (!workflow) throw new ProviderError('PROVIDER_NOT_FOUND', `no ComfyUI workflow ${deploymentId}: it was removed`)
    return workflow
  }

  // ── runs ─────────────────────────────────────────────────────────────────────────────────────────

  private socketFor(server: ComfyServer): ComfySocket {
    let socket = this.sockets.get(server.id)
    if (!socket) {
      socket = new ComfySocket({
        baseUrl: server.url,
        clientId: this.options.clientId,
        headers: server.headers,
        onMessage: (message) => this.onSocketMessage(server, message),
        onState: (up) => this.options.onSocket?.(server.id, up),
        wanted: () => [...this.tracked.values()].some((t) => t.serverId === server.id),
        ...(this.options.socketBackoffMs ? { backoffMs: this.options.socketBackoffMs } : {}),
      })
      this.sockets.set(server.id, socket)
    }
    return socket
  }

  private readonly positionsReading = new Set<string>()

  /** Where our waiting prompts stand in the server's queue (`/queue`), passed on when it changed. */
  private async refreshPositions(server: ComfyServer): Promise<void> {
    const waiting = [...this.tracked.entries()].filter(([, t]) => t.serverId === server.id && t.token !== null && t.started.size === 0)
    if (waiting.length === 0 || this.positionsReading.has(server.id)) return
    this.positionsReading.add(server.id)
    try {
      const items = queueItems(await this.call(server, 'GET', '/queue'))
      const running = items.filter((item) => item.running).length
      const pending = items.filter((item) => !item.running).sort((a, b) => a.number - b.number)
      for (const [promptId, tracked] of waiting) {
        const at = pending.findIndex((item) => item.id === promptId)
        if (at < 0 || tracked.started.size > 0) continue
        const ahead = running + at
        if (tracked.ahead === ahead) continue
        tracked.ahead = ahead
        this.options.onMessage?.(tracked.token!, { type: 'queue_position', data: { prompt_id: promptId, ahead, server: server.name }, courier: {} })
      }
    } catch {
      // The next status message, or the poll, tells again.
    } finally {
      this.positionsReading.delete(server.id)
    }
  }

  private onSocketMessage(server: ComfyServer, message: WsMessage): void {
    if (message.type === 'status') void this.refreshPositions(server)
    if (!PROMPT_MESSAGES.has(message.type)) return
    const promptId = typeof message.data.prompt_id === 'string' ? message.data.prompt_id : null
    const tracked = promptId ? this.tracked.get(promptId) : undefined
    if (!promptId || !tracked || tracked.serverId !== server.id) return
    const courier: Annotation = { total: tracked.prompt ? Object.keys(tracked.prompt).length : 0 }
    const nodeId = typeof message.data.node === 'string' ? message.data.node : typeof message.data.node_id === 'string' ? message.data.node_id : null
    if (nodeId) courier.nodeName = nodeName(tracked.prompt ?? undefined, nodeId, typeof message.data.node_type === 'string' ? message.data.node_type : null)
    if (message.type === 'execution_cached' && Array.isArray(message.data.nodes)) for (const node of message.data.nodes) tracked.started.add(String(node))
    if (message.type === 'executing' && nodeId) tracked.started.add(nodeId)
    courier.done = Math.max(0, tracked.started.size - (message.type === 'executing' || message.type === 'progress' || message.type === 'executed' ? 1 : 0))
    if (message.type === 'progress') {
      const value = typeof message.data.value === 'number' ? message.data.value : 0
      const max = typeof message.data.max === 'number' && message.data.max > 0 ? message.data.max : 1
      const fraction = value / max
      const last = tracked.lastProgress
      const now = Date.now()
      if (last && value < max && fraction - last.fraction < PROGRESS_STEP && fraction >= last.fraction && now - last.at < PROGRESS_EVERY_MS) return
      tracked.lastProgress = { at: now, fraction }
    } else if (message.type === 'executing') {
      tracked.lastProgress = null
    }
    if (message.type === 'execution_error') message = { ...message, data: { ...message.data, exception_message: errorText(message.data, tracked.prompt ?? undefined) } }
    if (message.type === 'execution_success' || message.type === 'execution_error' || message.type === 'execution_interrupted') this.finish(promptId)
    if (tracked.token) this.options.onMessage?.(tracked.token, { ...message, courier })
  }

  private finish(promptId: string): void {
    this.tracked.delete(promptId)
    this.missing.delete(promptId)
  }

  private track(promptId: string, serverId: string, token: string | null, prompt: ApiPrompt | null): void {
    const known = this.tracked.get(promptId)
    if (known) {
      if (token) known.token = token
      return
    }
    this.tracked.set(promptId, { serverId, token, prompt, started: new Set(), lastProgress: null, ahead: null })
  }

  /** The workflow's prompt with the form's values; files prepared for another server are sent there first. */
  private async promptWith(workflow: StoredWorkflow, server: ComfyServer, inputs: InputValues): Promise<ApiPrompt> {
    const prompt = structuredClone(workflow.prompt)
    for (const [key, value] of Object.entries(inputs)) {
      const parts = splitFieldId(key)
      const node = parts ? prompt[parts.nodeId] : undefined
      if (!parts || !node) throw new ProviderError('BAD_INPUT', `"${key}" is not an input of this workflow: inputs are named node id and input name (e.g. 6.text)`, { field: key })
      if (Array.isArray(node.inputs[parts.input])) {
        throw new ProviderError('BAD_INPUT', `${nodeName(prompt, parts.nodeId)}'s ${parts.input} is connected to another node, so it cannot be set`, { field: key })
      }
      let sent: unknown = value
      const prepared = typeof value === 'string' ? this.prepared.get(value) : undefined
      if (prepared && prepared.serverId !== server.id) sent = await this.upload(server, prepared.file)
      node.inputs[parts.input] = sent
    }
    return prompt
  }

  async queue(request: QueueRequest): Promise<{ providerRunId: string }> {
    const workflow = this.workflow(request.deploymentId)
    const server = this.server(workflow.serverId)
    const prompt = await this.promptWith(workflow, server, request.inputs)
    const token = tokenOf(request.webhookUrl)
    const promptId = token ? promptIdFor(token) : crypto.randomUUID()
    this.track(promptId, server.id, token, prompt)
    // Open the socket first so execution_start is not missed; a socket that does not open leaves the run polled.
    await this.socketFor(server).ensure()
    // The editor's graph goes into the files' metadata, with this run's values in its widgets.
    const ui = workflow.ui ? withWidgetValues(workflow.ui, await this.objectInfo(server).catch(() => null), prompt) : null
    const body = {
      prompt,
      client_id: this.options.clientId,
      prompt_id: promptId,
      ...(ui ? { extra_data: { extra_pnginfo: { workflow: ui } } } : {}),
    }
    try {
      const reply = await this.call(server, 'POST', '/prompt', body, { idempotent: false, describe: (status, errorBody) => describePromptError(status, errorBody, prompt) })
      const id = isObj(reply) && typeof reply.prompt_id === 'string' ? reply.prompt_id : null
      if (!id) throw new ProviderError('PROVIDER_BAD_REPLY', `${server.name} accepted the prompt but named no prompt_id`)
      // Its place in the queue once the run is recorded as queued (the ledger ignores news before that).
      setTimeout(() => void this.refreshPositions(server), 50)
      return { providerRunId: id }
    } catch (error) {
      if (!(error instanceof ProviderError && error.details.answerLost)) this.finish(promptId)
      throw error
    }
  }

  async findQueuedRun(request: QueueRequest & { since: number }): Promise<string | null> {
    const token = tokenOf(request.webhookUrl)
    if (!token) return null
    const promptId = promptIdFor(token)
    const server = this.server(this.workflow(request.deploymentId).serverId)
    // The queue first: ComfyUI writes a prompt's history before it leaves the queue, so it cannot slip between the two looks.
    const queue = await this.call(server, 'GET', '/queue')
    if (queueItems(queue).some((item) => item.id === promptId)) return promptId
    const history = await this.call(server, 'GET', `/history/${enc(promptId)}`)
    return isObj(history) && isObj(history[promptId]) ? promptId : null
  }

  async getRun(providerRunId: string, deploymentId: string): Promise<RunSnapshot> {
    const workflow = this.options.workflows.get(deploymentId)
    const server = this.server(workflow?.serverId ?? null)
    const history = await this.call(server, 'GET', `/history/${enc(providerRunId)}`)
    const entry = isObj(history) && isObj(history[providerRunId]) ? history[providerRunId] : null
    if (entry) {
      this.finish(providerRunId)
      return this.fromHistory(server, entry, workflow)
    }
    const queue = await this.call(server, 'GET', '/queue')
    const items = queueItems(queue)
    const mine = items.find((item) => item.id === providerRunId)
    if (mine) {
      this.missing.delete(providerRunId)
      this.track(providerRunId, server.id, null, workflow?.prompt ?? null)
      void this.socketFor(server).ensure(0)
      if (mine.running) return { rawStatus: 'running', status: 'running', outputs: [] }
      const pending = items.filter((item) => !item.running).sort((a, b) => a.number - b.number)
      const position = pending.findIndex((item) => item.id === providerRunId) + 1
      const ahead = items.filter((item) => item.running).length + position - 1
      return { rawStatus: 'pending', status: 'queued', liveStatus: `In ${server.name}'s queue: ${ahead === 0 ? 'next' : `${ahead} ahead`}`, outputs: [] }
    }
    if (this.cancelledWhileQueued.has(providerRunId)) {
      this.finish(providerRunId)
      return { rawStatus: 'deleted', status: 'cancelled', outputs: [], usage: null }
    }
    // It may have finished between the two looks (history is written before the queue lets go): look again.
    const late = await this.call(server, 'GET', `/history/${enc(providerRunId)}`)
    if (isObj(late) && isObj(late[providerRunId])) {
      this.finish(providerRunId)
      return this.fromHistory(server, late[providerRunId], workflow)
    }
    // Between the queue and the history for a moment? Twice absent in a row is gone.
    const misses = (this.missing.get(providerRunId) ?? 0) + 1
    this.missing.set(providerRunId, misses)
    if (misses < 2) return { rawStatus: 'unknown', status: null, outputs: [] }
    this.finish(providerRunId)
    return {
      rawStatus: 'gone',
      status: 'failed',
      error: {
        code: 'PROVIDER_NOT_FOUND',
        message: `${server.name} no longer knows this prompt: it is neither queued nor in its history (the server restarted, or its queue or history was cleared)`,
      },
      outputs: [],
      usage: null,
    }
  }

  private fromHistory(server: ComfyServer, entry: Obj, workflow: StoredWorkflow | undefined): RunSnapshot {
    const status = isObj(entry.status) ? entry.status : {}
    const messages = historyMessages(entry)
    const seconds = executionSeconds(messages)
    const usage = seconds === null ? null : { gpu: server.name, seconds, executionOnly: true, sessionId: null }
    const prompt = Array.isArray(entry.prompt) && isObj(entry.prompt[2]) ? (entry.prompt[2] as ApiPrompt) : workflow?.prompt
    if (messages.has('execution_interrupted')) return { rawStatus: 'interrupted', status: 'cancelled', outputs: [], usage }
    if (status.status_str === 'error' || messages.has('execution_error')) {
      const data = messages.get('execution_error') ?? {}
      return { rawStatus: 'error', status: 'failed', error: { code: 'RUN_FAILED', message: errorText(data, prompt) }, outputs: [], usage }
    }
    if (status.status_str === 'success' || status.completed === true) {
      const outputs: OutputRef[] = historyOutputs(entry).map((file) => ({
        url: `${server.url}/view?filename=${enc(file.filename)}&subfolder=${enc(file.subfolder)}&type=${enc(file.type)}`,
        kind: file.kind,
        filename: file.filename,
      }))
      return { rawStatus: 'success', status: 'succeeded', outputs, usage }
    }
    return { rawStatus: String(status.status_str ?? 'running'), status: 'running', outputs: [] }
  }

  /** `/interrupt` when the running prompt is ours, else deleted from `/queue`; a finished one is a conflict. */
  async cancel(providerRunId: string, deploymentId: string): Promise<void> {
    const workflow = this.options.workflows.get(deploymentId)
    const server = this.server(workflow?.serverId ?? null)
    const items = queueItems(await this.call(server, 'GET', '/queue'))
    const mine = items.find((item) => item.id === providerRunId)
    if (mine?.running) {
      await this.call(server, 'POST', '/interrupt', { prompt_id: providerRunId }, { idempotent: true })
      return
    }
    if (mine) {
      this.cancelledWhileQueued.add(providerRunId)
      await this.call(server, 'POST', '/queue', { delete: [providerRunId] }, { idempotent: true })
      return
    }
    throw new ProviderError('CONFLICT', `${server.name} is no longer running or queueing this prompt: it has finished`)
  }

  parseWebhook(body: unknown): Result<WebhookHint> {
    if (!isObj(body) || typeof body.type !== 'string' || !isObj(body.data)) return err('BAD_INPUT', 'not a ComfyUI message: expected {type, data}')
    const message = body as unknown as WsMessage & { courier?: Annotation }
    const read = hintOf(message)
    const promptId = typeof message.data.prompt_id === 'string' ? message.data.prompt_id : null
    if (!read) return err('BAD_INPUT', `ComfyUI message "${message.type}" says nothing about a run`)
    return ok({ providerRunId: promptId, rawStatus: message.type, hint: read.hint, dedupeKey: read.dedupeKey })
  }

  /** Uploads to the default server (`/upload/image`); the file is kept to send to another server if a run goes there. */
  async prepareFile(file: { fileName: string; mime: string; bytes: Buffer }, onProgress?: (sentBytes: number, totalBytes: number) => void): Promise<string> {
    const server = this.server()
    const value = await this.upload(server, file, onProgress)
    this.prepared.set(value, { serverId: server.id, file })
    if (this.prepared.size > PREPARED_KEPT) this.prepared.delete(this.prepared.keys().next().value as string)
    return value
  }

  private async upload(server: ComfyServer, file: { fileName: string; mime: string; bytes: Buffer }, onProgress?: (sentBytes: number, totalBytes: number) => void): Promise<string> {
    const ext = /\.[A-Za-z0-9]{1,5}$/.exec(file.fileName)?.[0] ?? '.png'
    // Named by content: the same file sent twice is one file on the server.
    const name = `courier_${createHash('sha256').update(file.bytes).digest('hex').slice(0, 16)}${ext.toLowerCase()}`
    const reply = await requestJson({
      method: 'POST',
      url: `${server.url}/upload/image`,
      apiKey: '',
      headers: server.headers,
      stream: multipartFile({ field: 'image', fileName: name, mime: file.mime, bytes: file.bytes, ...(onProgress ? { onProgress } : {}) }),
      timeoutMs: Math.max(this.timeoutMs, 120_000),
      idempotent: false,
      describeError: (status, body) => describeServerError(server, status, body),
    })
    if (!isObj(reply) || typeof reply.name !== 'string') throw new ProviderError('PROVIDER_BAD_REPLY', `${server.name}'s /upload/image named no file`)
    return typeof reply.subfolder === 'string' && reply.subfolder ? `${reply.subfolder}/${reply.name}` : reply.name
  }

  /** Outputs are fetched only from a configured server's own origin, with its auth. */
  mediaAccess(url: string): { origin: string; headers: Record<string, string> } | null {
    let origin: string
    try {
      origin = new URL(url).origin
    } catch {
      return null
    }
    for (const server of this.servers.values()) if (new URL(server.url).origin === origin) return { origin, headers: server.headers }
    return null
  }

  /** The $/hour of the server a workflow runs on, for pricing its GPU time. */
  hourlyRate(deploymentId: string): { name: string; usdPerHour: number | null } | null {
    const workflow = this.options.workflows.get(deploymentId)
    const server = workflow ? this.servers.get(workflow.serverId) : undefined
    return server ? { name: server.name, usdPerHour: server.usdPerHour } : null
  }

  dispose(): void {
    for (const socket of this.sockets.values()) socket.close()
    this.sockets.clear()
  }
}

/** `/queue`'s items: `[number, prompt_id, prompt, extra_data, outputs]`, running first. */
function queueItems(body: unknown): { id: string; number: number; running: boolean }[] {
  if (!isObj(body)) return []
  const read = (list: unknown, running: boolean) =>
    (Array.isArray(list) ? list : []).flatMap((item) =>
      Array.isArray(item) && typeof item[1] === 'string' ? [{ id: item[1], number: typeof item[0] === 'number' ? item[0] : 0, running }] : [],
    )
  return [...read(body.queue_running, true), ...read(body.queue_pending, false)]
}

function describeServerError(server: ComfyServer, status: number, body: unknown): DescribedError {
  if (status === 401 || status === 403) {
    return { message: `${server.name} refused the credentials (HTTP ${status}): check the server's auth in Settings → ComfyUI servers` }
  }
  if (isObj(body) && (isObj(body.error) || isObj(body.node_errors))) return describePromptError(status, body)
  const text = typeof body === 'string' ? body : isObj(body) && typeof body.error === 'string' ? body.error : ''
  return { message: `${server.name} answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}` }
}
