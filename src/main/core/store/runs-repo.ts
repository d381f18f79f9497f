import { Run, type InputValues, type ProviderId, type RunId, type RunOutputs } from '@shared/run'
import { first, statement, type Db } from './database'

/** A run as main keeps it: the public `Run` plus what never leaves main. */
export interface StoredRun extends Run {
  /** The secret in the run's webhook path: the only credential a webhook carries. */
  hookToken: string
  /** The public base URL the run was told to call back (null: polled from the start). */
  webhookBase: string | null
  /** The input its deployment's form marked as the seed when it was submitted (`seedOf`). */
  seedInput: string | null
  /** What it was expected to cost when submitted (null: free, or no estimate): counted until its `cost` is known. */
  estimateUsd: number | null
  /** True while it waits in its provider's local queue (`ProviderQueue`): created, never sent. */
  waiting: boolean
  /** When its one queue call was made (null: not yet, or before this was recorded). */
  sentAt: number | null
  /**
   * When a cancel was asked that the service could not take then (the run not dispatched yet): it is asked
   * again until taken or the run ends (`PendingCancels`). Null when none was; never cleared.
   */
  cancelRequestedAt: number | null
}

/** The `downloads` column predates `Run.outputs`: 'done' there is 'saved' here; the other words are the same. */
const outputsOf = (column: string): RunOutputs => (column === 'done' ? 'saved' : (column as RunOutputs))
const columnOf = (outputs: RunOutputs): string => (outputs === 'saved' ? 'done' : outputs)

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
  seed_input: string | null
  cost_gpu_seconds: number | null
  cost_usd: number | null
  cost_estimated: number | null
  cost_gpu: string | null
  estimate_usd: number | null
  grid_id: string | null
  waiting: number
  sent_at: number | null
  cancel_requested_at: number | null
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
    outputs: outputsOf(row.downloads),
    batchId: row.batch_id,
    gridId: row.grid_id,
    cost:
      row.cost_usd === null || row.cost_gpu_seconds === null
        ? null
        : { gpuSeconds: row.cost_gpu_seconds, usd: row.cost_usd, estimated: row.cost_estimated !== 0, gpu: row.cost_gpu },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  })
  return {
    ...run,
    hookToken: row.hook_token,
    webhookBase: row.webhook_base,
    seedInput: row.seed_input ?? null,
    estimateUsd: row.estimate_usd,
    waiting: row.waiting === 1,
    sentAt: row.sent_at,
    cancelRequestedAt: row.cancel_requested_at,
  }
}

/** Strips the fields that must never leave main (the hook token is a secret in the webhook path). */
export function publicRun(run: StoredRun): Run {
  const {
    hookToken: _token,
    webhookBase: _base,
    seedInput: _seed,
    estimateUsd: _estimate,
    waiting: _waiting,
    sentAt: _sent,
    cancelRequestedAt: _cancel,
    ...rest
  } = run
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
  /** Its share of the submit's estimate (see `StoredRun.estimateUsd`). */
  estimateUsd?: number | null
  /** The comparison grid it is a cell of. */
  gridId?: string | null
  /** Created to wait in the provider's local queue (sent later, by `ProviderQueue`). */
  waiting?: boolean
  /** What it says while waiting ("Waiting for a free slot: 7 ahead"). */
  liveStatus?: string | null
  now: number
}

/**
 * The `runs` table's SQL and nothing else: no cache, no events. Its one user is the `RunLedger`
 * (runs/run-ledger.ts), which owns run state; nothing else may write a run row.
 */
export class RunsRepo {
  constructor(private readonly db: Db) {}

