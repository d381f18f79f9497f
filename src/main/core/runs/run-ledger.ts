import type { CourierEvent } from '@shared/events'
import { isTerminal, type RunCost, type RunError, type RunOutputs } from '@shared/run'
import type { EventHub } from '../events/event-hub'
import type { Db } from '../store/database'
import { publicRun, RunsRepo, type NewRun, type StoredRun } from '../store/runs-repo'
import { decide, type Decision, type RunHint } from './state-machine'

/**
 * The changes a run takes besides status hints. Each is a fact someone reports: the submit (the
 * service's id), the tunnel (polling), the saver (outputs, error), the saver and the library (a count).
 */
export interface RunChange {
  /** The service's id for the run. Kept once known; a run still `submitting` becomes `queued`. */
  providerRunId?: string
  /** Whether the run's updates come from polling (it has no webhook URL, or its URL went away). */
  polling?: boolean
  /** Where its files stand on disk (see `RunOutputs`). */
  outputs?: RunOutputs
  error?: RunError | null
  /** Its outputs in the library changed (one saved, some deleted): count them again. */
  recountOutputs?: true
  /** What it cost, priced by `core/spend` from the service's timings (a later, better figure replaces it). */
  cost?: RunCost
  /**
   * A run that waited in the local queue is being sent now: it leaves the queue, and takes the webhook
   * address of this moment (the one it was created with may be gone), polled when there is none.
   */
  sent?: { webhookBase: string | null; at: number }
  /**
   * A cancel the service could not take yet (the run is not dispatched): recorded (the first time is kept)
   * so that it is asked again until taken, and the run says so in its live status. Ignored once it has ended.
   */
  cancelRequested?: { at: number; liveStatus: string }
}

/** What a change of state did: `advance` saved a new state, `ignore` names why nothing changed. */
export interface HintResult {
  decision: Decision
  run: StoredRun
}

/** A unit of work on runs: reads see what it staged; nothing is written or announced until it commits. */
export interface LedgerTx {
  get(id: string): StoredRun | undefined
  byHookToken(token: string): StoredRun | undefined
  hint(id: string, hint: RunHint): HintResult
  change(id: string, change: RunChange): StoredRun
}

export interface RunLedgerDeps {
  db: Db
  events: EventHub<CourierEvent>
  now?: () => number
}

/** How many runs are kept in memory: the live ones, whose webhooks and polls read them again and again. */
const RUNS_CACHED = 512
/** How many webhook tokens it remembers the run of (tokens never change; runs are never deleted). */
const TOKENS_KEPT = 4096

/**
 * The one owner of run state: the only writer of the `runs` table and the only publisher of
 * `run.updated`. Every write is a transaction; status hints are decided by the state machine inside it;
 * each run that changed is announced once, after the commit, never before. Runs read lately are kept in
 * memory exactly as committed: a transaction works on staged copies, so one that rolls back leaves the
 * cache as it was, with nothing to clear by hand.
 */
export class RunLedger {
  private readonly repo: RunsRepo
  private readonly now: () => number
  private readonly cached = new Map<string, StoredRun>()
  private readonly idByToken = new Map<string, string>()
  /** The runs changed by the transaction under way (null outside one). */
  private staged: Map<string, StoredRun> | null = null
  private readonly tx: LedgerTx = {
    get: (id) => this.get(id),
    byHookToken: (token) => this.byHookToken(token),
    hint: (id, hint) => this.stageHint(id, hint),
    change: (id, change) => this.stageChange(id, change),
  }

