import { Run, type InputValues, type ProviderId, type RunError, type RunId, type RunStatus } from '@shared/run'
import { first, statement, type Db } from './database'

/** Where a run's outputs stand on disk: 'pending' until every output is saved, so restarts resume. */
export type DownloadsState = 'none' | 'pending' | 'done' | 'failed'

export interface StoredRun extends Run {
  hookToken: string
  webhookBase: string | null
  downloads: DownloadsState
}

type RunRow = {
  id: string
  provider: string
  deployment_id: string
  deployment_name: string
  provider_run_id: string | null
  status: string
  progress: number
  live_status: string | null
  polling: number
  inputs: string
  error: string | null
  hook_token: string
  webhook_base: string | null
  downloads: string
  output_count: number
  batch_id: string | null
  created_at: number
  updated_at: number
  finished_at: number | null
}

function fromRow(row: RunRow): StoredRun {
  const run = Run.parse({
    id: row.id,
    provider: row.provider,
    deploymentId: row.deployment_id,
    deploymentName: row.deployment_name,
    providerRunId: row.provider_run_id,
    status: row.status,
    progress: row.progress,
    liveStatus: row.live_status,
    polling: row.polling === 1,
    inputs: JSON.parse(row.inputs) as unknown,
    error: row.error === null ? null : (JSON.parse(row.error) as unknown),
    outputCount: row.output_count,
    batchId: row.batch_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  })
  return { ...run, hookToken: row.hook_token, webhookBase: row.webhook_base, downloads: row.downloads as DownloadsState }
}

/** Strips the fields that must never leave main (the hook token is a secret in the webhook path). */
export function publicRun(run: StoredRun): Run {
  const { hookToken: _token, webhookBase: _base, downloads: _downloads, ...rest } = run
  return rest
}

export interface NewRun {
  id: RunId
  provider: ProviderId
  deploymentId: string
  deploymentName: string
  inputs: InputValues
  hookToken: string
  webhookBase: string | null
  /** Shared by the runs of one `runs.submitBatch`. */
  batchId?: string | null
  /** The input the deployment's form marks as the seed, if any (read back as `Output.seed`). */
  seedInput?: string | null
  now: number
}

/** How many runs the repo keeps in memory: the live ones, whose webhooks and polls read them again and again. */
const RUNS_CACHED = 512
/** How many webhook tokens it remembers the run of (tokens never change; runs are never deleted). */
const TOKENS_KEPT = 4096

/**
 * The runs table. Every write to it goes through here, so the runs read lately are kept in memory exactly
 * as stored: a write updates or drops its run's entry. After a transaction that rolled back, call
 * `forgetCached` (an entry may hold a state that was never committed).
 */
export class RunsRepo {
  private readonly cached = new Map<string, StoredRun>()
  private readonly idByToken = new Map<string, string>()

  constructor(private readonly db: Db) {}

  /** Drops every cached run; the store is read again from then on. */
  forgetCached(): void {
    this.cached.clear()
  }

  private remember(run: StoredRun): StoredRun {
    this.cached.delete(run.id) // most recently used last: the first key is the one to drop
    if (this.cached.size >= RUNS_CACHED) this.cached.delete(this.cached.keys().next().value as string)
    // Frozen: callers share this object, and must make a new one to change anything.
    this.cached.set(run.id, Object.freeze(run))
    this.rememberToken(run.hookToken, run.id)
    return run
  }

  private rememberToken(token: string, id: string): void {
    if (this.idByToken.size >= TOKENS_KEPT) this.idByToken.clear()
    this.idByToken.set(token, id)
  }

