import PQueue from 'p-queue'
import { isTerminal } from '@shared/run'
import type { Logger } from '../log/logger'
import { ProviderError } from '../providers/types'
import type { RunLedger } from '../runs/run-ledger'
import type { RunService } from '../runs/run-service'
import type { StoredRun } from '../store/runs-repo'

export interface PollerOptions {
  /** For runs without webhooks: the services recommend 2–3 s. */
  intervalMs: number
  /** A quiet safety-net GET for runs whose webhooks should be flowing. */
  safetyMs: number
  concurrency: number
  /**
   * Waits between the GETs that confirm a final webhook while the service's own API still disagrees
   * (a forged webhook, or a service whose webhook runs ahead of its API); then the safety net takes over.
   */
  confirmBackoffMs?: readonly number[]
}

/**
 * 1, 2, then every 4 s for some 30 s in all, before the safety net's pace. The waits stop growing at 4 s
 * so that a service whose API catches up anywhere in that window is confirmed within 5 s of it.
 */
export const CONFIRM_BACKOFF_MS: readonly number[] = [1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]

/** A final state reported by a webhook and not yet confirmed by the provider's GET. */
interface Confirmation {
  /** How many of the backoff waits have been used. */
  attempt: number
  /** The next GET, while waiting between two. */
  timer: NodeJS.Timeout | null
  /** Another final webhook came while a GET was in flight: that GET may predate it, so ask again at once. */
  again: boolean
}

/**
 * Brings every run to its end without webhooks if need be: polls runs that have no public URL, checks in
 * on webhook-driven runs that went quiet, resumes unfinished downloads, and at start-up reconciles all
 * unfinished runs at once. Honours Retry-After; at most `concurrency` provider calls at a time.
 */
export class Poller {
  private readonly queue: PQueue
  private readonly inFlight = new Set<string>()
  private readonly lastPolled = new Map<string, number>()
  private readonly notBefore = new Map<string, number>()
  private readonly confirmations = new Map<string, Confirmation>()
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly deps: {
      ledger: RunLedger
      runService: RunService
      log: Logger
      downloadsBusy: (runId: string) => boolean
      options: PollerOptions
      now?: () => number
    },
  ) {
    this.queue = new PQueue({ concurrency: deps.options.concurrency })
  }

  private now(): number {
    return (this.deps.now ?? Date.now)()
  }

  start(): void {
    // Restart reconciliation: every unfinished run is asked about once, straight away.
    for (const run of this.deps.ledger.unfinished()) this.enqueue(run.id)
    this.timer = setInterval(() => this.tick(), Math.max(50, Math.min(this.deps.options.intervalMs, 1000)))
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const confirmation of this.confirmations.values()) if (confirmation.timer) clearTimeout(confirmation.timer)
    this.confirmations.clear()
    this.queue.clear()
    await this.queue.onIdle()
  }

  /**
   * Asks about a run soon (a terminal webhook arrived, the URL changed…), once even if asked twice.
   * `urgent` calls (a final webhook waiting for its confirmation) go before routine polls.
   */
  enqueue(runId: string, opts: { urgent?: boolean } = {}): void {
    if (this.inFlight.has(runId)) return
    this.inFlight.add(runId)
    void this.queue.add(async () => {
      try {
        this.lastPolled.set(runId, this.now())
        await this.deps.runService.reconcile(runId)
      } catch (error) {
        const retryAfter = error instanceof ProviderError ? error.details.retryAfterMs : undefined
        if (retryAfter !== undefined) this.notBefore.set(runId, this.now() + retryAfter)
        this.deps.log.warn('poll failed', { runId, error: (error as Error).message })
      } finally {
        this.inFlight.delete(runId)
        this.afterPoll(runId)
      }
    }, { priority: opts.urgent ? 1 : 0 })
  }

  /**
   * A webhook reported a final state: confirm it with the provider's GET now and, while the GET still
   * disagrees, again after each backoff wait. Another final webhook starts the count over and asks at
   * once, so a genuine one that follows a forged one (or a webhook that ran ahead of the API) is
   * confirmed as soon as the service agrees, never left to the safety net.
   */
  confirm(runId: string): void {
    const confirmation = this.confirmations.get(runId) ?? { attempt: 0, timer: null, again: false }
    this.confirmations.set(runId, confirmation)
    if (confirmation.timer) clearTimeout(confirmation.timer)
    confirmation.timer = null
    confirmation.attempt = 0
    this.askAgain(runId, confirmation)
  }

  /** Whether a GET to confirm this run's final state is queued or in flight (not waiting out a backoff). */
  isConfirming(runId: string): boolean {
    const confirmation = this.confirmations.get(runId)
    return confirmation !== undefined && confirmation.timer === null
  }

  private askAgain(runId: string, confirmation: Confirmation): void {
    if (this.inFlight.has(runId)) confirmation.again = true
    else this.enqueue(runId, { urgent: true })
  }

  /** After any GET of a run being confirmed: done once it is final, else the next try. */
  private afterPoll(runId: string): void {
    const confirmation = this.confirmations.get(runId)
    if (!confirmation) return
    const run = this.deps.ledger.get(runId)
    if (!run || isTerminal(run.status) || this.stopped) {
      if (confirmation.timer) clearTimeout(confirmation.timer)
      this.confirmations.delete(runId)
      return
    }
    if (confirmation.again) {
      confirmation.again = false
      return this.askAgain(runId, confirmation)
    }
    if (confirmation.timer) return // a routine poll ended while the next confirmation waits
    const wait = (this.deps.options.confirmBackoffMs ?? CONFIRM_BACKOFF_MS)[confirmation.attempt++]
    if (wait === undefined) {
      this.confirmations.delete(runId)
      this.deps.log.warn('final state still not confirmed by the provider; back to the safety net', { runId })
      return
    }
    confirmation.timer = setTimeout(() => {
      confirmation.timer = null
      this.askAgain(runId, confirmation)
    }, wait)
  }

  private due(run: StoredRun, now: number): boolean {
    if ((this.notBefore.get(run.id) ?? 0) > now) return false
    if (isTerminal(run.status)) return run.outputs === 'pending' && !this.deps.downloadsBusy(run.id)
    const last = this.lastPolled.get(run.id)
    if (last === undefined) {
      this.lastPolled.set(run.id, now)
      return run.polling
    }
    return now - last >= (run.polling ? this.deps.options.intervalMs : this.deps.options.safetyMs)
  }

  tick(): void {
    const now = this.now()
    for (const run of this.deps.ledger.unfinished()) if (this.due(run, now)) this.enqueue(run.id)
  }
}
