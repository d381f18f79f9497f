import { randomUUID } from 'node:crypto'
import type { SimContext } from '../context'
import { comfyDeployUsdPerSecond } from '../prices'
import { isAbort, sleep } from '../scheduler'
import type { RetryPolicy, WebhookJob } from '../webhooks/webhook-sender'
import { DEFAULT_TIMELINE, type SeedDeployment, type TimelineSpec } from './deployments'
import {
  TERMINAL,
  mapOutputUrls,
  runModel,
  webhookBody,
  type CdRunState,
  type CdStatus,
  type RunOutputModel,
  type WebhookEvent,
} from './models'
import { MachineSlots } from './machine-slots'
import { renderOutput } from './outputs'
import type { QueueRequest } from './queue-request'

/** comfydeploy.md §9.5: 20 s per attempt, 3 attempts, waits 0.5 s then 1 s plus ≤10 % jitter. */
export const COMFYDEPLOY_RETRY: RetryPolicy = { attempts: 3, timeoutMs: 20_000, backoffMs: [500, 1000], jitter: 0.1 }

interface CdRun extends CdRunState {
  /** Stops this run's timeline (cancel); deliveries already queued still go out. */
  stop: AbortController
  /** Tail of this run's delivery chain: events go out one after another, in order. */
  hooks: Promise<void>
  /** reorderWebhooks: the event waiting to be sent after its successor. */
  held: WebhookJob | null
  /** finalApiLagMs: what GET /run shows until `until`, while the final webhook is already out. */
  apiLag: { until: number; shown: CdRunState } | null
}

export type CancelOutcome = 'not-found' | 'not-dispatched' | 'already-final' | 'cancelled'

const round2 = (n: number) => Math.round(n * 100) / 100

/**
 * §9.4: `target_events` is read from the webhook URL's own query, split on `&`, `=` and `,` without
 * URL-decoding, and only `run.output` is looked for (an encoded comma does not count).
 */
export function wantsOutputEvents(webhook: string): boolean {
  const query = webhook.split('#')[0]?.split('?').slice(1).join('?') ?? ''
  const tokens = query.split(/[&=,]/)
  const at = tokens.indexOf('target_events')
  return at >= 0 && tokens.slice(at + 1).includes('run.output')
}

/** Modal call ids look like `fc-01JD2X7Q9V…`; the simulator only needs something of that shape. */
function modalCallId(): string {
  return `fc-${randomUUID().replaceAll('-', '').slice(0, 26).toUpperCase()}`
}

/** Holds the runs and plays each one's timeline (comfydeploy.md §4–§5, §9.3). */
export class RunEngine {
  private readonly runs = new Map<string, CdRun>()
  private counter = 0
  private slots: MachineSlots

  constructor(private readonly ctx: SimContext) {
    this.slots = new MachineSlots(ctx.machineConcurrency)
  }

  queue(deployment: SeedDeployment, request: QueueRequest): CdRunState {
    const now = Date.now()
    const run: CdRun = {
      id: randomUUID(),
      number: ++this.counter,
      deployment,
      submitted: request.inputs,
      webhook: request.webhook ?? null,
      intermediate: request.webhook_intermediate_status,
      status: 'not-started',
      liveStatus: null,
      progress: 0,
      createdAt: now,
      updatedAt: now,
      queuedAt: null,
      startedAt: null,
      endedAt: null,
      modalCallId: null,
      sessionId: null,
      outputs: [],
      stop: new AbortController(),
      hooks: Promise.resolve(),
      held: null,
      apiLag: null,
    }
    this.runs.set(run.id, run)
    this.ctx.stats.runsQueued++
    this.ctx.log(`run ${run.id} queued on ${deployment.name}`)
    this.play(run).catch((error: unknown) => this.ctx.log(`run ${run.id} timeline crashed: ${String(error)}`))
    return run
  }

  /** The §3 model; `withQueuePosition` mirrors `?queue_position=true`. */
  model(id: string, withQueuePosition: boolean): Record<string, unknown> | undefined {
    const found = this.runs.get(id)
    if (!found) return undefined
    const run = found.apiLag !== null && Date.now() < found.apiLag.until ? found.apiLag.shown : found
    // §3: private output URLs are presigned afresh on every read.
    return runModel(run, withQueuePosition ? this.queuePosition(found) : null, this.signed(run.outputs))
  }

