import type { Db } from './database'
import { fileNameOf, searchablePrompt } from './search'

export interface Migration {
  version: number
  name: string
  sql: string
  /** Runs after `sql`, in the same transaction: for rows whose new values only code can compute. */
  backfill?: (db: Db) => void
}

/**
 * Numbered, append-only schema migrations. Never edit a shipped entry: add the next number.
 * Each runs in its own transaction together with the bump of `user_version`.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, events, outputs',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        deployment_id TEXT NOT NULL,
        deployment_name TEXT NOT NULL,
        provider_run_id TEXT,
        status TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        live_status TEXT,
        polling INTEGER NOT NULL DEFAULT 0,
        inputs TEXT NOT NULL,
        error TEXT,
        hook_token TEXT NOT NULL UNIQUE,
        webhook_base TEXT,
        downloads TEXT NOT NULL DEFAULT 'none',
        output_count INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX runs_by_created ON runs (created_at DESC);
      CREATE INDEX runs_by_provider_run ON runs (provider, provider_run_id);

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        provider TEXT,
        run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
        status TEXT,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        headers TEXT NOT NULL,
        body TEXT NOT NULL,
        dedupe_key TEXT,
        replay_of INTEGER
      );
      CREATE INDEX events_by_run ON events (run_id, dedupe_key);
      CREATE INDEX events_by_time ON events (received_at DESC);

      CREATE TABLE outputs (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        root TEXT NOT NULL,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,
        mime TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        created_at INTEGER NOT NULL,
        UNIQUE (run_id, idx)
      );
      CREATE INDEX outputs_by_created ON outputs (created_at DESC);
    `,
  },
  {
    version: 2,
    name: 'forms chosen by the user per deployment',
    sql: `
      CREATE TABLE deployment_forms (
        provider TEXT NOT NULL,
        deployment_id TEXT NOT NULL,
        fields TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (provider, deployment_id)
      );
    `,
  },
  {
    version: 3,
    name: 'webhook inspector filters and the rejected-webhook cap',
    sql: `
      -- Every index costs each webhook insert a page write: only those a query needs are kept. Pages are
      -- in id order (the primary key); a run's events (its page, its dedupe keys) come from
      -- events_by_run_id; rejected ones (filter and prune) from a partial index that accepted webhooks,
      -- the ones that come in bursts, never touch.
      DROP INDEX events_by_time;
      DROP INDEX events_by_run;
      CREATE INDEX events_by_run_id ON events (run_id, id);
      CREATE INDEX events_rejected ON events (id) WHERE outcome = 'rejected';
    `,
  },
  {
    version: 4,
    name: 'the library: favourites, durations, thumbnails, batches, full-text search',
    sql: `
      ALTER TABLE outputs ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE outputs ADD COLUMN duration_ms INTEGER;
      -- NULL: no thumbnail tried yet; 'ready': made (under {dataDir}/thumbnails); 'failed': the file cannot be read.
      ALTER TABLE outputs ADD COLUMN thumbnail TEXT;
      -- The output's row in outputs_fts. Its own integer key: an implicit rowid may change on VACUUM.
      ALTER TABLE outputs ADD COLUMN fts_rowid INTEGER;
      ALTER TABLE runs ADD COLUMN batch_id TEXT;
      -- The input the deployment's form marked as the seed when the run was submitted (Output.seed).
      ALTER TABLE runs ADD COLUMN seed_input TEXT;

      -- The gallery's order (newest first, id breaking ties) is the cursor's order too.
      DROP INDEX outputs_by_created;
      CREATE INDEX outputs_by_time ON outputs (created_at DESC, id DESC);
      CREATE INDEX outputs_favourites ON outputs (created_at DESC, id DESC) WHERE favourite = 1;
      CREATE UNIQUE INDEX outputs_by_fts ON outputs (fts_rowid);
      CREATE INDEX runs_by_batch ON runs (batch_id) WHERE batch_id IS NOT NULL;

      -- Outputs the user deleted: a run whose downloads resume must not fetch them again.
      CREATE TABLE deleted_outputs (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        PRIMARY KEY (run_id, idx)
      );

      -- Prompt (prompt-like inputs, never the negative one), deployment name and file name. Rows are
      -- written by OutputsRepo.insert (the prompt is computed in code); the trigger keeps deletes in step.
      CREATE VIRTUAL TABLE outputs_fts USING fts5(prompt, deployment, file, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TRIGGER outputs_fts_delete AFTER DELETE ON outputs BEGIN
        DELETE FROM outputs_fts WHERE rowid = old.fts_rowid;
      END;
    `,
    backfill: (db) => {
      const rows = db
        .prepare('SELECT o.id, o.path, r.deployment_name, r.inputs FROM outputs o JOIN runs r ON r.id = o.run_id')
        .all() as { id: string; path: string; deployment_name: string; inputs: string }[]
      const index = db.prepare('INSERT INTO outputs_fts (prompt, deployment, file) VALUES (?, ?, ?)')
      const link = db.prepare('UPDATE outputs SET fts_rowid = ? WHERE id = ?')
      for (const row of rows) {
        const inputs = JSON.parse(row.inputs) as Record<string, unknown>
        const { lastInsertRowid } = index.run(searchablePrompt(inputs), row.deployment_name, fileNameOf(row.path))
        link.run(lastInsertRowid, row.id)
      }
    },
  },
  {
    version: 5,
    name: 'provenance: where an output came from, the hash the provider sent, and how its record was written',
    sql: `
      -- 'generated': saved from a run of this app; 'imported': a file indexed in place from a folder (issue 16).
      ALTER TABLE outputs ADD COLUMN source TEXT NOT NULL DEFAULT 'generated';
      -- The sha256 of the file as the provider sent it, before our record was written into it (sha256 is the
      -- file on disk now). NULL for rows saved before records were written: their file is the provider's.
      ALTER TABLE outputs ADD COLUMN original_sha256 TEXT;
      -- How the generation record went with the file: 'embedded' in it, 'sidecar' ({file}.json beside it),
      -- or NULL (none: saved before records, or the writing failed and the file was kept as sent).
      ALTER TABLE outputs ADD COLUMN record TEXT;
    `,
  },
  {
    version: 6,
    name: 'import: folders indexed in place, outputs without a run, files gone missing',
    sql: `
      -- Folders added to the library (library.import): indexed in place, never copied.
      CREATE TABLE imports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL UNIQUE,
        watch INTEGER NOT NULL DEFAULT 0,
        files INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        missing INTEGER NOT NULL DEFAULT 0,
        last_scan_at INTEGER,
        created_at INTEGER NOT NULL
      );

      -- An imported file has no run, and SQLite cannot drop NOT NULL: the table is made again with
      -- run_id nullable and the columns imported rows carry themselves (title, prompt, seed, mtime), then
      -- its indexes and the search's delete trigger exactly as before. fts_rowid is copied, so every row
      -- keeps its search entry.
      DROP TRIGGER outputs_fts_delete;
      CREATE TABLE outputs_new (
        id TEXT PRIMARY KEY,
        run_id TEXT REFERENCES runs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        root TEXT NOT NULL,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,
        mime TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        created_at INTEGER NOT NULL,
        favourite INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER,
        thumbnail TEXT,
        fts_rowid INTEGER,
        source TEXT NOT NULL DEFAULT 'generated',
        original_sha256 TEXT,
        record TEXT,
        -- Imported rows only: their folder (imports.id), the name shown where a deployment's would be (the
        -- tool that made the file, else the folder's name), the prompt and seed read from the file, and the
        -- file's modification time (a rescan skips a file whose path, size and mtime are unchanged).
        import_id INTEGER REFERENCES imports (id) ON DELETE SET NULL,
        title TEXT,
        prompt TEXT,
        seed REAL,
        mtime INTEGER,
        -- 1 when the file was not found on disk (a rescan, or a request for it); the row is kept.
        missing INTEGER NOT NULL DEFAULT 0,
        UNIQUE (run_id, idx)
      );
      INSERT INTO outputs_new (id, run_id, idx, root, path, kind, mime, bytes, sha256, width, height, created_at,
          favourite, duration_ms, thumbnail, fts_rowid, source, original_sha256, record)
        SELECT id, run_id, idx, root, path, kind, mime, bytes, sha256, width, height, created_at,
          favourite, duration_ms, thumbnail, fts_rowid, source, original_sha256, record FROM outputs;
      DROP TABLE outputs;
      ALTER TABLE outputs_new RENAME TO outputs;
      CREATE INDEX outputs_by_time ON outputs (created_at DESC, id DESC);
      CREATE INDEX outputs_favourites ON outputs (created_at DESC, id DESC) WHERE favourite = 1;
      CREATE UNIQUE INDEX outputs_by_fts ON outputs (fts_rowid);
      CREATE TRIGGER outputs_fts_delete AFTER DELETE ON outputs BEGIN
        DELETE FROM outputs_fts WHERE rowid = old.fts_rowid;
      END;
      -- Duplicates are recognised by hash; a folder's rescan looks its files up by path.
      CREATE INDEX outputs_by_sha256 ON outputs (sha256);
      CREATE INDEX outputs_by_import ON outputs (import_id, path) WHERE import_id IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'spend: run costs, estimates, account figures, prices',
    sql: `
      -- What a run cost (Run.cost), priced once the service's timings are known.
      ALTER TABLE runs ADD COLUMN cost_gpu_seconds REAL;
      ALTER TABLE runs ADD COLUMN cost_usd REAL;
      ALTER TABLE runs ADD COLUMN cost_estimated INTEGER;
      ALTER TABLE runs ADD COLUMN cost_gpu TEXT;
      -- The estimate it was submitted with: counted against the month's budget until its cost is known.
      ALTER TABLE runs ADD COLUMN estimate_usd REAL;
      CREATE INDEX runs_by_deployment ON runs (provider, deployment_id, created_at DESC);
      -- The services' own figures: ComfyDeploy's usage per day, RunComfy's balance as read over time.
      CREATE TABLE account_usage (
        provider TEXT NOT NULL,
        day TEXT NOT NULL,
        usd REAL NOT NULL,
        read_at INTEGER NOT NULL,
        PRIMARY KEY (provider, day)
      );
      CREATE TABLE balance_readings (
        provider TEXT NOT NULL,
        at INTEGER NOT NULL,
        usd REAL NOT NULL
      );
      CREATE INDEX balance_readings_by_time ON balance_readings (provider, at);
      -- A service's price list as last read from its endpoint (the dated table stands in before).
      CREATE TABLE price_lists (
        provider TEXT PRIMARY KEY,
        prices TEXT NOT NULL,
        read_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'duplicates: the provider-sent hash looked up by index',
    sql: `
      -- An import asks, for every file, whether an output has its hash as the provider sent it
      -- (OutputsRepo.hasHash): without an index each question read the whole table (about 1 ms at 5,000
      -- rows, 20 ms at 50,000). Partial: only our own saved outputs have one, and "original_sha256 = ?"
      -- implies the NOT NULL, so SQLite uses it.
      CREATE INDEX outputs_by_original_sha256 ON outputs (original_sha256) WHERE original_sha256 IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'grids and prompt lists: grids, their cells, runs waiting in the local queue',
    sql: `
      -- A grid's cells are runs carrying its id; a prompt list's rows are runs of one batch.
      ALTER TABLE runs ADD COLUMN grid_id TEXT;
      -- 1 while the run waits in its provider's local queue (created, never sent): a restart sends it then,
      -- and it is never taken for a submit whose answer was lost. Cleared when it is sent.
      ALTER TABLE runs ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
      -- When its queue call was made: a grid cell's time is counted from here, not from its wait.
      ALTER TABLE runs ADD COLUMN sent_at INTEGER;
      CREATE INDEX runs_by_grid ON runs (grid_id) WHERE grid_id IS NOT NULL;
      -- The provider queue counts the runs at the service (sent, not ended) before each send.
      CREATE INDEX runs_live ON runs (provider, waiting) WHERE status IN ('submitting', 'queued', 'running');
      -- A grid's cell outputs and its image are listed together (outputs.list { gridId }); copied from the
      -- run for a cell's output (a run's grid never changes), set alone for the grid image (no run).
      ALTER TABLE outputs ADD COLUMN grid_id TEXT;
      CREATE INDEX outputs_by_grid ON outputs (grid_id, created_at DESC) WHERE grid_id IS NOT NULL;
      CREATE TABLE grids (
        id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        deployment_id TEXT NOT NULL,
        deployment_name TEXT NOT NULL,
        -- The fixed inputs (JSON object) and the axes with their labels (JSON array of GridAxis).
        inputs TEXT NOT NULL,
        axes TEXT NOT NULL,
        cell_time INTEGER NOT NULL DEFAULT 1,
        image_output_id TEXT,
        image_state TEXT NOT NULL DEFAULT 'waiting',
        image_error TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX grids_by_time ON grids (created_at DESC);
      -- One row per place; rerunFailed points a place at its new run.
      CREATE TABLE grid_cells (
        grid_id TEXT NOT NULL REFERENCES grids (id),
        x INTEGER NOT NULL,
        y INTEGER NOT NULL,
        z INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (grid_id, x, y, z)
      );
      CREATE INDEX grid_cells_by_run ON grid_cells (run_id);
    `,
  },
  {
    version: 10,
    name: 'ComfyUI workflows added as deployments (issue 19)',
    sql: `
      -- A workflow added to one of the user's ComfyUI servers.
      -- prompt is the API-format graph sent to POST /prompt; ui the editor's graph when it came as one (kept in
      -- outputs' metadata); fields the default form, candidates every literal input (JSON arrays of InputField).
      CREATE TABLE IF NOT EXISTS comfyui_workflows (
        id TEXT PRIMARY KEY,
        server_id TEXT NOT NULL,
        name TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('api', 'ui')),
        prompt TEXT NOT NULL,
        ui TEXT,
        fields TEXT NOT NULL,
        candidates TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: 'cancels the service could not take yet',
    sql: `
      -- When a cancel was asked that the service could not take then (ComfyDeploy answers 500 while a run
      -- waits for a machine, not dispatched yet): it is asked again until the service takes it or the run
      -- ends, after a restart too. Null for every other run.
      ALTER TABLE runs ADD COLUMN cancel_requested_at INTEGER;
      -- Read at start-up (the runs whose cancel is still to be asked): a handful among thousands.
      CREATE INDEX runs_cancel_requested ON runs (created_at) WHERE cancel_requested_at IS NOT NULL;
    `,
  },
]