  insert(run: NewRun): void {
    statement(
      this.db,
      `INSERT INTO runs (id, provider, deployment_id, deployment_name, status, progress, polling, inputs,
         hook_token, webhook_base, batch_id, seed_input, estimate_usd, grid_id, waiting, live_status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'submitting', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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
      run.estimateUsd ?? null,
      run.gridId ?? null,
      run.waiting ? 1 : 0,
      run.liveStatus ?? null,
      run.now,
      run.now,
    )
  }

  get(id: string): StoredRun | undefined {
    const row = first<RunRow>(statement(this.db, 'SELECT * FROM runs WHERE id = ?').all(id))
    return row && fromRow(row)
  }

  byHookToken(token: string): StoredRun | undefined {
    const row = first<RunRow>(statement(this.db, 'SELECT * FROM runs WHERE hook_token = ?').all(token))
    return row && fromRow(row)
  }

  /** The id of the run with this webhook token, without reading the whole row. */
  idByHookToken(token: string): string | undefined {
    return first<{ id: string }>(statement(this.db, 'SELECT id FROM runs WHERE hook_token = ?').all(token))?.id
  }

  list(limit: number): StoredRun[] {
    return (statement(this.db, 'SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as RunRow[]).map(fromRow)
  }

  /**
   * Runs that still need the provider: not final, or final with outputs not yet all on disk. A run waiting
   * in the local queue needs nothing from the provider yet, and is left to the queue (`waiting`).
   */
  unfinished(): StoredRun[] {
    return (
      statement(
        this.db,
        `SELECT * FROM runs WHERE (status NOT IN ('succeeded', 'failed', 'cancelled', 'timed_out') AND waiting = 0)
           OR downloads = 'pending' ORDER BY created_at`,
      ).all() as RunRow[]
    ).map(fromRow)
  }

  /** Runs waiting in the local queue, oldest first: what a restart sends (they were never sent). */
  waiting(): StoredRun[] {
    return (
      statement(this.db, `SELECT * FROM runs WHERE status = 'submitting' AND waiting = 1 ORDER BY created_at, rowid`).all() as RunRow[]
    ).map(fromRow)
  }

  /** Runs not ended with a cancel the service could not take when it was asked, oldest first: asked again. */
  pendingCancels(): StoredRun[] {
    return (
      statement(
        this.db,
        `SELECT * FROM runs WHERE cancel_requested_at IS NOT NULL AND status NOT IN ('succeeded', 'failed', 'cancelled', 'timed_out')
           ORDER BY created_at, rowid`,
      ).all() as RunRow[]
    ).map(fromRow)
  }

  /** How many of a provider's runs are at the service or being sent: sent (or sent directly) and not ended. */
  activeCount(provider: string): number {
    return Number(
      first<{ n: number }>(
        statement(this.db, `SELECT count(*) AS n FROM runs WHERE provider = ? AND waiting = 0 AND status IN ('submitting', 'queued', 'running')`).all(provider),
      )?.n ?? 0,
    )
  }

  /** How many outputs of this run are in the library now. */
  countOutputs(id: string): number {
    return Number(first<{ n: number }>(statement(this.db, 'SELECT count(*) AS n FROM outputs WHERE run_id = ?').all(id))?.n ?? 0)
  }

  /** Writes every field of a run that can change after it was created. */
  save(run: StoredRun): void {
    statement(
      this.db,
      `UPDATE runs SET provider_run_id = ?, status = ?, progress = ?, live_status = ?, polling = ?, error = ?,
         downloads = ?, output_count = ?, cost_gpu_seconds = ?, cost_usd = ?, cost_estimated = ?, cost_gpu = ?,
         webhook_base = ?, waiting = ?, sent_at = ?, cancel_requested_at = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
    ).run(
      run.providerRunId,
      run.status,
      run.progress,
      run.liveStatus,
      run.polling ? 1 : 0,
      run.error === null ? null : JSON.stringify(run.error),
      columnOf(run.outputs),
      run.outputCount,
      run.cost?.gpuSeconds ?? null,
      run.cost?.usd ?? null,
      run.cost === null ? null : run.cost.estimated ? 1 : 0,
      run.cost?.gpu ?? null,
      run.webhookBase,
      run.waiting ? 1 : 0,
      run.sentAt,
      run.cancelRequestedAt,
      run.updatedAt,
      run.finishedAt,
      run.id,
    )
  }
}
