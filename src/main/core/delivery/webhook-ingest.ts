import type { IncomingHttpHeaders } from 'node:http'
import type { WebhookOutcome, WebhookRecord } from '@shared/delivery'
import type { CourierEvent } from '@shared/events'
import { isTerminal, type ProviderId } from '@shared/run'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import type { LedgerTx, RunLedger } from '../runs/run-ledger'
import { REJECTED_WEBHOOKS_KEPT, type EventsRepo } from '../store/events-repo'
import type { StoredRun } from '../store/runs-repo'
import type { HookAnswer, HookRequest } from './hook-listener'

/** Headers worth keeping for the inspector; everything else (cookies, auth, forwarding) is dropped. */
const KEPT_HEADERS = ['content-type', 'user-agent', 'content-length']
const STORED_BODY_LIMIT = 256 * 1024

function keptHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const value = headers[name]
    if (typeof value === 'string') kept[name] = value.slice(0, 200)
  }
  return kept
}

interface Verdict {
  httpStatus: number
  outcome: WebhookOutcome
  reason: string
  run: StoredRun | null
  status: string | null
  dedupeKey: string | null
  /** A final state was reported: confirm it with the provider's GET before trusting it. */
  confirm: boolean
}

/** Rejected webhooks stored between two prunes of the oldest ones (a prune is one DELETE). */
const PRUNE_AFTER_REJECTED = 100

/** How many runs' dedupe keys are kept in memory: the runs webhooks are arriving for. */
const DEDUPE_RUNS_KEPT = 256

/** One webhook waiting for the next batch; `answer` settles once the batch has committed. */
interface Pending {
  family: string
  token: string
  body: string
  headers: Record<string, string>
  receivedAt: number
  answer: (answer: HookAnswer) => void
}

/** What storing one webhook produced, announced once its batch has committed. */
interface Stored {
  record: WebhookRecord
  confirm: boolean
}

function answerFor(record: WebhookRecord): HookAnswer {
  const ok = record.httpStatus < 300
  return { status: record.httpStatus, body: ok ? { ok: true, outcome: record.outcome } : { ok: false, error: record.reason } }
}

/**
 * Turns received webhooks into stored records and, when they bring news, hints to the `RunLedger`. A
 * webhook is only a hint: final states and outputs are taken from the provider's own GET (`reconcile`),
 * so a forged "succeeded" cannot put a file on disk.
 *
 * Webhooks that arrive in the same turn of the event loop are stored and applied in one transaction
 * (group commit), and each is answered only after that commit: a 2xx always means "stored", so a crash
 * loses nothing the provider will not send again, and a burst costs one commit instead of one per request.
 */
export class WebhookIngest {
  private pending: Pending[] = []
  private rejectedSincePrune = 0
  /** Per run, the dedupe keys of its applied webhooks (see `seen`). */
  private readonly appliedKeys = new Map<string, Set<string>>()
  private drainScheduled = false

  constructor(
    private readonly deps: {
      ledger: RunLedger
      events: EventsRepo
      providers: ProviderRegistry
      hub: EventHub<CourierEvent>
      log: Logger
      /** Confirms a run's reported final state with the provider, after the answer has gone out. */
      confirm: (runId: string) => void
      /** Whether a GET confirming this run's final state is already queued or in flight. */
      isConfirming: (runId: string) => boolean
      now?: () => number
    },
  ) {}

  handle = (request: HookRequest): Promise<HookAnswer> =>
    new Promise((answer) => {
      this.pending.push({
        family: request.family,
        token: request.token,
        body: request.body.toString('utf8'),
        headers: keptHeaders(request.headers),
        receivedAt: (this.deps.now ?? Date.now)(),
        answer,
      })
      if (this.drainScheduled) return
      this.drainScheduled = true
      setImmediate(() => this.drain())
    })

  /** Replays a stored webhook through the same path, as if it had just arrived. */
  replay(id: number): WebhookRecord | null {
    const original = this.deps.events.get(id)
    if (!original) return null
    // Whatever arrived before the replay is stored before it, so the replay is judged against it.
    this.drain()
    const run = original.runId ? this.deps.ledger.get(original.runId) : undefined
    const family = run ? (this.deps.providers.get(run.provider)?.hookFamily ?? run.provider) : (original.provider ?? 'comfydeploy')
    const headers = { 'content-type': 'application/json' }
    const stored = this.storeAll([{ family, token: run?.hookToken ?? '', body: original.body, headers, replayOf: original.id }])
    return stored[0]?.record ?? null
  }