  /** `GET /deployment/{id}/runs`: that deployment's runs, newest first, as §3 models. */
  listForDeployment(deploymentId: string, page: { limit: number; offset: number; status: string | null }): Record<string, unknown>[] {
    return [...this.runs.values()]
      .filter((run) => run.deployment.id === deploymentId && (page.status === null || run.status === page.status))
      .sort((a, b) => b.createdAt - a.createdAt || b.number - a.number)
      .slice(page.offset, page.offset + page.limit)
      .map((run) => runModel(run, null, this.signed(run.outputs)))
  }

  /** `expireOutputUrlsAfterMs`: presigned copies valid from now; otherwise the public URLs as they are. */
  private signed(outputs: RunOutputModel[]): RunOutputModel[] {
    const ttl = this.ctx.faults.expireOutputUrlsAfterMs
    if (ttl === null) return outputs
    const now = Date.now()
    return mapOutputUrls(outputs, (url) => this.ctx.media.sign(url, ttl, now))
  }

  cancel(id: string): CancelOutcome {
    const run = this.runs.get(id)
    if (!run) return 'not-found'
    if (TERMINAL.has(run.status)) return 'already-final'
    // §6: before dispatch there is no Modal call to cancel, and the real server answers 500.
    if (run.modalCallId === null) return 'not-dispatched'
    run.stop.abort()
    this.ctx.stats.runsCancelled++
    this.finish(run, 'cancelled')
    return 'cancelled'
  }

  /** Forget every run; the caller has already aborted the shared signal, which stopped timelines and deliveries. */
  reset(): void {
    for (const run of this.runs.values()) run.stop.abort()
    this.runs.clear()
    this.counter = 0
    // The runs stopped free their slots in the old count as they unwind; new runs start from none.
    this.slots = new MachineSlots(this.ctx.machineConcurrency)
  }

  private queuePosition(run: CdRun): number | null {
    if (run.status !== 'not-started' && run.status !== 'queued') return null
    let ahead = 0
    for (const other of this.runs.values()) {
      if (other === run || other.deployment.machine.id !== run.deployment.machine.id) continue
      if ((other.status === 'not-started' || other.status === 'queued') && other.number < run.number) ahead++
    }
    return ahead
  }

