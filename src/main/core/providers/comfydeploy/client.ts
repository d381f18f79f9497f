import { z } from 'zod'
import type { Deployment } from '@shared/deployment'
import { err, ok, type Result } from '@shared/result'
import type { ProviderId } from '@shared/run'
import { requestJson } from '../http'
import { ProviderError, type ProviderClient, type QueueRequest, type RunSnapshot, type WebhookHint } from '../types'
import { toInputFields } from './input-map'
import { toOutputRefs } from './outputs'
import { DeploymentModel, QueueReply, RunModel, WebhookBody } from './schemas'
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

function parseReply<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ProviderError('PROVIDER_BAD_REPLY', `unexpected ${what}: ${z.prettifyError(parsed.error)}`)
  return parsed.data
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
    const models = parseReply(z.array(DeploymentModel), body, 'deployment list')
    return models.map((model) => ({
      id: model.id,
      name: model.workflow?.name ?? model.id,
      provider: this.id,
      description: model.description ?? '',
      inputs: toInputFields(model.input_types ?? []),
    }))
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
    return { providerRunId: parseReply(QueueReply, body, 'queue reply').run_id }
  }

  async getRun(providerRunId: string): Promise<RunSnapshot> {
    const body = await this.call('GET', `/run/${encodeURIComponent(providerRunId)}?queue_position=true`, undefined, true)
    const run = parseReply(RunModel, body, 'run')
    const status = toRunStatus(run.status)
    return {
      rawStatus: run.status,
      status,
      progress: toFraction(run.progress),
      liveStatus: run.live_status ?? null,
      outputs: toOutputRefs(run.outputs),
      ...(status === 'failed'
        ? { error: { code: 'RUN_FAILED' as const, message: run.live_status ? `failed while ${run.live_status}` : 'the workflow failed' } }
        : {}),
      ...(status === 'timed_out' ? { error: { code: 'RUN_FAILED' as const, message: 'the run hit its time limit on the service' } } : {}),
    }
  }

  async cancel(providerRunId: string): Promise<void> {
    await this.call('POST', `/run/${encodeURIComponent(providerRunId)}/cancel`, {}, false)
  }

  parseWebhook(body: unknown): Result<WebhookHint> {
    const parsed = WebhookBody.safeParse(body)
    if (!parsed.success) return err('BAD_INPUT', `not a ComfyDeploy webhook: ${z.prettifyError(parsed.error)}`)
    const hook = parsed.data
    const rawStatus = hook.status ?? null
    // The newer documentation dialect has no live_status/event_type key and reports progress 0–100.
    const percentDialect = !('live_status' in hook) && !('event_type' in hook) && rawStatus !== null && /^(processing|completed)$/.test(rawStatus)
    const status = rawStatus === null ? null : toRunStatus(rawStatus)
    const progress = toFraction(hook.progress, percentDialect)
    const liveStatus = hook.live_status === undefined ? undefined : hook.live_status
    return ok({
      providerRunId: hook.run_id,
      rawStatus,
      hint: { status, ...(progress !== undefined ? { progress } : {}), ...(liveStatus !== undefined ? { liveStatus } : {}) },
      dedupeKey: JSON.stringify([hook.event_type ?? '', rawStatus ?? '', progress ?? null, hook.live_status ?? null, toOutputRefs(hook.outputs).length]),
    })
  }
}
