import { randomBytes, randomUUID } from 'node:crypto'
import type { SimContext } from '../context'
import { runComfyTier, runComfyUsdPerSecond } from '../prices'
import { renderPng } from '../media/procedural-image'
import { isAbort, sleep } from '../scheduler'
import type { RetryPolicy, WebhookJob } from '../webhooks/webhook-sender'
import type { ApiGraph, RcDeployment } from './deployments'
import {
  FINISHED,
  cancelledWord,
  requestUrls,
  stampNow,
  webhookBody,
  type ImageItem,
  type NodeOutputs,
  type RcRequestState,
  type RcState,
} from './models'
import type { Submission } from './validate'

/**
 * runcomfy.md §7 (older docs): ack within 10 s, else or on a non-2xx retry with exponential backoff. The
 * real schedule runs up to 24 h; the simulator gives up after 5 attempts: 1 s, 2 s, 4 s, 8 s (+≤10 %, scaled).
 */
export const RUNCOMFY_RETRY: RetryPolicy = { attempts: 5, timeoutMs: 10_000, backoffMs: [1000, 2000, 4000, 8000], jitter: 0.1 }

/** Phase lengths in ms at timeScale 1: ≈ 2.1 s plus drawing the pictures. */
export const RUNCOMFY_TIMELINE = {
  /** queue_position counts down QUEUE_TICKS-1 … 0, one step per tick. */
  queueTickMs: 300,
  queueTicks: 3,
  progressMs: 1200,
  /** cancellation_requested → cancelled (runcomfyCancelRequested). */
  cancelDelayMs: 200,
} as const

/** Where RunComfy outputs are served (the simulator's stand-in for serverless-api-storage.runcomfy.net). */
export const RUNCOMFY_STORAGE = '/rc-storage'

/** Output pictures are drawn at the requested size, but no side beyond this (memory and time). */
const MAX_SIDE = 1024
const MAX_BATCH = 8

interface RcRequest extends RcRequestState {
  /** Stops this request's timeline (cancel); deliveries already queued still go out. */
  stop: AbortController
  /** Tail of this request's delivery chain: its events go out one after another, in order. */
  hooks: Promise<void>
  /** reorderWebhooks: the event waiting to be sent after its successor. */
  held: WebhookJob | null
  cancelRequested: boolean
}

export type CancelReply =
  | { kind: 'cancelled'; status: string }
  | { kind: 'requested' }
  | { kind: 'not-cancellable'; status: string }

export interface SubmitArgs {
  deployment: RcDeployment
  prefix: string
  submission: Submission
  webhook: string | null
  intermediate: boolean
}

const clamp = (n: unknown, lo: number, hi: number, fallback: number) =>
  typeof n === 'number' && Number.isFinite(n) ? Math.min(hi, Math.max(lo, Math.round(n))) : fallback

/** ComfyUI's file names are `<prefix>_00001_.png`; the simulator keeps them to one safe path segment. */
const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_') || 'ComfyUI'

/** Holds RunComfy requests and plays each one's timeline (runcomfy.md §3–§7). */
export class RequestEngine {
  private readonly requests = new Map<string, RcRequest>()

  constructor(private readonly ctx: SimContext) {}

  submit(args: SubmitArgs): RcRequestState {
    const req: RcRequest = {
      id: randomUUID(),
      ...args,
      state: 'in_queue',
      queuePosition: RUNCOMFY_TIMELINE.queueTicks - 1,
      instanceId: null,
      createdAt: stampNow(),
      startedAt: null,
      finishedAt: null,
      outputs: null,
      output: null,
      failure: null,
      stop: new AbortController(),
      hooks: Promise.resolve(),
      held: null,
      cancelRequested: false,
    }
    this.requests.set(req.id, req)
    this.ctx.stats.runsQueued++
    this.ctx.log(`runcomfy request ${req.id} queued on ${req.deployment.name}`)
    this.emit(req)
    this.play(req).catch((error: unknown) => this.ctx.log(`runcomfy request ${req.id} timeline crashed: ${String(error)}`))
    return req
  }

  get(id: string): RcRequestState | undefined {
    return this.requests.get(id)
  }