  private async play(run: CdRun): Promise<void> {
    const timeline: TimelineSpec = { ...DEFAULT_TIMELINE, ...run.deployment.timeline }
    const signal = AbortSignal.any([this.ctx.signal(), run.stop.signal])
    const wait = (ms: number) => sleep(ms * this.ctx.timeScale, signal)
    const { nodes } = run.deployment
    // `failRunsWithInput` picks runs by what they were sent, so a test fails chosen cells of a grid.
    const marked = this.ctx.faults.failRunsWithInput
    const failAt =
      marked !== null && Object.values(run.submitted).some((value) => String(value).includes(marked))
        ? { progress: 0, node: 'KSampler' }
        : run.deployment.failAt
    const nodeAt = (progress: number) => nodes[Math.min(nodes.length - 1, Math.floor(progress * nodes.length))] ?? 'Node'

    // §10: the machine works on `concurrency_limit` runs at once; this one waits `not-started` for its turn.
    const slots = this.slots
    let leave: () => void
    try {
      leave = await slots.enter(run.deployment.machine.id, signal)
    } catch {
      return // stopped (reset, close) while it waited: it never held a slot
    }
    try {
      if (this.ctx.faults.skipQueuedStarted) {
        // A non-Modal machine (§4): no queued/started report, the run is simply running once it has a worker.
        await wait(timeline.coldStartMs)
        run.modalCallId = modalCallId()
        await wait(timeline.queuedMs + timeline.startedMs)
        const now = Date.now()
        this.update(run, 'running', { queuedAt: now, startedAt: now, sessionId: randomUUID(), liveStatus: `Executing ${nodeAt(0)}` })
      } else {
        await wait(timeline.coldStartMs)
        run.modalCallId = modalCallId()
        this.update(run, 'queued', { queuedAt: Date.now(), sessionId: randomUUID() })

        await wait(timeline.queuedMs)
        this.update(run, 'started', { startedAt: Date.now() })

        await wait(timeline.startedMs)
        this.update(run, 'running', { liveStatus: `Executing ${nodeAt(0)}` })
      }

      for (let i = 1; i <= timeline.ticks; i++) {
        await wait(timeline.tickMs)
        const progress = round2(i / (timeline.ticks + 1))
        if (failAt && progress >= failAt.progress) {
          run.progress = failAt.progress
          run.liveStatus = `Executing ${failAt.node}`
          this.ctx.stats.runsFailed++
          this.finish(run, 'failed')
          return
        }
        run.progress = progress
        run.liveStatus = `Executing ${nodeAt(progress)}`
        run.updatedAt = Date.now()
        this.emit(run, { tick: true })
      }

      await wait(timeline.finishMs)
      // Each output is "saved" in turn: a run.output event for it when asked (§9.3), then success with all.
      const outputEvents = run.webhook !== null && (this.ctx.faults.runOutputEvents || wantsOutputEvents(run.webhook))
      for (const spec of run.deployment.outputs) {
        const output = await renderOutput(this.ctx, run, spec)
        if (signal.aborted) return
        run.outputs = [...run.outputs, output]
        run.updatedAt = Date.now()
        if (outputEvents) this.emit(run, { tick: false, event: 'run.output', outputs: [output] })
      }
      run.progress = 1
      run.liveStatus = null
      this.ctx.stats.runsSucceeded++
      this.finish(run, 'success')
    } catch (error) {
      if (isAbort(error)) return
      // A simulator bug (or sharp failing) must not leave the run running forever: it fails, as a real one would.
      this.ctx.log(`run ${run.id} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      if (TERMINAL.has(run.status)) return
      this.ctx.stats.runsFailed++
      this.finish(run, 'failed')
    } finally {
      leave()
    }
  }

  private update(run: CdRun, status: CdStatus, patch: Partial<CdRunState>): void {
    Object.assign(run, patch, { status, updatedAt: Date.now() })
    this.emit(run, { tick: false })
  }

  private finish(run: CdRun, status: CdStatus): void {
    const now = Date.now()
    const lag = this.ctx.faults.finalApiLagMs
    if (lag > 0) {
      const { stop: _stop, hooks: _hooks, held: _held, apiLag: _lag, ...before } = run
      run.apiLag = { until: now + lag, shown: { ...before, outputs: [...before.outputs] } }
    }
    Object.assign(run, { status, endedAt: now, updatedAt: now })
    this.ctx.ledger.record({
      provider: 'comfydeploy',
      runId: run.id,
      deploymentId: run.deployment.id,
      machineId: run.deployment.machine.id,
      gpu: run.deployment.gpu,
      tier: null,
      status,
      sessionId: run.sessionId,
      usdPerSecond: comfyDeployUsdPerSecond(run.deployment.gpu),
      fromMs: run.queuedAt,
      toMs: now,
    })
    this.ctx.log(`run ${run.id} ${status}`)
    this.emit(run, { tick: false, terminal: true })
  }

  /**
   * Queues one event on the run's delivery chain, applying the webhook knobs. Status changes always go out;
   * progress ticks only when the run asked for them; `run.output` events carry their one output, not
   * presigned (§9.3). The body is built now, in the dialect the knob names.
   */
  private emit(
    run: CdRun,
    { tick, terminal = false, event = 'run.updated', outputs }: { tick: boolean; terminal?: boolean; event?: WebhookEvent; outputs?: RunOutputModel[] },
  ): void {
    if (run.webhook === null) return
    const { faults, stats } = this.ctx
    if (tick && (!run.intermediate || faults.withholdWebhookIntermediate)) return
    if (faults.dropWebhooks) {
      stats.webhooksDropped++
      return
    }
    const sent = outputs ?? (tick ? [] : this.signed(run.outputs))
    const job: WebhookJob = {
      url: run.webhook,
      runId: run.id,
      status: run.status,
      body: webhookBody(run, sent, faults.webhookDialect, event),
      ...(faults.webhookRetryAsGet ? { retryMethod: 'GET' as const } : {}),
    }
    // reorderWebhooks holds one event back and sends it after the next; the end flushes whatever is held.
    if (faults.reorderWebhooks && !terminal && run.held === null) {
      run.held = job
      return
    }
    const batch = run.held ? [job, run.held] : [job]
    run.held = null
    // §4: a late runner update re-sends success/failed with the stored status (cancelled/timeout stay quiet).
    if (terminal && faults.duplicateTerminalWebhook && (run.status === 'success' || run.status === 'failed')) batch.push(job)
    const signal = this.ctx.signal()
    for (const next of batch.flatMap((j) => (faults.duplicateWebhooks ? [j, j] : [j]))) {
      run.hooks = run.hooks
        .then(() => this.ctx.webhooks.deliver(next, COMFYDEPLOY_RETRY, signal))
        .then(
          () => undefined,
          (error: unknown) => this.ctx.log(`webhook ${run.id} crashed: ${String(error)}`),
        )
    }
  }
}