  insert(run: NewRun): StoredRun {
    statement(
      this.db,
      
        `INSERT INTO runs (id, provider, deployment_id, deployment_name, status, progress, polling, inputs,
           hook_token, webhook_base, batch_id, seed_input, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'submitting', 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id,
        run.provider,
        run.deploymentId,
        run.deploymentName,
        run.webhookBase === null ? 1 : 0,
        JSON.stringify(run.inputs),
        run.hookToken,
        run.webhookBase,
        run.batchId ?? null,
        run.seedInput ?? null,
        run.now,
        run.now,
      )
    this.cached.delete(run.id)
    return this.require(run.id)
  }

  get(id: string): StoredRun | undefined {
    const hit = this.cached.get(id)
    if (hit) return hit
    const row = first<RunRow>(statement(this.db, 'SELECT * FROM runs WHERE id = ?').all(id))
    return row && this.remember(fromRow(row))
  }

  require(id: string): StoredRun {
    const run = this.get(id)
    if (!run) throw new Error(`run ${id} vanished from the store`)
    return run
  }

  byHookToken(token: string): StoredRun | undefined {
    const id = this.idByToken.get(token)
    const hit = id === undefined ? undefined : this.cached.get(id)
    if (hit) return hit
    const row = first<RunRow>(statement(this.db, 'SELECT * FROM runs WHERE hook_token = ?').all(token))
    return row && this.remember(fromRow(row))
  }

  /** Whether a run has this webhook token; the listener asks for every request. A "no" always asks the store. */
  hasHookToken(token: string): boolean {
    if (this.idByToken.has(token)) return true
    const row = first<{ id: string }>(statement(this.db, 'SELECT id FROM runs WHERE hook_token = ?').all(token))
    if (row) this.rememberToken(token, row.id)
    return row !== undefined
  }

  list(limit: number): StoredRun[] {
    return (statement(this.db, 'SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as RunRow[]).map(
      fromRow,
    )
  }

  /** Runs that still need the provider: not final, or final with outputs not yet all on disk. */
  unfinished(): StoredRun[] {
    return (
      statement(
        this.db,
        
          `SELECT * FROM runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled', 'timed_out')
             OR downloads = 'pending' ORDER BY created_at`,
        )
        .all() as RunRow[]
    ).map(fromRow)
  }

  setProviderRunId(id: string, providerRunId: string, now: number): void {
    // A webhook may have moved the run on before the submit answer came back: keep its state, but the
    // provider's id must be saved all the same, or the run could never be confirmed.
    statement(
      this.db,
      
        `UPDATE runs SET provider_run_id = ?, updated_at = ?,
           status = CASE status WHEN 'submitting' THEN 'queued' ELSE status END
         WHERE id = ? AND provider_run_id IS NULL`,
      )
      .run(providerRunId, now, id)
    this.cached.delete(id)
  }

  saveState(run: {
    id: string
    status: RunStatus
    progress: number
    liveStatus: string | null
    error: RunError | null
    updatedAt: number
    finishedAt: number | null
  }): void {
    statement(
      this.db,
      
        `UPDATE runs SET status = ?, progress = ?, live_status = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
      )
      .run(
        run.status,
        run.progress,
        run.liveStatus,
        run.error === null ? null : JSON.stringify(run.error),
        run.updatedAt,
        run.finishedAt,
        run.id,
      )
    // The new state is known in full: the cached run is updated rather than read again.
    const hit = this.cached.get(run.id)
    if (hit) {
      const { id: _id, ...state } = run
      this.remember({ ...hit, ...state })
    }
  }

  setPolling(id: string, polling: boolean, now: number): void {
    statement(this.db, 'UPDATE runs SET polling = ?, updated_at = ? WHERE id = ?').run(polling ? 1 : 0, now, id)
    this.cached.delete(id)
  }

  setDownloads(id: string, state: DownloadsState, now: number): void {
    statement(this.db, 'UPDATE runs SET downloads = ?, updated_at = ? WHERE id = ?').run(state, now, id)
    this.cached.delete(id)
  }

  setError(id: string, error: RunError | null, now: number): void {
    statement(
      this.db,
      'UPDATE runs SET error = ?, updated_at = ? WHERE id = ?')
      .run(error === null ? null : JSON.stringify(error), now, id)
    this.cached.delete(id)
  }

  refreshOutputCount(id: string): void {
    statement(this.db, 'UPDATE runs SET output_count = (SELECT count(*) FROM outputs WHERE run_id = ?) WHERE id = ?').run(id, id)
    this.cached.delete(id)
  }
}
