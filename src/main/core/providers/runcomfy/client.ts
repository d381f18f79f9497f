import { z } from 'zod'
import type { Deployment, InputField } from '@shared/deployment'
import { err, ok, type Result } from '@shared/result'
import type { InputValues, ProviderId, RunStatus } from '@shared/run'
import { requestJson } from '../http'
import { hasEnded, parseInstant, secondsBetween, toRunUsage } from '../run-usage'
import { ProviderError, type ProviderClient, type QueueRequest, type RunSnapshot, type RunUsage, type WebhookHint } from '../types'
import { describeRunComfyError, inspectRunComfyBody, isRunComfyErrorBody } from './errors'
import { buildComfyFields, parseGraph, splitFieldId, toOverrides } from './input-map'
import { toOutputRefs } from './outputs'
import { BalanceReply, CancelReply, DeploymentList, DeploymentModel, QueueReply, RequestTimings, ResultReply, StatusReply, WebhookBody } from './schemas'
import { failureMessage, isCancelledWord, isFinishedWord, liveStatusOf, toRunStatus } from './status-map'

export interface RunComfyOptions {
  /** The host without a path prefix, e.g. `https://api.runcomfy.net`; `/prod/v2` or `/prod/v1` is added per call. */
  baseUrl: string
  apiKey: string
  timeoutMs?: number
  allowLoopbackMedia?: boolean
}

/** RunComfy has no upload endpoint: files go inline as data URIs, which it takes but calls slow when big. */
export const INLINE_FILE_LIMIT = 20 * 1024 * 1024

const V2 = '/prod/v2'
const V1 = '/prod/v1'
type Prefix = typeof V2 | typeof V1
/** The calls that exist under both prefixes; each remembers the prefix that answered. */
type CallKind = 'inference' | 'status' | 'result' | 'cancel'
type DeploymentKind = 'comfyui' | 'lora'

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const enc = encodeURIComponent

