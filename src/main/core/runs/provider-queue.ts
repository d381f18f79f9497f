import type { CourierEvent } from '@shared/events'
import { isTerminal, type ProviderId } from '@shared/run'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { RunLedger } from './run-ledger'

/**
 * How many runs each provider is given at once. ComfyDeploy machines hold 2 by default
 * (`concurrency_limit`; surplus runs wait there anyway, and are billed while its GPUs spin up); RunComfy
 * deployments scale to a few instances, and 4 keeps them fed without flooding its queue.
 * The queue sends the next run only when one ends, and the provider has it a webhook (or a poll) and a queue
 * call after that end: given exactly what it works on, it would idle that long between two cells. So a
 * ComfyUI server, which runs one prompt at a time, gets 2, and the Demo, whose machines work on 8 at once
 * (`DEMO_MACHINE_CONCURRENCY`, which keeps this machine's own simulator busy without starving the app), gets
 * 9: the one waiting there starts the moment a machine frees. The rest wait here, where cancelling them costs
 * nothing; and a run waiting at the Demo (as at ComfyDeploy, which refuses to cancel a run not dispatched yet)
 * is cancelled as soon as it starts, by the pending cancel (`PendingCancels`).
 */
export const PROVIDER_CONCURRENCY: Readonly<Record<ProviderId, number>> = { comfydeploy: 2, runcomfy: 4, demo: 9, comfyui: 2 }

/**
 * How many waiting runs are told their exact place. Every send moves each waiting run up one, so exact places
 * for all of a 20×20 grid were 400 run updates a second for the window to apply (thousands while it filled);
 * beyond this the text stays the same, and only the runs near the front change.
 */
export const EXACT_PLACES = 10

/** What a waiting run says, by how many wait before it in its provider's queue. */
export function waitingText(ahead: number): string {
  if (ahead === 0) return 'Waiting for a free slot: next'
  return ahead < EXACT_PLACES ? `Waiting for a free slot: ${ahead} ahead` : `Waiting for a free slot: ${EXACT_PLACES} or more ahead`
}

/** What became of one waiting run the queue tried to send. */
export type SendOutcome = 'sent' | 'gone' | 'blocked'

export interface ProviderQueueDeps {
  ledger: Pick<RunLedger, 'get' | 'waiting' | 'activeCount' | 'transaction'>
  /**
   * Sends one waiting run. It must leave the queue (stop counting as waiting, start counting as active)
   * before this returns; the call itself may go on. 'gone': no longer waiting (cancelled); 'blocked': its
   * provider cannot take it now (no key), so it stays waiting.
   */
  send(runId: string): SendOutcome
  events: Pick<EventHub<CourierEvent>, 'subscribe'>
  concurrency?: (provider: ProviderId) => number
  log: Pick<Logger, 'warn'>
  /** The waiting runs' "N ahead" is rewritten at most this often (default 1 s): each rewrite is an event per run. */
  positionsEveryMs?: number
}

/**
 * The per-provider local queue (issue 18): grid cells and prompt-list rows are runs created up front as
 * `waiting`, and sent in order only while the provider's active runs (sent and not ended, from any
 * source: single submits count too) are fewer than its concurrency. A 10×10 grid never fires 100 requests
 * at once. The runs themselves hold the waiting state (the ledger owns it); this keeps only their order,
 * which a restart reads back from the store.
 */
export class ProviderQueue {
  private readonly lines = new Map<ProviderId, string[]>()
  private readonly pumpSoon = new Set<ProviderId>()
  private readonly positionTimers = new Map<ProviderId, NodeJS.Timeout>()
  private readonly positionsAt = new Map<ProviderId, number>()
  private unsubscribe: (() => void) | null = null
  private stopped = false

  constructor(private readonly deps: ProviderQueueDeps) {}

