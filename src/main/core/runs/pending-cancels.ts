import type { CourierEvent } from '@shared/events'
import { isTerminal, type Run, type RunStatus } from '@shared/run'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import { ProviderError } from '../providers/types'
import type { RunLedger } from './run-ledger'

export interface PendingCancelsDeps {
  ledger: Pick<RunLedger, 'get' | 'pendingCancels'>
  providers: Pick<ProviderRegistry, 'get'>
  events: Pick<EventHub<CourierEvent>, 'subscribe'>
  /** Confirms a run with the service's GET once its cancel was taken (`RunService.reconcile`). */
  reconcile(runId: string): Promise<void>
  log: Pick<Logger, 'info' | 'warn'>
  /** The wait before the first try again, doubled after each refusal up to `maxDelayMs` (defaults 1 s and 5 s). */
  firstDelayMs?: number
  maxDelayMs?: number
}

/** One run whose cancel the service has not taken yet. */
interface Pending {
  /** The wait before the next try. */
  delayMs: number
  timer: NodeJS.Timeout | null
  /** A cancel call (and its confirming GET) under way. */
  inFlight: Promise<void> | null
  /** The run moved while a call was under way: that call may predate it, so ask again at once. */
  again: boolean
  /** The run's status and live status when last seen: a change is a reason to ask at once. */
  seen: { status: RunStatus; liveStatus: string | null }
  /** The last failure logged, so a service that stays down is not logged every few seconds. */
  lastWarning: string | null
}

/**
 * Cancels the service could not take yet: ComfyDeploy refuses to cancel a run it has not dispatched (it waits
 * `not-started` for a machine, in its cold start or beyond the machine's `concurrency_limit`) and says to retry
 * later. `RunService.cancel` records such a request with the run (`cancelRequestedAt`, so a restart resumes it)
 * and hands it here; the cancel is then asked again whenever the run moves (a `run.updated` with a new status
 * or live status: it may just have been dispatched) and on a timer, 1 s doubling to 5 s, until the service
 * takes it (then the run is confirmed with its GET) or the run ends by itself. Only the cancel is repeated,
 * never the run's queue call. At most one call per run is under way.
 */
export class PendingCancels {
  private readonly pending = new Map<string, Pending>()
  private unsubscribe: (() => void) | null = null
  private started = false

  constructor(private readonly deps: PendingCancelsDeps) {}

  private get firstDelayMs(): number {
    return this.deps.firstDelayMs ?? 1000
  }

  /** Listens for the runs' moves and resumes the cancels left pending by the last session, asking at once. */
  start(): void {
    if (this.started) return
    this.started = true
    this.unsubscribe = this.deps.events.subscribe((event) => {
      if (event.type === 'run.updated' && this.pending.has(event.run.id)) this.moved(event.run)
    })
    for (const run of this.deps.ledger.pendingCancels()) {
      const entry = this.track(run)
      if (entry) this.askNow(run.id, entry)
    }
  }

  /** Stops asking: every timer is cleared, and calls under way are waited for (they touch the ledger). */
  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    this.unsubscribe?.()
    this.unsubscribe = null
    const calls: Promise<void>[] = []
    for (const entry of this.pending.values()) {
      if (entry.timer) clearTimeout(entry.timer)
      if (entry.inFlight) calls.push(entry.inFlight)
    }
    this.pending.clear()
    await Promise.all(calls)
  }

  /** A cancel the service has just refused as "not dispatched yet": asked again after the first wait. */
  add(runId: string): void {
    if (!this.started || this.pending.has(runId)) return
    const run = this.deps.ledger.get(runId)
    if (!run) return
    const entry = this.track(run)
    if (entry) this.schedule(runId, entry)
  }

  /** How many cancels wait to be taken (for tests and diagnostics). */
  get size(): number {
    return this.pending.size
  }

  private track(run: Pick<Run, 'id' | 'status' | 'liveStatus'>): Pending | null {
    if (isTerminal(run.status)) return null
    const entry: Pending = {
      delayMs: this.firstDelayMs,
      timer: null,
      inFlight: null,
      again: false,
      seen: { status: run.status, liveStatus: run.liveStatus },
      lastWarning: null,
    }
    this.pending.set(run.id, entry)
    return entry
  }

  /** A `run.updated` of a pending run: it ended (nothing left to cancel), or it moved (ask at once), or only its progress changed. */
  private moved(run: Run): void {
    const entry = this.pending.get(run.id)
    if (!entry) return
    if (isTerminal(run.status)) return this.drop(run.id, entry)
    if (run.status === entry.seen.status && run.liveStatus === entry.seen.liveStatus) return
    entry.seen = { status: run.status, liveStatus: run.liveStatus }
    entry.delayMs = this.firstDelayMs
    this.askNow(run.id, entry)
  }

  private drop(runId: string, entry: Pending): void {
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = null
    if (this.pending.get(runId) === entry) this.pending.delete(runId)
  }

  private askNow(runId: string, entry: Pending): void {
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = null
    if (entry.inFlight) {
      entry.again = true
      return
    }
    const call = this.ask(runId, entry).finally(() => {
      entry.inFlight = null
      this.after(runId, entry)
    })
    entry.inFlight = call
  }

  /** After a try that left the cancel pending: at once if the run moved meanwhile, else after the next wait. */
  private after(runId: string, entry: Pending): void {
    if (this.pending.get(runId) !== entry) return // taken, ended, or stopped meanwhile
    if (entry.again) {
      entry.again = false
      return this.askNow(runId, entry)
    }
    this.schedule(runId, entry)
  }

  private schedule(runId: string, entry: Pending): void {
    if (entry.timer) clearTimeout(entry.timer)
    const wait = entry.delayMs
    entry.delayMs = Math.min(wait * 2, this.deps.maxDelayMs ?? 5000)
    entry.timer = setTimeout(() => {
      entry.timer = null
      if (this.pending.get(runId) === entry) this.askNow(runId, entry)
    }, wait)
    entry.timer.unref()
  }

  /** One try: the cancel call, and the confirming GET once it was taken. Never rejects. */
  private async ask(runId: string, entry: Pending): Promise<void> {
    const run = this.deps.ledger.get(runId)
    if (!run || isTerminal(run.status)) return this.drop(runId, entry)
    const client = this.deps.providers.get(run.provider)
    // No key for its provider now (removed in Settings): kept until there is one again.
    if (!client || run.providerRunId === null) return
    try {
      await client.cancel(run.providerRunId, run.deploymentId)
    } catch (error) {
      if (error instanceof ProviderError && error.details.notDispatched) return // still waiting for a machine
      const warning = error instanceof ProviderError ? `${error.code}: ${error.message}` : String(error)
      if (warning !== entry.lastWarning) this.deps.log.warn('pending cancel refused; asking again', { runId, provider: run.provider, error: warning })
      entry.lastWarning = warning
      return
    }
    this.drop(runId, entry)
    this.deps.log.info('pending cancel taken', { runId, provider: run.provider })
    if (!this.started) return // stopping: the next start's poller confirms it
    await this.deps.reconcile(runId).catch((error: unknown) => this.deps.log.warn('confirm after cancel failed', { runId, error: String(error) }))
  }
}
