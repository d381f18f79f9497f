import type { IncomingHttpHeaders } from 'node:http'
import type { WebhookOutcome, WebhookRecord } from '@shared/delivery'
import type { CourierEvent } from '@shared/events'
import { isTerminal, type ProviderId } from '@shared/run'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import type { RunService } from '../runs/run-service'
import type { EventsRepo } from '../store/events-repo'
import type { RunsRepo, StoredRun } from '../store/runs-repo'
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

/**
 * Turns one received webhook into a stored record and, when it brings news, a state change. A webhook is
 * only a hint: final states and outputs are taken from the provider's own GET (`reconcile`), so a forged
 * "succeeded" cannot put a file on disk.
 */
export class WebhookIngest {
  constructor(
    private readonly deps: {
      runs: RunsRepo
      events: EventsRepo
      providers: ProviderRegistry
      runService: RunService
      hub: EventHub<CourierEvent>
      log: Logger
      /** Confirms a run with the provider, after the answer has gone out. */
      confirm: (runId: string) => void
      now?: () => number
    },
  ) {}

  handle = (request: HookRequest): HookAnswer => {
    const record = this.receive(request.family, request.token, request.body.toString('utf8'), keptHeaders(request.headers), null)
    const ok = record.httpStatus < 300
    return { status: record.httpStatus, body: ok ? { ok: true, outcome: record.outcome } : { ok: false, error: record.reason } }
  }

  /** Replays a stored webhook through the same path, as if it had just arrived. */
  replay(id: number): WebhookRecord | null {
    const original = this.deps.events.get(id)
    if (!original) return null
    const run = original.runId ? this.deps.runs.get(original.runId) : undefined
    const family = run ? (this.deps.providers.get(run.provider)?.hookFamily ?? run.provider) : (original.provider ?? 'comfydeploy')
    return this.receive(family, run?.hookToken ?? '', original.body, { 'content-type': 'application/json' }, original.id)
  }

  private receive(family: string, token: string, body: string, headers: Record<string, string>, replayOf: number | null): WebhookRecord {
    const verdict = this.judge(family, token, body)
    const record = this.deps.events.insert({
      receivedAt: (this.deps.now ?? Date.now)(),
      provider: verdict.run?.provider ?? (family === 'comfydeploy' || family === 'runcomfy' ? (family as ProviderId) : null),
      runId: verdict.run?.id ?? null,
      status: verdict.status,
      outcome: verdict.outcome,
      reason: verdict.reason,
      httpStatus: verdict.httpStatus,
      headers,
      body: body.length > STORED_BODY_LIMIT ? `${body.slice(0, STORED_BODY_LIMIT)}…[truncated]` : body,
      dedupeKey: verdict.dedupeKey,
      replayOf,
    })
    this.deps.hub.publish({ type: 'webhook.received', webhook: record })
    this.deps.log.info('webhook', { runId: record.runId, outcome: record.outcome, reason: record.reason, status: record.status })
    if (verdict.confirm && verdict.run) this.deps.confirm(verdict.run.id)
    return record
  }

  private judge(family: string, token: string, body: string): Verdict {
    const reject = (httpStatus: number, reason: string, run: StoredRun | null = null, status: string | null = null): Verdict => ({
      httpStatus,
      outcome: 'rejected',
      reason,
      run,
      status,
      dedupeKey: null,
      confirm: false,
    })
    const run = token ? this.deps.runs.byHookToken(token) : undefined
    const client = run ? this.deps.providers.get(run.provider) : undefined
    // Unknown token and wrong family look the same from outside: no hint that a token exists.
    if (!run || !client || client.hookFamily !== family) return reject(404, 'unknown run (no run has this webhook token)')

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
    const base = { httpStatus: 200, run, status: rawStatus, dedupeKey }
    if (this.deps.events.seen(run.id, dedupeKey)) {
      return { ...base, outcome: 'duplicate', reason: 'same news as an earlier webhook', confirm: false }
    }
    if (rawStatus !== null && hint.status === null) {
      return { ...base, outcome: 'stale', reason: `unknown status word "${rawStatus}": kept polling`, confirm: false }
    }
    if (hint.status !== null && isTerminal(hint.status)) {
      if (isTerminal(run.status)) return { ...base, outcome: 'stale', reason: `run already ${run.status}`, confirm: false }
      return { ...base, outcome: 'applied', reason: `${hint.status} reported: confirming with the provider`, confirm: true }
    }
    const { decision } = this.deps.runService.apply(run.id, hint)
    if (decision.kind === 'advance') return { ...base, outcome: 'applied', reason: `now ${decision.next.status}`, confirm: false }
    if (decision.why === 'duplicate') return { ...base, outcome: 'duplicate', reason: 'nothing new', confirm: false }
    return { ...base, outcome: 'stale', reason: decision.why === 'already final' ? `run already ${run.status}` : 'older than what we know', confirm: false }
  }
}
