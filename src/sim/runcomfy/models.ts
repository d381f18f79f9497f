import type { SimFaults } from '../faults'
import type { RcDeployment, SeedFailure } from './deployments'
import type { Submission } from './validate'

/** The request's own states; the words clients see depend on the endpoint (runcomfy.md §3–§5, §7). */
export type RcState = 'in_queue' | 'in_progress' | 'succeeded' | 'failed' | 'cancelled'

export const FINISHED: ReadonlySet<RcState> = new Set(['succeeded', 'failed', 'cancelled'])

/** An instant with microseconds, so result timestamps carry six fraction digits like the real ones. */
export interface Stamp {
  ms: number
  /** 0–999: the microseconds within `ms`. */
  us: number
}

export function stampNow(): Stamp {
  const now = performance.timeOrigin + performance.now()
  const ms = Math.floor(now)
  return { ms, us: Math.min(999, Math.floor((now - ms) * 1000)) }
}

/** `/result` style: `2025-09-15T10:50:06.123456+00:00` (§4). */
export function resultTime(s: Stamp): string {
  return `${new Date(s.ms).toISOString().slice(0, 23)}${String(s.us).padStart(3, '0')}+00:00`
}

/** Webhook style, as the webhook page's examples: `2025-11-18T10:00:00Z` (§7). */
export function webhookTime(s: Stamp): string {
  return `${new Date(s.ms).toISOString().slice(0, 19)}Z`
}

/** One ComfyUI image of `outputs` (ComfyUI's history entry plus the hosted `url`). */
export interface ImageItem {
  url: string
  filename: string
  subfolder: string
  type: 'output'
}

/** `outputs`: node id → channel (`images`, `text`, …) → items. */
export type NodeOutputs = Record<string, Record<string, unknown[]>>

export interface RcRequestState {
  id: string
  deployment: RcDeployment
  /** `/prod/v1` or `/prod/v2`: the prefix the request was submitted on, used in the URLs it hands out. */
  prefix: string
  webhook: string | null
  intermediate: boolean
  submission: Submission
  state: RcState
  /** While in_queue. */
  queuePosition: number
  instanceId: string | null
  createdAt: Stamp
  startedAt: Stamp | null
  finishedAt: Stamp | null
  /** ComfyUI deployments, on success. */
  outputs: NodeOutputs | null
  /** LoRA deployments, on success. */
  output: { images: string[] } | null
  failure: SeedFailure | null
}

export interface RequestUrls {
  status_url: string
  result_url: string
  cancel_url: string
}

export function requestUrls(base: string, prefix: string, req: RcRequestState): RequestUrls {
  const root = `${base}${prefix}/deployments/${req.deployment.id}/requests/${req.id}`
  return { status_url: `${root}/status`, result_url: `${root}/result`, cancel_url: `${root}/cancel` }
}

export const cancelledWord = (faults: SimFaults) => (faults.runcomfyCanceledSpelling ? 'canceled' : 'cancelled')

/** The status endpoint's word: `completed` for any finished request except a cancelled one (§3). */
export function statusWord(req: RcRequestState, faults: SimFaults): string {
  if (req.state === 'cancelled') return cancelledWord(faults)
  return FINISHED.has(req.state) ? 'completed' : req.state
}

/** The result endpoint's and webhooks' word: the precise outcome. */
export function outcomeWord(req: RcRequestState, faults: SimFaults): string {
  return req.state === 'cancelled' ? cancelledWord(faults) : req.state
}

/** `GET …/status` (§3), with the URLs on the prefix the caller used. */
export function statusBody(req: RcRequestState, urls: RequestUrls, faults: SimFaults): Record<string, unknown> {
  const body: Record<string, unknown> = { request_id: req.id, status: statusWord(req, faults) }
  if (req.state === 'in_queue') body.queue_position = req.queuePosition
  if (req.instanceId !== null) body.instance_id = req.instanceId
  body.status_url = urls.status_url
  body.result_url = urls.result_url
  return body
}

/** `error` on failure: the webhook page's object, or (knob) the array a Go client decodes. */
export function errorValue(failure: SeedFailure, faults: SimFaults): unknown {
  if (faults.runcomfyErrorArray) {
    return [{ errorCode: failure.errorCode, error: failure.error, debugInfo: `${failure.details}\n${failure.debugInfo}` }]
  }
  return { error: failure.error, details: failure.details, debugInfo: failure.debugInfo, errorCode: failure.errorCode }
}

/** `GET …/result` (§4): the in-flight state until finished, then the outcome with its outputs or error. */
export function resultBody(req: RcRequestState, faults: SimFaults): Record<string, unknown> {
  const body: Record<string, unknown> = { request_id: req.id, status: outcomeWord(req, faults), created_at: resultTime(req.createdAt) }
  if (req.finishedAt === null) return body
  body.finished_at = resultTime(req.finishedAt)
  if (req.state === 'succeeded') {
    if (req.outputs) body.outputs = req.outputs
    if (req.output) body.output = req.output
  }
  if (req.state === 'failed' && req.failure) body.error = errorValue(req.failure, faults)
  return body
}

/** Every image URL of node-keyed outputs, in node order: the `flat` webhook variant. */
function flatImages(outputs: NodeOutputs): string[] {
  return Object.values(outputs).flatMap((channels) =>
    (channels.images ?? []).map((item) => (item as ImageItem).url).filter((url) => typeof url === 'string'),
  )
}

/**
 * The webhook body for the request's current state, with exactly the keys and key order of the webhook
 * page's examples (§7). in_queue has no `status` and no `deployment_id`; cancelled is the failed shape
 * without `error` (instance_id/started_at null when it never started).
 */
export function webhookBody(req: RcRequestState, urls: RequestUrls, faults: SimFaults): Record<string, unknown> {
  if (req.state === 'in_queue') return { request_id: req.id, ...urls }
  const head = { request_id: req.id, deployment_id: req.deployment.id, status: outcomeWord(req, faults) }
  const created_at = webhookTime(req.createdAt)
  const started_at = req.startedAt && webhookTime(req.startedAt)
  if (req.state === 'in_progress') return { ...head, ...urls, instance_id: req.instanceId, created_at, started_at }

  const result: Record<string, unknown> = {}
  if (req.state === 'succeeded') {
    if (req.output) result.output = req.output
    else if (req.outputs) {
      switch (faults.runcomfyWebhookOutputs) {
        case 'outputs':
          result.outputs = req.outputs
          break
        case 'output':
          result.output = req.outputs
          break
        case 'flat':
          result.output = { images: flatImages(req.outputs) }
          break
        case 'none':
          break
      }
    }
  }
  if (req.state === 'failed' && req.failure) result.error = errorValue(req.failure, faults)
  const finished_at = req.finishedAt && webhookTime(req.finishedAt)
  return { ...head, ...result, instance_id: req.instanceId, created_at, started_at, finished_at }
}