  /** Keeps only the newest rejected webhooks: junk sent to the public URL must not fill the disk. */
  pruneRejected(): void {
    this.rejectedSincePrune = 0
    const pruned = this.deps.events.pruneRejected(REJECTED_WEBHOOKS_KEPT)
    if (pruned > 0) this.deps.log.info('old rejected webhooks pruned', { pruned, kept: REJECTED_WEBHOOKS_KEPT })
  }

  /** Stores whatever is waiting now (stop calls it before the store closes). */
  drain(): void {
    this.drainScheduled = false
    const batch = this.pending
    if (batch.length === 0) return
    this.pending = []
    let stored: Stored[]
    try {
      stored = this.storeAll(batch.map((item) => ({ ...item, replayOf: null })))
    } catch (error) {
      // Nothing was stored (the transaction rolled back): a 5xx makes the provider send them again.
      this.deps.log.error('could not store webhooks', { count: batch.length, error: String(error) })
      for (const item of batch) item.answer({ status: 503, body: { ok: false, error: 'could not store the webhook; send it again' } })
      return
    }
    batch.forEach((item, i) => {
      const record = stored[i]?.record
      if (record) item.answer(answerFor(record))
    })
  }

  /** Stores webhooks and hands their hints to the ledger in one transaction, then announces what changed. */
  private storeAll(items: (Omit<Pending, 'answer' | 'receivedAt'> & { receivedAt?: number; replayOf: number | null })[]): Stored[] {
    // Runs whose final state a webhook of this batch asked to confirm: one asking is enough.
    const confirming = new Set<string>()
    let stored: Stored[]
    try {
      // The ledger announces each run that moved once, after the commit.
      stored = this.deps.ledger.transaction((tx) => items.map((item) => this.store(item, tx, confirming)))
    } catch (error) {
      // Memories of the rolled-back writes must go: the store is the truth.
      this.appliedKeys.clear()
      throw error
    }
    const tally: Record<string, number> = {}
    for (const { record, confirm } of stored) {
      this.deps.hub.publish({ type: 'webhook.received', webhook: record })
      tally[record.outcome] = (tally[record.outcome] ?? 0) + 1
      if (confirm && record.runId) this.deps.confirm(record.runId)
    }
    // Every webhook is in the store with its outcome: the log only notes batches, and refusals at info.
    this.deps.log.debug('webhooks stored', { count: stored.length, ...tally })
    if (tally.rejected) this.deps.log.info('webhooks rejected', { count: tally.rejected })
    this.rejectedSincePrune += tally.rejected ?? 0
    if (this.rejectedSincePrune >= PRUNE_AFTER_REJECTED) this.pruneRejected()
    return stored
  }

  private store(
    item: { family: string; token: string; body: string; headers: Record<string, string>; receivedAt?: number; replayOf: number | null },
    tx: LedgerTx,
    confirming: Set<string>,
  ): Stored {
    const verdict = this.judge(item.family, item.token, item.body, tx, confirming)
    const body = item.body
    const record = this.deps.events.insert({
      receivedAt: item.receivedAt ?? (this.deps.now ?? Date.now)(),
      provider: verdict.run?.provider ?? (item.family === 'comfydeploy' || item.family === 'runcomfy' ? (item.family as ProviderId) : null),
      runId: verdict.run?.id ?? null,
      status: verdict.status,
      outcome: verdict.outcome,
      reason: verdict.reason,
      httpStatus: verdict.httpStatus,
      headers: item.headers,
      body: body.length > STORED_BODY_LIMIT ? `${body.slice(0, STORED_BODY_LIMIT)}…[truncated]` : body,
      dedupeKey: verdict.dedupeKey,
      replayOf: item.replayOf,
    })
    if (record.outcome === 'applied' && record.runId !== null && verdict.dedupeKey !== null) this.remember(record.runId, verdict.dedupeKey)
    return { record, confirm: verdict.confirm && verdict.run !== null }
  }

