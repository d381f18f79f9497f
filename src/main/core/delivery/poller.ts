import PQueue from 'p-queue'
import { isTerminal } from '@shared/run'
import type { Logger } from '../log/logger'
import { ProviderError } from '../providers/types'
import type { RunService } from '../runs/run-service'
import type { RunsRepo, StoredRun } from '../store/runs-repo'

export interface PollerOptions {
  /** For runs without webhooks: the services recommend 2–3 s. */
  intervalMs: number
  /** A quiet safety-net GET for runs whose webhooks should be flowing. */
  safetyMs: number
  concurrency: number
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
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly deps: {
      runs: RunsRepo
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
    for (const run of this.deps.runs.unfinished()) this.enqueue(run.id)
    this.timer = setInterval(() => this.tick(), Math.max(50, Math.min(this.deps.options.intervalMs, 1000)))
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
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
      }
    }, { priority: opts.urgent ? 1 : 0 })
  }

  private due(run: StoredRun, now: number): boolean {
    if ((this.notBefore.get(run.id) ?? 0) > now) return false
    if (isTerminal(run.status)) return run.downloads === 'pending' && !this.deps.downloadsBusy(run.id)
    const last = this.lastPolled.get(run.id)
    if (last === undefined) {
      this.lastPolled.set(run.id, now)
      return run.polling
    }
    return now - last >= (run.polling ? this.deps.options.intervalMs : this.deps.options.safetyMs)
  }

  tick(): void {
    const now = this.now()
    for (const run of this.deps.runs.unfinished()) if (this.due(run, now)) this.enqueue(run.id)
  }
}