  /** Takes back the runs left waiting by the last session (never sent, so sending them now is safe), then sends what fits. */
  start(): void {
    this.stopped = false
    for (const run of this.deps.ledger.waiting()) this.line(run.provider).push(run.id)
    // Only a run that ended frees a slot (or leaves the line, cancelled while waiting): look again, once per
    // turn. Progress and webhooks of running runs, thousands while a grid fills, change neither.
    this.unsubscribe = this.deps.events.subscribe((event) => {
      if (event.type === 'run.updated' && isTerminal(event.run.status) && (this.lines.get(event.run.provider)?.length ?? 0) > 0) this.schedule(event.run.provider)
    })
    for (const provider of this.lines.keys()) this.pump(provider)
  }

  stop(): void {
    this.stopped = true
    this.unsubscribe?.()
    this.unsubscribe = null
    for (const timer of this.positionTimers.values()) clearTimeout(timer)
    this.positionTimers.clear()
  }

  /** Looks at every line again: a provider whose key came back can take its waiting runs now. */
  kick(): void {
    for (const provider of this.lines.keys()) this.schedule(provider)
  }

  /** How many runs wait for this provider now: a new run's "N ahead". */
  waitingCount(provider: ProviderId): number {
    return this.lines.get(provider)?.length ?? 0
  }

  /** Puts runs (already created `waiting`) at the end of their provider's line and sends what fits now. */
  enqueue(provider: ProviderId, runIds: readonly string[]): void {
    this.line(provider).push(...runIds)
    this.pump(provider)
  }

  private line(provider: ProviderId): string[] {
    let line = this.lines.get(provider)
    if (!line) this.lines.set(provider, (line = []))
    return line
  }

  private schedule(provider: ProviderId): void {
    if (this.pumpSoon.has(provider) || this.stopped) return
    this.pumpSoon.add(provider)
    setImmediate(() => {
      this.pumpSoon.delete(provider)
      if (!this.stopped) this.pump(provider)
    })
  }

  /**
   * Sends the runs at the head of the line while the provider has free slots. Synchronous: each send
   * leaves the queue before the next count, so two pumps can never both fill the same slot.
   */
  private pump(provider: ProviderId): void {
    const line = this.lines.get(provider)
    if (!line || line.length === 0 || this.stopped) return
    const limit = this.deps.concurrency?.(provider) ?? PROVIDER_CONCURRENCY[provider]
    let free = limit - this.deps.ledger.activeCount(provider)
    while (free > 0 && line.length > 0) {
      const outcome = this.deps.send(line[0]!)
      if (outcome === 'blocked') break // stays first: sent once its provider is back
      line.shift()
      if (outcome === 'sent') free--
    }
    this.refreshPositions(provider)
  }

  /** Rewrites each waiting run's "N ahead", at most once per interval, in one transaction, only where it changed. */
  private refreshPositions(provider: ProviderId): void {
    if (this.positionTimers.has(provider)) return
    const every = this.deps.positionsEveryMs ?? 1000
    const wait = (this.positionsAt.get(provider) ?? -Infinity) + every - Date.now()
    if (wait > 0) {
      const timer = setTimeout(() => {
        this.positionTimers.delete(provider)
        if (!this.stopped) this.refreshPositions(provider)
      }, wait)
      timer.unref()
      this.positionTimers.set(provider, timer)
      return
    }
    this.positionsAt.set(provider, Date.now())
    const line = this.lines.get(provider) ?? []
    try {
      this.deps.ledger.transaction((tx) => {
        // Only the first places' texts can change (beyond, each says "10 or more ahead" from its creation on), so
        // the line is read only that far: reading every waiting run each second was 400 reads a second while a
        // 20×20 grid filled. Runs cancelled while waiting leave the line on the way, so they are not counted
        // ahead of anyone; those further back leave it as the pump reaches them.
        let ahead = 0
        for (let i = 0; i < line.length && ahead < EXACT_PLACES; ) {
          const run = tx.get(line[i]!)
          if (run === undefined || !run.waiting || run.status !== 'submitting') {
            line.splice(i, 1)
            continue
          }
          const text = waitingText(ahead)
          if (run.liveStatus !== text) tx.hint(run.id, { status: null, liveStatus: text })
          ahead++
          i++
        }
      })
    } catch (error) {
      this.deps.log.warn('queue positions not updated', { provider, error: String(error) })
    }
  }
}