  /**
   * §5: a queued request is cancelled at once; a running one is not cancellable, or (knob) accepted as
   * `cancellation_requested` and cancelled a moment later; a finished one is not cancellable.
   */
  cancel(id: string): CancelReply | undefined {
    const req = this.requests.get(id)
    if (!req) return undefined
    const { faults } = this.ctx
    if (req.state === 'in_queue') {
      req.stop.abort()
      this.finish(req, 'cancelled')
      return { kind: 'cancelled', status: cancelledWord(faults) }
    }
    if (req.state === 'in_progress') {
      if (req.cancelRequested) return { kind: 'requested' }
      if (!faults.runcomfyCancelRequested) return { kind: 'not-cancellable', status: 'in_progress' }
      req.cancelRequested = true
      sleep(RUNCOMFY_TIMELINE.cancelDelayMs * this.ctx.timeScale, this.ctx.signal()).then(
        () => {
          if (req.state !== 'in_progress') return
          req.stop.abort()
          this.finish(req, 'cancelled')
        },
        (error: unknown) => {
          if (!isAbort(error)) this.ctx.log(`runcomfy cancel ${req.id} crashed: ${String(error)}`)
        },
      )
      return { kind: 'requested' }
    }
    return { kind: 'not-cancellable', status: req.state === 'cancelled' ? cancelledWord(faults) : 'completed' }
  }

  /** runcomfyOutputTtlMs: outputs vanish this long after the request finished. */
  expired(id: string): boolean {
    const req = this.requests.get(id)
    const ttl = this.ctx.faults.runcomfyOutputTtlMs
    if (!req || ttl === null || req.finishedAt === null) return false
    return Date.now() - req.finishedAt.ms >= ttl
  }

  /** Forget every request; the caller has already aborted the shared signal. */
  reset(): void {
    for (const req of this.requests.values()) req.stop.abort()
    this.requests.clear()
  }

  private async play(req: RcRequest): Promise<void> {
    const signal = AbortSignal.any([this.ctx.signal(), req.stop.signal])
    const wait = (ms: number) => sleep(ms * this.ctx.timeScale, signal)
    const t = RUNCOMFY_TIMELINE
    try {
      for (let left = t.queueTicks - 1; left >= 0; left--) {
        req.queuePosition = left
        await wait(t.queueTickMs)
      }
      req.state = 'in_progress'
      req.startedAt = stampNow()
      req.instanceId = `i-${randomBytes(4).toString('hex')}`
      this.ctx.log(`runcomfy request ${req.id} in_progress on ${req.instanceId}`)
      this.emit(req)

      const failure = req.deployment.failure
      if (failure) {
        await wait(t.progressMs * failure.at)
        req.failure = failure
        this.finish(req, 'failed')
        return
      }
      await wait(t.progressMs)
      this.render(req)
      this.finish(req, 'succeeded')
    } catch (error) {
      if (!isAbort(error)) throw error
    }
  }

  private finish(req: RcRequest, state: RcState): void {
    req.state = state
    req.finishedAt = stampNow()
    this.book(req)
    const { stats } = this.ctx
    if (state === 'succeeded') stats.runsSucceeded++
    else if (state === 'failed') stats.runsFailed++
    else stats.runsCancelled++
    this.ctx.log(`runcomfy request ${req.id} ${state}`)
    this.emit(req)
  }

  /**
   * Books the ended request: billed from the wake signal (`created_at`) to `finished_at` plus keep-warm, in
   * whole ms as a client reads the timestamps back. A request cancelled while queued woke no instance.
   */
  private book(req: RcRequest): void {
    const sku = req.deployment.hardware[0] ?? 'unknown'
    this.ctx.ledger.record({
      provider: 'runcomfy',
      runId: req.id,
      deploymentId: req.deployment.id,
      machineId: null,
      gpu: sku,
      tier: runComfyTier(sku),
      status: req.state,
      sessionId: null,
      usdPerSecond: runComfyUsdPerSecond(sku),
      fromMs: req.startedAt === null ? null : req.createdAt.ms,
      toMs: req.finishedAt?.ms ?? Date.now(),
    })
  }

  private storeImage(req: RcRequest, filename: string, key: string, width: number, height: number, steps: number): string {
    const bytes = renderPng({ key, width, height, detail: steps })
    this.ctx.media.put(req.id, filename, { bytes, contentType: 'image/png' })
    return `${this.ctx.baseUrl()}${RUNCOMFY_STORAGE}/${req.id}/${encodeURIComponent(filename)}`
  }

