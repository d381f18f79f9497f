import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import type { Deployment } from '@shared/deployment'
import { err, ok, type Result } from '@shared/result'
import type { ProviderId } from '@shared/run'
import { requestJson } from '../http'
import { multipartFile } from '../multipart-upload'
import { hasEnded, parseInstant, secondsBetween, toRunUsage } from '../run-usage'
import {
  ProviderError,
  type AccountUsage,
  type GpuSession,
  type ProviderClient,
  type QueueRequest,
  type RunSnapshot,
  type RunUsage,
  type WebhookHint,
} from '../types'
import { toInputFields } from './input-map'
import { toOutputRefs } from './outputs'
import {
  CancelReply,
  DeploymentModel,
  GpuPricingReply,
  MachineEvent,
  QueueReply,
  RunListEntry,
  RunModel,
  RunTimings,
  UploadReply,
  UsageDetailsReply,
  UsageReply,
  WebhookBody,
  type RunOutputModel,
} from './schemas'
import { toFraction, toRunStatus } from './status-map'

export interface ComfyDeployOptions {
  id?: ProviderId
  label?: string
  demo?: boolean
  baseUrl: string
  apiKey: string
  timeoutMs?: number
  allowLoopbackMedia?: boolean
}

/** FastAPI error bodies: `{detail: "text"}` or 422 `{detail: [{loc, msg}]}`; the input named by `loc` is the field. */
export function describeComfyDeployError(status: number, body: unknown): { message: string; field?: string } {
  const detail = (body as { detail?: unknown } | undefined)?.detail
  // Which credential was refused is a fact worth naming; what to do about it is the renderer's to say.
  if (status === 401 || status === 403) return { message: `ComfyDeploy refused the API key (HTTP ${status}${typeof detail === 'string' ? `: ${detail}` : ''})` }
  if (typeof detail === 'string') return { message: detail }
  if (Array.isArray(detail) && detail.length > 0) {
    const first = detail[0] as { loc?: unknown[]; msg?: string }
    const loc = Array.isArray(first.loc) ? first.loc.map(String) : []
    const inputsAt = loc.indexOf('inputs')
    const field = inputsAt >= 0 ? loc[inputsAt + 1] : undefined
    const where = loc.filter((part) => part !== 'body').join('.')
    return { message: `${where ? `${where}: ` : ''}${first.msg ?? 'invalid value'}`, ...(field ? { field } : {}) }
  }
  return { message: `the service answered HTTP ${status}` }
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

/** Zod issues in words that name the field: `"id" is missing`, `"outputs.0.data": expected record…`. */
export function describeIssues(error: z.ZodError, body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `expected a JSON object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.') || '(body)'
      return issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined ? `"${field}" is missing` : `"${field}": ${issue.message}`
    })
    .join('; ')
}

function parseReply<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ProviderError('PROVIDER_BAD_REPLY', `unexpected ${what}: ${describeIssues(parsed.error, body)}`)
  return parsed.data
}

/** One `DeploymentModel` (§7) as the app's deployment; throws PROVIDER_BAD_REPLY naming a missing field. */
export function toDeployment(body: unknown, provider: ProviderId): Deployment {
  const model = parseReply(DeploymentModel, body, 'deployment')
  const gpu = model.gpu?.trim()
  return {
    id: model.id,
    name: model.workflow?.name?.trim() || model.id,
    provider,
    description: model.description ?? '',
    inputs: toInputFields(model.input_types ?? []),
    customForm: false,
    // Only when the service names it: a deployment without a GPU stays as it always was.
    ...(gpu && gpu.length <= 100 ? { hardware: gpu } : {}),
  }
}

/**
 * What an ended run used (spend.md): its `gpu` (the service already put the deployment's GPU there when the
 * deployment has one; `deploymentGpu` stands in only when the run names none), from `queued_at` to
 * `ended_at` (cold start included), else its execution (`run_duration`, or `ended_at − started_at`).
 * Null when it never ran or its timings are unreadable.
 */
export function toComfyDeployUsage(body: unknown, deploymentGpu: string | null = null): RunUsage | null {
  const parsed = RunTimings.safeParse(body)
  if (!parsed.success) return null
  const run = parsed.data
  const ended = parseInstant(run.ended_at)
  return toRunUsage({
    gpu: run.gpu ?? deploymentGpu,
    whole: secondsBetween(parseInstant(run.queued_at), ended),
    execution: run.run_duration ?? secondsBetween(parseInstant(run.started_at), ended),
    sessionId: run.gpu_event_id === null || run.gpu_event_id === undefined ? null : String(run.gpu_event_id),
  })
}

/**
 * A `GET /run/{id}` reply (§3) normalized; throws PROVIDER_BAD_REPLY naming a missing field (`id`, `status`).
 * Once the run has ended it carries `usage` (null when the service gave no usable timings).
 */
export function toRunSnapshot(body: unknown, deploymentGpu: string | null = null): RunSnapshot {
  const run = parseReply(RunModel, body, 'run')
  const status = toRunStatus(run.status)
  return {
    rawStatus: run.status,
    status,
    progress: toFraction(run.progress),
    // While it waits, where it stands in the machine's queue is the news a creator wants.
    liveStatus:
      run.live_status ?? (status === 'queued' && typeof run.queue_position === 'number' ? `In queue: position ${run.queue_position + 1}` : null),
    outputs: toOutputRefs(run.outputs),
    ...(status === 'failed'
      ? { error: { code: 'RUN_FAILED' as const, message: run.live_status ? `failed while ${run.live_status}` : 'the workflow failed' } }
      : {}),
    ...(status === 'timed_out' ? { error: { code: 'RUN_FAILED' as const, message: 'the run hit its time limit on the service' } } : {}),
    ...(hasEnded(status) ? { usage: toComfyDeployUsage(body, deploymentGpu) } : {}),
  }
}

/** `GET /platform/gpu-pricing`: GPU name → dollars per second; anything but a flat table of prices is refused. */
export function toGpuPricing(body: unknown): Record<string, number> {
  return { ...parseReply(GpuPricingReply, body, 'GPU pricing') }
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * `GET /platform/usage-details` entries (`{date, <GPU>: dollars, …}`) as dollars per day, the GPUs summed,
 * kept to the days of the range. The service's days are UTC dates (it casts each session's start to a date).
 */
export function toUsageDays(body: unknown, range: { fromMs: number; toMs: number }): AccountUsage['days'] {
  const entries = UsageDetailsReply.safeParse(body)
  if (!entries.success) return []
  const first = utcDay(range.fromMs)
  const last = utcDay(range.toMs)
  const byDay = new Map<string, number>()
  for (const entry of entries.data) {
    const day = entry.date.slice(0, 10)
    if (day < first || day > last) continue
    const usd = Object.entries(entry).reduce(
      (sum, [key, value]) => (key !== 'date' && typeof value === 'number' && Number.isFinite(value) && value >= 0 ? sum + value : sum),
      0,
    )
    byDay.set(day, (byDay.get(day) ?? 0) + usd)
  }
  return [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, usd]) => ({ day, usd }))
}

/**
 * `GET /machine/{id}/events` as sessions. An event without an id or a readable start cannot be matched to
 * a run, so it is skipped; an open session has no end and no cost yet.
 */
export function toGpuSessions(body: unknown): GpuSession[] {
  if (!Array.isArray(body)) throw new ProviderError('PROVIDER_BAD_REPLY', 'unexpected machine events: not a JSON array')
  return body.flatMap((entry) => {
    const parsed = MachineEvent.safeParse(entry)
    if (!parsed.success) return []
    const event = parsed.data
    const id = event.session_id ?? event.id
    const startMs = parseInstant(event.start_time)
    if (id === null || id === undefined || startMs === null) return []
    return [{ sessionId: String(id), gpu: event.gpu ?? null, startMs, endMs: parseInstant(event.end_time), usd: event.cost ?? null }]
  })
}

/** A `POST /run/deployment/queue` reply (§2): the new run's id. */
export function toQueuedRunId(body: unknown): string {
  return parseReply(QueueReply, body, 'queue reply').run_id
}

/** A `POST /file/upload` reply (§7): the URL to send as the input's value. */
export function toUploadedFile(body: unknown): { fileId: string | null; fileName: string | null; url: string } {
  const reply = parseReply(UploadReply, body, 'upload reply')
  return { fileId: reply.file_id ?? null, fileName: reply.file_name ?? null, url: reply.file_url }
}

/**
 * A cancel reply (§6), server `{status:"success",message}` or docs `{success:true,message}`. Any 2xx means
 * the cancel was requested; the run's own GET confirms it, so an odd body is not an error.
 */
export function toCancelReply(body: unknown): { requested: true; message: string | null } {
  const reply = CancelReply.safeParse(body)
  return { requested: true, message: reply.success ? (reply.data.message ?? null) : null }
}

/**
 * §6: while a run waits for a machine (`not-started`: cold start, or beyond the machine's `concurrency_limit`)
 * it has no Modal function call, and a cancel answers 500 `{"detail":"Error cancel function 404: Run not found
 * or has no modal function call ID"}`; the service's advice is to retry later. Matched on the words that name
 * the missing call, in any case, so a reworded prefix still counts.
 */
const NOT_DISPATCHED = /modal function call|has no modal/i

/** A cancel's error, marked `notDispatched` when it is §6's "not dispatched yet" answer; any other error as it was. */
export function cancelError(error: unknown): unknown {
  if (!(error instanceof ProviderError) || error.details.status !== 500 || !NOT_DISPATCHED.test(error.message)) return error
  return new ProviderError(error.code, error.message, { ...error.details, notDispatched: true })
}

/** What tells one output event from another: the output's own id, else its output id or node, else its URLs. */
function outputIdentity(output: RunOutputModel): string {
  if (output.id) return output.id
  const urls = toOutputRefs([output]).map((ref) => ref.url)
  return [output.output_id ?? '', output.node_id ?? output.node_meta?.node_id ?? '', ...urls].join('|')
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A ComfyDeploy webhook body (§9.2), either dialect, normalized to a hint:
 * - dialect A (server/SDK, seed 000): `live_status` always present, `event_type` usually; progress 0–1;
 * - dialect B (newer docs, seed 001): no `live_status` nor `event_type`; status queued|processing|completed|
 *   failed|cancelled; progress 0–100.
 * A `run.output` event announces one saved output: not a status change (status null, so it cannot move the
 * run back), and its dedupe key names the output, so each output's event counts once.
 */
export function parseComfyDeployWebhook(body: unknown): Result<WebhookHint> {
  const parsed = WebhookBody.safeParse(body)
  if (!parsed.success) return err('BAD_INPUT', `not a ComfyDeploy webhook: ${describeIssues(parsed.error, body)}`)
  const hook = parsed.data
  const dialectB = isRecord(body) && !('live_status' in body) && !('event_type' in body)
  const progress = toFraction(hook.progress, dialectB)
  const progressHint = progress !== undefined ? { progress } : {}

  if (hook.event_type === 'run.output') {
    return ok({
      providerRunId: hook.run_id,
      rawStatus: null,
      hint: { status: null, ...progressHint },
      dedupeKey: JSON.stringify(['run.output', (hook.outputs ?? []).map(outputIdentity)]),
    })
  }

  const rawStatus = hook.status ?? null
  const status = rawStatus === null ? null : toRunStatus(rawStatus)
  const liveStatus = dialectB ? undefined : hook.live_status
  return ok({
    providerRunId: hook.run_id,
    rawStatus,
    hint: { status, ...progressHint, ...(liveStatus !== undefined ? { liveStatus } : {}) },
    dedupeKey: JSON.stringify([
      hook.event_type ?? '',
      rawStatus ?? '',
      progress ?? null,
      hook.live_status ?? null,
      toOutputRefs(hook.outputs).length,
    ]),
  })
}

/** How far the service's clock may be behind ours when a run is matched by its creation time. */
const CLOCK_SKEW_MS = 5 * 60_000

interface ListedRun {
  id: string
  webhook: string | null
  inputs: unknown
  createdAt: number
}

/** A run list answer; entries the schema cannot read are skipped (they cannot be the run we look for). */
export function toRunList(body: unknown): ListedRun[] {
  if (!Array.isArray(body)) throw new ProviderError('PROVIDER_BAD_REPLY', 'unexpected run list: not a JSON array')
  return body.flatMap((entry) => {
    const parsed = RunListEntry.safeParse(entry)
    if (!parsed.success) return []
    const created = Date.parse(parsed.data.created_at ?? '')
    return [{ id: parsed.data.id, webhook: parsed.data.webhook ?? null, inputs: parsed.data.workflow_inputs ?? {}, createdAt: Number.isNaN(created) ? 0 : created }]
  })
}

/** ComfyDeploy's V2 run API: deployments, queue, get, cancel, and its webhook dialects. */
export class ComfyDeployClient implements ProviderClient {
  readonly id: ProviderId
  readonly label: string
  readonly demo: boolean
  readonly hookFamily = 'comfydeploy' as const
  readonly allowLoopbackMedia: boolean
  private readonly base: string
  private readonly timeoutMs: number
  /** Each listed deployment's GPU (null: unsaid), the fallback for a run whose own `gpu` is missing. */
  private readonly deploymentGpus = new Map<string, string | null>()

  constructor(private readonly options: ComfyDeployOptions) {
    this.id = options.id ?? 'comfydeploy'
    this.label = options.label ?? 'ComfyDeploy'
    this.demo = options.demo ?? false
    this.allowLoopbackMedia = options.allowLoopbackMedia ?? false
    this.base = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 20_000
  }

  private call(method: 'GET' | 'POST', path: string, body: unknown, idempotent: boolean): Promise<unknown> {
    return requestJson({
      method,
      url: `${this.base}${path}`,
      apiKey: this.options.apiKey,
      body,
      timeoutMs: this.timeoutMs,
      idempotent,
      describeError: describeComfyDeployError,
    })
  }

  async listDeployments(): Promise<Deployment[]> {
    const body = await this.call('GET', '/deployments', undefined, true)
    if (!Array.isArray(body)) throw new ProviderError('PROVIDER_BAD_REPLY', 'unexpected deployment list: not a JSON array')
    const deployments = body.map((model, i) => {
      try {
        return toDeployment(model, this.id)
      } catch (error) {
        if (error instanceof ProviderError) throw new ProviderError(error.code, `${error.message} (deployment ${i})`, error.details)
        throw error
      }
    })
    for (const deployment of deployments) this.deploymentGpus.set(deployment.id, deployment.hardware ?? null)
    return deployments
  }

  async queue(request: QueueRequest): Promise<{ providerRunId: string }> {
    const body = await this.call(
      'POST',
      '/run/deployment/queue',
      {
        deployment_id: request.deploymentId,
        inputs: request.inputs,
        ...(request.webhookUrl ? { webhook: request.webhookUrl, webhook_intermediate_status: true } : {}),
      },
      false,
    )
    return { providerRunId: toQueuedRunId(body) }
  }

  /** The deployment's GPU, when a listing named it, for a run that names none (never fetched just for that). */
  async getRun(providerRunId: string, deploymentId?: string): Promise<RunSnapshot> {
    const body = await this.call('GET', `/run/${encodeURIComponent(providerRunId)}?queue_position=true`, undefined, true)
    return toRunSnapshot(body, (deploymentId && this.deploymentGpus.get(deploymentId)) || null)
  }

  /** `GET /platform/gpu-pricing` (public; the key is sent anyway, which the service ignores). */
  async gpuPricing(): Promise<Record<string, number>> {
    return toGpuPricing(await this.call('GET', '/platform/gpu-pricing', undefined, true))
  }

  /**
   * `GET /platform/usage` for the period's `total_cost` (dollars, before free credit), and
   * `GET /platform/usage-details` for its days. A day breakdown the service cannot give (an unreadable
   * reply) leaves `days` empty rather than losing the total.
   */
  async accountUsage(range: { fromMs: number; toMs: number }): Promise<AccountUsage> {
    const query = `start_time=${encodeURIComponent(new Date(range.fromMs).toISOString())}&end_time=${encodeURIComponent(new Date(range.toMs).toISOString())}`
    const [usage, details] = await Promise.all([
      this.call('GET', `/platform/usage?${query}`, undefined, true),
      this.call('GET', `/platform/usage-details?${query}`, undefined, true),
    ])
    return { totalUsd: parseReply(UsageReply, usage, 'usage').total_cost, days: toUsageDays(details, range) }
  }

  /** `GET /machine/{id}/events`: the machine's GPU sessions of the last 24 h. */
  async machineSessions(machineId: string): Promise<GpuSession[]> {
    return toGpuSessions(await this.call('GET', `/machine/${encodeURIComponent(machineId)}/events`, undefined, true))
  }

  /**
   * `GET /deployment/{id}/runs` (newest first). Our webhook URL carries a token unique to the run, so it
   * names the run exactly; without one, the inputs and the time must match, and only a single match counts.
   */
  async findQueuedRun(request: QueueRequest & { since: number }): Promise<string | null> {
    const body = await this.call('GET', `/deployment/${encodeURIComponent(request.deploymentId)}/runs?limit=60&offset=0`, undefined, true)
    const runs = toRunList(body)
    if (request.webhookUrl) return runs.find((run) => run.webhook === request.webhookUrl)?.id ?? null
    const matching = runs.filter(
      (run) => run.createdAt >= request.since - CLOCK_SKEW_MS && run.webhook === null && isDeepStrictEqual(run.inputs, request.inputs),
    )
    return matching.length === 1 ? (matching[0]?.id ?? null) : null
  }

  /** `POST /file/upload` (multipart field `file`) → the `file_url` to send as the input's value. */
  async prepareFile(file: { fileName: string; mime: string; bytes: Buffer }, onProgress?: (sent: number, total: number) => void): Promise<string> {
    const body = await requestJson({
      method: 'POST',
      url: `${this.base}/file/upload`,
      apiKey: this.options.apiKey,
      stream: multipartFile({ field: 'file', ...file, ...(onProgress ? { onProgress } : {}) }),
      timeoutMs: Math.max(this.timeoutMs, 120_000),
      idempotent: false,
      describeError: describeComfyDeployError,
    })
    return toUploadedFile(body).url
  }

  /** Not retried here (the caller decides); a run not dispatched yet throws with `details.notDispatched`. */
  async cancel(providerRunId: string): Promise<void> {
    let body: unknown
    try {
      body = await this.call('POST', `/run/${encodeURIComponent(providerRunId)}/cancel`, {}, false)
    } catch (error) {
      throw cancelError(error)
    }
    toCancelReply(body)
  }

  parseWebhook(body: unknown): Result<WebhookHint> {
    return parseComfyDeployWebhook(body)
  }
}