function parseReply<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ProviderError('PROVIDER_BAD_REPLY', `unexpected RunComfy ${what}: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

const LORA_NOTE =
  "RunComfy does not publish this deployment's input schema (LoRA deployments show it only on their API tab): " +
  'type the input names from that tab (e.g. prompt, seed, width) as field names; they are sent as a flat body.'

/**
 * RunComfy's Serverless API (ComfyUI and LoRA deployments): deployments, inference, status → result,
 * cancel, and its webhooks. Calls try `/prod/v2` first and fall back to `/prod/v1` when the prefix
 * itself is unknown (a 404 RunComfy did not write), remembering what worked per kind of call.
 */
export class RunComfyClient implements ProviderClient {
  readonly id: ProviderId = 'runcomfy'
  readonly label = 'RunComfy'
  readonly demo = false
  readonly hookFamily = 'runcomfy' as const
  readonly allowLoopbackMedia: boolean
  private readonly base: string
  private readonly timeoutMs: number
  private readonly prefixes = new Map<CallKind, Prefix>()
  private readonly kinds = new Map<string, DeploymentKind>()
  private readonly objectInfos = new Map<string, Promise<Obj | null>>()
  /** Each deployment's hardware SKU (null: unsaid), to say what an ended request ran on; failures are not kept. */
  private readonly skus = new Map<string, Promise<string | null>>()

  constructor(private readonly options: RunComfyOptions) {
    this.allowLoopbackMedia = options.allowLoopbackMedia ?? false
    this.base = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 20_000
  }

  /** The prefix a kind of call currently goes to first (v2 until v1 was needed). */
  prefixFor(kind: CallKind): Prefix {
    return this.prefixes.get(kind) ?? V2
  }

  private call(method: 'GET' | 'POST', url: string, body: unknown, idempotent: boolean, onError?: (status: number, body: unknown) => void) {
    return requestJson({
      method,
      url,
      apiKey: this.options.apiKey,
      body,
      timeoutMs: this.timeoutMs,
      idempotent,
      describeError: (status, errorBody) => {
        onError?.(status, errorBody)
        return describeRunComfyError(status, errorBody)
      },
      inspect: inspectRunComfyBody,
    })
  }

  /** A call that exists under `/prod/v2` and `/prod/v1`. Falling back is safe even for inference: an unknown route started nothing. */
  private async versioned(kind: CallKind, method: 'GET' | 'POST', path: string, body: unknown, idempotent: boolean): Promise<unknown> {
    const first = this.prefixFor(kind)
    const order: Prefix[] = first === V2 ? [V2, V1] : [V1, V2]
    for (const [index, prefix] of order.entries()) {
      const seen = { routeUnknown: false }
      try {
        const reply = await this.call(method, `${this.base}${prefix}${path}`, body, idempotent, (status, errorBody) => {
          seen.routeUnknown = status === 404 && !isRunComfyErrorBody(errorBody)
        })
        this.prefixes.set(kind, prefix)
        return reply
      } catch (error) {
        if (!seen.routeUnknown || !(error instanceof ProviderError)) throw error
        if (index === order.length - 1) {
          throw new ProviderError(
            'PROVIDER_NOT_FOUND',
            `RunComfy serves this call under neither ${V2} nor ${V1} (HTTP 404): check the RunComfy base URL in Settings`,
            { status: 404 },
          )
        }
      }
    }
    throw new Error('unreachable')
  }

  /** The graph and object_info of each ComfyUI deployment seen, for the form editor. */
  private readonly graphs = new Map<string, { graph: NonNullable<ReturnType<typeof parseGraph>>; infoUrl: string | null }>()

  async listDeployments(): Promise<Deployment[]> {
    const body = await this.call('GET', `${this.base}${V2}/deployments?includes=payload`, undefined, true)
    const items = parseReply(DeploymentList, body, 'deployment list')
    const models = items.map((item) => DeploymentModel.safeParse(item))
    const good = models.flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    const firstBad = models.find((parsed) => !parsed.success)
    if (good.length === 0 && firstBad && !firstBad.success) {
      throw new ProviderError('PROVIDER_BAD_REPLY', `unexpected RunComfy deployment: ${z.prettifyError(firstBad.error)}`)
    }
    return Promise.all(good.map((model) => this.toDeployment(model)))
  }

  private async toDeployment(model: DeploymentModel): Promise<Deployment> {
    const sku = hardwareSku(model)
    this.skus.set(model.id, Promise.resolve(sku))
    const deployment = await this.describeDeployment(model)
    return sku ? { ...deployment, hardware: sku } : deployment
  }

  /**
   * A deployment's hardware SKU for pricing an ended request: from the last listing, else `GET
   * /prod/v2/deployments/{id}` once. A failed lookup gives null (the request keeps its seconds, unpriced)
   * and is tried again next time.
   */
  private skuOf(deploymentId: string): Promise<string | null> {
    const known = this.skus.get(deploymentId)
    if (known) return known
    const pending = this.call('GET', `${this.base}${V2}/deployments/${enc(deploymentId)}`, undefined, true).then(
      (body) => {
        const model = DeploymentModel.safeParse(body)
        return model.success ? hardwareSku(model.data) : null
      },
      () => {
        this.skus.delete(deploymentId)
        return null
      },
    )
    this.skus.set(deploymentId, pending)
    return pending
  }

  private async describeDeployment(model: DeploymentModel): Promise<Deployment> {
    const payload = model.payload ?? {}
    const graph = parseGraph(model.workflow_api_json ?? payload.workflow_api_json)
    const hardware = Array.isArray(model.hardware) ? model.hardware.join(', ') : model.hardware
    const where = [hardware ? `on ${hardware}` : '', model.status ? `(${model.status})` : ''].filter(Boolean).join(' ')
    const lead = [model.is_enabled === false ? '(disabled)' : '', model.description?.trim() ?? '']
    if (!graph) {
      this.kinds.set(model.id, 'lora')
      const description = [...lead, `LoRA deployment${where ? ` ${where}` : ''}.`, LORA_NOTE].filter(Boolean).join(' ')
      return { id: model.id, name: model.name?.trim() || model.id, provider: this.id, description, inputs: [], customForm: false }
    }
    this.kinds.set(model.id, 'comfyui')
    const infoUrl = model.object_info_url ?? payload.object_info_url
    this.graphs.set(model.id, { graph, infoUrl: infoUrl ?? null })
    const info = infoUrl ? await this.objectInfo(infoUrl) : null
    const version = model.workflow_version !== undefined && model.workflow_version !== null ? ` ${model.workflow_version}` : ''
    const description = [
      ...lead,
      `ComfyUI workflow${version}${where ? ` ${where}` : ''}.`,
      info ? '' : `Input types are guessed from the saved values (${infoUrl ? 'object_info could not be read' : 'no object_info published'}).`,
    ]
      .filter(Boolean)
      .join(' ')
    return {
      id: model.id,
      name: model.name?.trim() || model.id,
      provider: this.id,
      description,
      inputs: buildComfyFields(graph, info, model.overrides ?? payload.overrides),
      customForm: false,
    }
  }

  /** Every literal node input of the deployment's graph, or of a workflow in API format the user imports. */
  async formCandidates(deploymentId: string, workflowApiJson?: string): Promise<InputField[]> {
    if (!this.kinds.has(deploymentId)) await this.listDeployments()
    const known = this.graphs.get(deploymentId)
    const graph = workflowApiJson !== undefined ? parseGraph(workflowApiJson) : (known?.graph ?? null)
    if (!graph) {
      throw new ProviderError(
        'PROVIDER_VALIDATION',
        workflowApiJson !== undefined
          ? 'that is not a workflow in ComfyUI’s API format (export it with “Save (API)”)'
          : 'this deployment publishes no workflow: add its input names by hand',
        { field: 'workflowApiJson' },
      )
    }
    const info = known?.infoUrl ? await this.objectInfo(known.infoUrl) : null
    return buildComfyFields(graph, info)
  }

  /**
   * `object_info` for a deployment, fetched once per URL (failures are not cached). The API token goes only
   * to the API's own origin: the URL may be a presigned storage link.
   */
  private objectInfo(url: string): Promise<Obj | null> {
    let target: URL
    try {
      target = new URL(url, `${this.base}/`)
    } catch {
      return Promise.resolve(null)
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return Promise.resolve(null)
    const key = target.href
    const cached = this.objectInfos.get(key)
    if (cached) return cached
    const forget = () => {
      this.objectInfos.delete(key)
      return null
    }
    const pending = requestJson({
      method: 'GET',
      url: key,
      apiKey: this.options.apiKey,
      anonymous: target.origin !== new URL(this.base).origin,
      timeoutMs: Math.max(this.timeoutMs, 60_000),
      idempotent: true,
      describeError: describeRunComfyError,
      inspect: inspectRunComfyBody,
    }).then((body) => (isObj(body) ? body : forget()), forget)
    this.objectInfos.set(key, pending)
    return pending
  }

  async queue(request: QueueRequest): Promise<{ providerRunId: string }> {
    const kind = this.kinds.get(request.deploymentId) ?? guessKind(request.inputs)
    let body: unknown
    if (kind === 'lora') {
      body = { ...request.inputs }
    } else {
      const { overrides, invalid } = toOverrides(request.inputs)
      if (invalid !== null) {
        throw new ProviderError(
          'PROVIDER_VALIDATION',
          `"${invalid}" is not a node input: RunComfy ComfyUI deployments take inputs named nodeId.inputName (e.g. 6.text)`,
          { field: invalid },
        )
      }
      body = { overrides }
    }
    const query = request.webhookUrl ? `?webhook=${enc(request.webhookUrl)}&webhook_intermediate_status=true` : ''
    const reply = await this.versioned('inference', 'POST', `/deployments/${enc(request.deploymentId)}/inference${query}`, body, false)
    return { providerRunId: parseReply(QueueReply, reply, 'inference reply').request_id }
  }

  /**
   * Status first; once it reads finished (`completed` — success or failure alike —, `succeeded`, `failed`,
   * `cancelled`/`canceled`) the outcome and outputs come from `/result`.
   */
  async getRun(providerRunId: string, deploymentId: string): Promise<RunSnapshot> {
    const path = `/deployments/${enc(deploymentId)}/requests/${enc(providerRunId)}`
    const state = parseReply(StatusReply, await this.versioned('status', 'GET', `${path}/status`, undefined, true), 'request status')
    if (!isFinishedWord(state.status)) {
      const liveStatus = liveStatusOf(state.status, { queuePosition: state.queue_position, instanceId: state.instance_id })
      return { rawStatus: state.status, status: toRunStatus(state.status), ...(liveStatus !== undefined ? { liveStatus } : {}), outputs: [] }
    }
    let result: ResultReply
    try {
      result = parseReply(ResultReply, await this.versioned('result', 'GET', `${path}/result`, undefined, true), 'request result')
    } catch (error) {
      // A request cancelled while queued may have no result at all (and used no GPU).
      if (isCancelledWord(state.status) && error instanceof ProviderError && error.code === 'PROVIDER_NOT_FOUND') {
        return { rawStatus: state.status, status: 'cancelled', outputs: [], usage: null }
      }
      throw error
    }
    const snapshot = snapshotFromResult(state.status, result)
    if (!hasEnded(snapshot.status)) return snapshot
    // Cancelled with no instance and no start: it was still waiting in the queue, so no GPU ran for it.
    const neverStarted = snapshot.status === 'cancelled' && !hasText(state.instance_id)
    return { ...snapshot, usage: toRunComfyUsage(result, await this.skuOf(deploymentId), { neverStarted }) }
  }

  /** `GET /prod/v2/balance` → the account's `balance_usd` (v2 only, like the official CLI). */
  async balance(): Promise<number> {
    const body = await this.call('GET', `${this.base}${V2}/balance`, undefined, true)
    return parseReply(BalanceReply, body, 'balance').balance_usd
  }

  /** RunComfy's answer is read, not trusted: `not_cancellable` is refused, anything else waits for the poller. */
  async cancel(providerRunId: string, deploymentId: string): Promise<void> {
    const path = `/deployments/${enc(deploymentId)}/requests/${enc(providerRunId)}/cancel`
    const body = await this.versioned('cancel', 'POST', path, undefined, true)
    const reply = parseReply(CancelReply, body ?? {}, 'cancel reply')
    const words = [reply.outcome, reply.status].map((word) => word?.trim().toLowerCase())
    if (words.includes('not_cancellable')) {
      throw new ProviderError('CONFLICT', 'RunComfy cannot cancel a request that is already running or finished')
    }
  }

  parseWebhook(body: unknown): Result<WebhookHint> {
    if (!isObj(body)) return err('BAD_INPUT', 'not a RunComfy webhook: expected a JSON object')
    if (typeof body.request_id !== 'string' || body.request_id.trim() === '') {
      return err('BAD_INPUT', 'not a RunComfy webhook: request_id is missing')
    }
    const parsed = WebhookBody.safeParse(body)
    if (!parsed.success) return err('BAD_INPUT', `not a RunComfy webhook: ${z.prettifyError(parsed.error)}`)
    const hook = parsed.data
    // `outcome` may stand in for `status`; with neither, the body is the in_queue callback.
    const words = [hook.status, hook.outcome].filter((word): word is string => typeof word === 'string' && word.trim() !== '')
    const rawStatus = words.find((word) => toRunStatus(word) !== null) ?? words[0] ?? null
    const status = rawStatus === null ? 'queued' : toRunStatus(rawStatus)
    const liveStatus = liveStatusOf(rawStatus ?? 'in_queue', { queuePosition: hook.queue_position, instanceId: hook.instance_id })
    return ok({
      providerRunId: hook.request_id,
      rawStatus,
      hint: {
        status,
        ...(liveStatus !== undefined ? { liveStatus } : {}),
        ...(status === 'failed' ? { error: { code: 'RUN_FAILED' as const, message: failureMessage(hook.error) ?? 'the workflow failed on RunComfy' } } : {}),
      },
      // RunComfy's own advice: request_id + status identifies the news.
      dedupeKey: JSON.stringify([hook.request_id, status ?? `?${rawStatus?.trim().toLowerCase()}`]),
    })
  }

  /** No upload endpoint exists: a file goes inline as a data URI, up to 20 MiB. */
  async prepareFile(file: { fileName: string; mime: string; bytes: Buffer }): Promise<string> {
    if (file.bytes.length > INLINE_FILE_LIMIT) {
      const mib = (file.bytes.length / 1024 / 1024).toFixed(1)
      throw new ProviderError(
        'PROVIDER_VALIDATION',
        `${file.fileName} is ${mib} MiB: RunComfy has no upload endpoint and takes files inline only up to 20 MiB — put it at a public HTTPS URL and use that URL instead`,
      )
    }
    const mime = /^[\w.+-]+\/[\w.+-]+$/.test(file.mime) ? file.mime : 'application/octet-stream'
    return `data:${mime};base64,${file.bytes.toString('base64')}`
  }
}

const hasText = (value: unknown) => (typeof value === 'string' && value.trim() !== '') || typeof value === 'number'

/** `hardware` is an array with one SKU (`["AMPERE_48"]`); a bare string is read too. */
function hardwareSku(model: DeploymentModel): string | null {
  const first = Array.isArray(model.hardware) ? model.hardware[0] : model.hardware
  const sku = first?.trim()
  return sku && sku.length <= 100 ? sku : null
}

/**
 * What an ended request used (spend.md): its deployment's hardware SKU, from `created_at` (queue and cold
 * start included) to `finished_at`, else from `started_at` (execution only). Null when it never started
 * (`neverStarted` and no `started_at`) or its timings are unreadable. RunComfy names no GPU session.
 */
export function toRunComfyUsage(result: unknown, sku: string | null, opts: { neverStarted?: boolean } = {}): RunUsage | null {
  const parsed = RequestTimings.safeParse(result)
  if (!parsed.success) return null
  const finished = parseInstant(parsed.data.finished_at)
  const started = parseInstant(parsed.data.started_at)
  if (opts.neverStarted && started === null) return null
  return toRunUsage({
    gpu: sku,
    whole: secondsBetween(parseInstant(parsed.data.created_at), finished),
    execution: secondsBetween(started, finished),
  })
}

/** Without a listed deployment: `nodeId.inputName` keys mean ComfyUI, plain names mean a flat LoRA body. */
function guessKind(inputs: InputValues): DeploymentKind {
  const keys = Object.keys(inputs)
  return keys.length > 0 && keys.every((key) => splitFieldId(key) === null) ? 'lora' : 'comfyui'
}

/**
 * The outcome from `/result`. `completed` there (not seen, but the status endpoint uses it) is read from
 * the evidence: an error means failed, files mean succeeded, neither means "ask again".
 */
export function snapshotFromResult(statusWord: string, result: ResultReply): RunSnapshot {
  const outputs = toOutputRefs(result)
  const failure = failureMessage(result.error)
  const outcome = toRunStatus(result.status)
  let status: RunStatus | null = null
  if (outcome === 'succeeded' || outcome === 'failed' || outcome === 'cancelled') status = outcome
  else if (result.status.trim().toLowerCase() === 'completed') status = failure ? 'failed' : outputs.length > 0 ? 'succeeded' : null
  else if (isCancelledWord(statusWord)) status = 'cancelled'
  else if (toRunStatus(statusWord) === 'failed') status = 'failed'
  return {
    rawStatus: result.status,
    status,
    outputs: status === 'succeeded' ? outputs : [],
    ...(status === 'failed' ? { error: { code: 'RUN_FAILED' as const, message: failure ?? 'the workflow failed on RunComfy' } } : {}),
  }
}