  /** Draws the pictures now, so the success event and /result can point at them. */
  private render(req: RcRequest): void {
    const sub = req.submission
    if (sub.kind === 'lora') {
      const v = sub.values
      const width = clamp(v.width, 16, MAX_SIDE, 1024)
      const height = clamp(v.height, 16, MAX_SIDE, 1024)
      const steps = clamp(v.sample_steps, 1, 200, 25)
      const key = `${String(v.prompt)}|${String(v.seed)}|${steps}|${String(v.ctrl_img_1 ?? '')}`
      const count = req.deployment.kind === 'lora' ? req.deployment.images : 1
      req.output = {
        images: Array.from({ length: count }, (_, k) => this.storeImage(req, `output-${k + 1}.png`, `${key}|${k}`, width, height, steps)),
      }
      return
    }
    const graph = sub.graph
    const outputs: NodeOutputs = {}
    let counter = 0
    for (const [id, node] of Object.entries(graph)) {
      if (node.class_type === 'SaveImage') {
        const pic = traceSampler(graph, id)
        const prefix = String(node.inputs.filename_prefix ?? 'ComfyUI')
        const slash = prefix.lastIndexOf('/')
        const subfolder = slash < 0 ? '' : prefix.slice(0, slash)
        const images: ImageItem[] = []
        for (let k = 0; k < pic.batch; k++) {
          const filename = `${safeName(prefix.slice(slash + 1))}_${String(++counter).padStart(5, '0')}_.png`
          const url = this.storeImage(req, filename, `${pic.key}|${id}|${k}`, pic.width, pic.height, pic.steps)
          images.push({ url, filename, subfolder, type: 'output' })
        }
        outputs[id] = { images }
      } else if (node.class_type === 'PreviewAny') {
        outputs[id] = { text: [[textOf(graph, node.inputs.source)]] }
      }
    }
    req.outputs = outputs
  }

  /**
   * Queues the webhook for the request's current state on its delivery chain, applying the shared
   * webhook knobs. The final event always goes out; in_queue/in_progress only with the flag (§7).
   */
  private emit(req: RcRequest): void {
    if (req.webhook === null) return
    const { faults, stats } = this.ctx
    const terminal = FINISHED.has(req.state)
    if (!terminal && (!req.intermediate || faults.withholdWebhookIntermediate)) return
    if (faults.dropWebhooks) {
      stats.webhooksDropped++
      return
    }
    const body = webhookBody(req, requestUrls(this.ctx.baseUrl(), req.prefix, req), faults)
    const job: WebhookJob = { url: req.webhook, runId: req.id, status: String(body.status ?? 'in_queue'), body }
    // reorderWebhooks holds one event back and sends it after the next; the end flushes whatever is held.
    if (faults.reorderWebhooks && !terminal && req.held === null) {
      req.held = job
      return
    }
    const batch = req.held ? [job, req.held] : [job]
    req.held = null
    const signal = this.ctx.signal()
    for (const next of batch.flatMap((j) => (faults.duplicateWebhooks ? [j, j] : [j]))) {
      req.hooks = req.hooks
        .then(() => this.ctx.webhooks.deliver(next, RUNCOMFY_RETRY, signal))
        .then(
          () => undefined,
          (error: unknown) => this.ctx.log(`runcomfy webhook ${req.id} crashed: ${String(error)}`),
        )
    }
  }
}

const isLink = (v: unknown): v is [string, number] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string'

/** A text input's value, following a link to a primitive string or a prompt node. */
function textOf(graph: ApiGraph, value: unknown, depth = 0): string {
  if (!isLink(value)) return typeof value === 'string' ? value : JSON.stringify(value ?? '')
  const node = graph[value[0]]
  if (!node || depth > 8) return ''
  const inner = node.inputs.value ?? node.inputs.text ?? node.inputs.string
  return inner === undefined ? `${node.class_type} output ${value[1]}` : textOf(graph, inner, depth + 1)
}

/**
 * What decides a SaveImage node's pictures: walks its inputs upstream to the first KSampler (seed, steps,
 * positive prompt) and EmptyLatentImage (size, batch). Any LoadImage value in the graph joins the key, so a
 * different reference gives a different picture too.
 */
function traceSampler(graph: ApiGraph, from: string) {
  const seen = new Set<string>()
  const queue = [from]
  let sampler: Record<string, unknown> | undefined
  let latent: Record<string, unknown> | undefined
  while (queue.length > 0) {
    const id = queue.shift()!
    if (seen.has(id)) continue
    seen.add(id)
    const node = graph[id]
    if (!node) continue
    if (node.class_type === 'KSampler') sampler ??= node.inputs
    if (node.class_type === 'EmptyLatentImage') latent ??= node.inputs
    for (const value of Object.values(node.inputs)) if (isLink(value)) queue.push(value[0])
  }
  const positive = sampler?.positive
  const prompt = isLink(positive) ? textOf(graph, graph[positive[0]]?.inputs.text) : ''
  const refs = Object.values(graph)
    .filter((n) => n.class_type === 'LoadImage')
    .map((n) => String(n.inputs.image))
    .join(',')
  const steps = clamp(sampler?.steps, 1, 200, 20)
  return {
    key: `${prompt}|${String(sampler?.seed ?? '')}|${steps}|${refs}`,
    steps,
    width: clamp(latent?.width, 16, MAX_SIDE, 512),
    height: clamp(latent?.height, 16, MAX_SIDE, 512),
    batch: clamp(latent?.batch_size, 1, MAX_BATCH, 1),
  }
}