  /**
   * Whether this run already applied a webhook with this dedupe key. Every applied webhook is stored by
   * this class, so a run's keys, once loaded, are kept complete in memory (for the runs seen lately).
   */
  private seen(runId: string, dedupeKey: string): boolean {
    let keys = this.appliedKeys.get(runId)
    if (keys) {
      // Most recently used last, so the oldest run is the one forgotten first.
      this.appliedKeys.delete(runId)
    } else {
      keys = new Set(this.deps.events.appliedDedupeKeys(runId))
      if (this.appliedKeys.size >= DEDUPE_RUNS_KEPT) this.appliedKeys.delete(this.appliedKeys.keys().next().value as string)
    }
    this.appliedKeys.set(runId, keys)
    return keys.has(dedupeKey)
  }

  private remember(runId: string, dedupeKey: string): void {
    this.appliedKeys.get(runId)?.add(dedupeKey)
  }

  private judge(family: string, token: string, body: string, tx: LedgerTx, confirming: Set<string>): Verdict {
    const reject = (httpStatus: number, reason: string, run: StoredRun | null = null, status: string | null = null): Verdict => ({
      httpStatus,
      outcome: 'rejected',
      reason,
      run,
      status,
      dedupeKey: null,
      confirm: false,
    })
    const found = token ? tx.byHookToken(token) : undefined
    const client = found ? this.deps.providers.get(found.provider) : undefined
    // Unknown token and wrong family look the same from outside: no hint that a token exists.
    if (!found || !client || client.hookFamily !== family) return reject(404, 'unknown run (no run has this webhook token)')
    let run = found

    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return reject(400, 'malformed JSON', run)
    }
    const parsed = client.parseWebhook(json)
    if (!parsed.ok) return reject(400, parsed.error.message, run)
    const { hint, rawStatus, providerRunId, dedupeKey } = parsed.value
    if (providerRunId !== null && run.providerRunId !== null && providerRunId !== run.providerRunId) {
      return reject(400, `run id ${providerRunId} does not belong to this run`, run, rawStatus)
    }
    // The queue answer was lost (or has not come back yet): the run's own webhook names it.
    if (providerRunId !== null && run.providerRunId === null) run = tx.change(run.id, { providerRunId })
    const base = { httpStatus: 200, run, status: rawStatus, dedupeKey }
    if (hint.status !== null && isTerminal(hint.status)) {
      if (isTerminal(run.status)) return { ...base, outcome: 'stale', reason: `run already ${run.status}`, confirm: false }
      // Judged by whether a confirmation is under way, never by its dedupe key: a final webhook that
      // follows one the provider did not confirm (forged, or ahead of the service's API) asks again.
      if (confirming.has(run.id)) {
        return { ...base, outcome: 'duplicate', reason: `${hint.status} already being confirmed with the provider`, confirm: false }
      }
      if (this.deps.isConfirming(run.id)) {
        // The GET under way may have left before this webhook: it is asked again once it answers.
        return { ...base, outcome: 'duplicate', reason: `${hint.status} already being confirmed with the provider`, confirm: true }
      }
      confirming.add(run.id)
      // Shown at once, trusted later: the state itself only moves once the provider's GET confirms it.
      tx.hint(run.id, { status: null, liveStatus: `${client.label} reports ${hint.status.replace('_', ' ')}; confirming…` })
      return { ...base, outcome: 'applied', reason: `${hint.status} reported: confirming with the provider`, confirm: true }
    }
    if (this.seen(run.id, dedupeKey)) {
      return { ...base, outcome: 'duplicate', reason: 'same news as an earlier webhook', confirm: false }
    }
    if (rawStatus !== null && hint.status === null) {
      return { ...base, outcome: 'stale', reason: `unknown status word "${rawStatus}": kept polling`, confirm: false }
    }
    const { decision } = tx.hint(run.id, hint)
    if (decision.kind === 'advance') return { ...base, outcome: 'applied', reason: `now ${decision.next.status}`, confirm: false }
    if (decision.why === 'duplicate') return { ...base, outcome: 'duplicate', reason: 'nothing new', confirm: false }
    return { ...base, outcome: 'stale', reason: decision.why === 'already final' ? `run already ${run.status}` : 'older than what we know', confirm: false }
  }
}
