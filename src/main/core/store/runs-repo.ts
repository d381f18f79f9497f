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
  now: number
}

/** How many known webhook tokens `hasHookToken` remembers. */
const KNOWN_TOKENS_KEPT = 4096

export class RunsRepo {
  private readonly knownTokens = new Set<string>()

  constructor(private readonly db: Db) {}

  insert(run: NewRun): StoredRun {
    statement(
      this.db,
      
        `INSERT INTO runs (id, provider, deployment_id, deployment_name, status, progress, polling, inputs,
           hook_token, webhook_base, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'submitting', 0, ?, ?, ?, ?, ?, ?)`,
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
        run.now,
        run.now,
      )
    return this.require(run.id)
  }

  get(id: string): StoredRun | undefined {
    const row = first<RunRow>(statement(this.db, 'SELECT * FROM runs WHERE id = ?').all(id))
    return row && fromRow(row)
  }

  require(id: string): StoredRun {
    const run = this.get(id)
    if (!run) throw new Error(`run ${id} vanished from the store`)
    return run
  }

  byHookToken(token: string): StoredRun | undefined {
    const row = first<RunRow>(statement(this.db, 'SELECT * FROM runs WHERE hook_token = ?').all(token))
    return row && fromRow(row)
  }

  /**
   * Whether a run has this webhook token; the listener asks for every request. Tokens never change and
   * runs are never deleted, so a "yes" is remembered (a bounded set); a "no" always asks the store.
   */
  hasHookToken(token: string): boolean {
    if (this.knownTokens.has(token)) return true
    const known = statement(this.db, 'SELECT 1 FROM runs WHERE hook_token = ? LIMIT 1').all(token).length > 0
    if (known) {
      if (this.knownTokens.size >= KNOWN_TOKENS_KEPT) this.knownTokens.clear()
      this.knownTokens.add(token)
    }
    return known
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
  }

  setPolling(id: string, polling: boolean, now: number): void {
    statement(this.db, 'UPDATE runs SET polling = ?, updated_at = ? WHERE id = ?').run(polling ? 1 : 0, now, id)
  }

  setDownloads(id: string, state: DownloadsState, now: number): void {
    statement(this.db, 'UPDATE runs SET downloads = ?, updated_at = ? WHERE id = ?').run(state, now, id)
  }

  setError(id: string, error: RunError | null, now: number): void {
    statement(
      this.db,
      'UPDATE runs SET error = ?, updated_at = ? WHERE id = ?')
      .run(error === null ? null : JSON.stringify(error), now, id)
  }

  refreshOutputCount(id: string): void {
    statement(this.db, 'UPDATE runs SET output_count = (SELECT count(*) FROM outputs WHERE run_id = ?) WHERE id = ?').run(id, id)
  }
}