  constructor(private readonly deps: RunLedgerDeps) {
    this.repo = new RunsRepo(deps.db)
    this.now = deps.now ?? Date.now
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────────────

  get(id: string): StoredRun | undefined {
    const staged = this.staged?.get(id)
    if (staged) return staged
    const hit = this.cached.get(id)
    if (hit) return hit
    const run = this.repo.get(id)
    return run && this.remember(run)
  }

  require(id: string): StoredRun {
    const run = this.get(id)
    if (!run) throw new Error(`run ${id} vanished from the store`)
    return run
  }

  byHookToken(token: string): StoredRun | undefined {
    const id = this.idByToken.get(token)
    if (id !== undefined) return this.get(id)
    const run = this.repo.byHookToken(token)
    return run && (this.staged?.get(run.id) ?? this.remember(run))
  }

  /** Whether a run has this webhook token; the listener asks for every request. A "no" always asks the store. */
  hasHookToken(token: string): boolean {
    if (this.idByToken.has(token)) return true
    const id = this.repo.idByHookToken(token)
    if (id !== undefined) this.rememberToken(token, id)
    return id !== undefined
  }

  list(limit: number): StoredRun[] {
    return this.repo.list(limit)
  }

  /** Runs that still need the provider: not final, or final with outputs still pending. */
  unfinished(): StoredRun[] {
    return this.repo.unfinished()
  }

  /** Runs waiting in the local queue to be sent, oldest first. */
  waiting(): StoredRun[] {
    return this.repo.waiting()
  }

  /** Runs not ended whose cancel the service could not take when asked: `PendingCancels` asks again. */
  pendingCancels(): StoredRun[] {
    return this.repo.pendingCancels()
  }

  /** How many of a provider's runs are sent (or being sent) and not ended: what its concurrency limits. */
  activeCount(provider: string): number {
    return this.repo.activeCount(provider)
  }

  // ── writes ───────────────────────────────────────────────────────────────────────────────────────

  /** Records a new run (`submitting`) and announces it. */
  create(run: NewRun): StoredRun {
    return this.transaction(() => {
      this.repo.insert(run)
      return this.stage(this.repo.get(run.id)!)
    })
  }

  /** Applies a status hint through the state machine; announces the run if it moved. */
  hint(id: string, hint: RunHint): HintResult {
    return this.transaction((tx) => tx.hint(id, hint))
  }

  /** Applies an explicit change; announces the run if anything changed. */
  change(id: string, change: RunChange): StoredRun {
    return this.transaction((tx) => tx.change(id, change))
  }

  /**
   * Runs `work` in one SQLite transaction. Each run it changed is written once, in its last state, and
   * announced once after the commit. A transaction begun inside another joins it.
   */
  transaction<T>(work: (tx: LedgerTx) => T): T {
    if (this.staged) return work(this.tx)
    const staged = new Map<string, StoredRun>()
    this.staged = staged
    let result: T
    try {
      result = this.deps.db.transaction(() => {
        const value = work(this.tx)
        for (const run of staged.values()) this.repo.save(run)
        return value
      })()
    } finally {
      this.staged = null
    }
    for (const run of staged.values()) {
      this.remember(run)
      this.publish(run)
    }
    return result
  }

  private publish(run: StoredRun): void {
    this.deps.events.publish({ type: 'run.updated', run: publicRun(run) })
  }

  private stage(run: StoredRun): StoredRun {
    // Frozen: readers share this object, and must make a new one to change anything.
    const frozen = Object.freeze(run)
    this.staged!.set(run.id, frozen)
    return frozen
  }

  private stageHint(id: string, hint: RunHint): HintResult {
    const run = this.require(id)
    const decision = decide(run, hint, this.now())
    if (decision.kind === 'ignore') return { decision, run }
    const next: StoredRun = { ...run, ...decision.next }
    // A run that succeeds has files to fetch from that moment: no reader ever sees it succeeded with
    // its outputs unsettled but not `pending`.
    if (next.status === 'succeeded' && run.status !== 'succeeded') next.outputs = 'pending'
    return { decision, run: this.stage(next) }
  }

  private stageChange(id: string, change: RunChange): StoredRun {
    const run = this.require(id)
    const next: StoredRun = { ...run }
    if (change.providerRunId !== undefined && run.providerRunId === null) {
      // A webhook may have moved the run on before the submit answer came back: its state stays.
      next.providerRunId = change.providerRunId
      if (run.status === 'submitting') next.status = 'queued'
    }
    if (change.polling !== undefined) next.polling = change.polling
    if (change.outputs !== undefined) next.outputs = change.outputs
    if (change.error !== undefined) next.error = change.error
    if (change.recountOutputs) next.outputCount = this.repo.countOutputs(id)
    if (change.cost !== undefined) next.cost = change.cost
    if (change.sent !== undefined && run.waiting) {
      next.waiting = false
      next.webhookBase = change.sent.webhookBase
      next.polling = change.sent.webhookBase === null
      next.sentAt = change.sent.at
      next.liveStatus = null // no longer waiting for a slot
    }
    if (change.cancelRequested !== undefined && !isTerminal(run.status)) {
      next.cancelRequestedAt = run.cancelRequestedAt ?? change.cancelRequested.at
      next.liveStatus = change.cancelRequested.liveStatus
    }
    const changed =
      next.providerRunId !== run.providerRunId ||
      next.status !== run.status ||
      next.polling !== run.polling ||
      next.outputs !== run.outputs ||
      next.outputCount !== run.outputCount ||
      next.waiting !== run.waiting ||
      next.cancelRequestedAt !== run.cancelRequestedAt ||
      next.liveStatus !== run.liveStatus ||
      JSON.stringify(next.error) !== JSON.stringify(run.error) ||
      JSON.stringify(next.cost) !== JSON.stringify(run.cost)
    if (!changed) return run
    return this.stage({ ...next, updatedAt: this.now() })
  }

  private remember(run: StoredRun): StoredRun {
    this.cached.delete(run.id) // most recently used last: the first key is the one to drop
    if (this.cached.size >= RUNS_CACHED) this.cached.delete(this.cached.keys().next().value as string)
    const frozen = Object.isFrozen(run) ? run : Object.freeze(run)
    this.cached.set(run.id, frozen)
    this.rememberToken(run.hookToken, run.id)
    return frozen
  }

  private rememberToken(token: string, id: string): void {
    if (this.idByToken.size >= TOKENS_KEPT) this.idByToken.clear()
    this.idByToken.set(token, id)
  }
}
