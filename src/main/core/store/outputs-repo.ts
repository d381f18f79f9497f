import { Output, OUTPUTS_PAGE_DEFAULT, type OutputFacets, type OutputFacetsArgs, type OutputKind, type OutputListArgs, type OutputSource } from '@shared/output'
import type { ProviderId } from '@shared/run'
import { atomically, first, statement, type Db } from './database'
import { fileNameOf, ftsQuery, promptOf, searchablePrompt } from './search'

export { promptOf } from './search'

type OutputRow = {
  id: string
  run_id: string | null
  idx: number
  root: string
  path: string
  kind: string
  mime: string
  bytes: number
  sha256: string
  original_sha256: string | null
  width: number | null
  height: number | null
  duration_ms: number | null
  favourite: number
  thumbnail: string | null
  created_at: number
  source: string
  title: string | null
  prompt: string | null
  seed: number | null
  missing: number
  folder: string | null
  provider: string | null
  deployment_id: string | null
  deployment_name: string | null
  inputs: string | null
  batch_id: string | null
  seed_input: string | null
  grid_id: string | null
}

/**
 * Imported outputs have no run (a LEFT JOIN): their title, prompt and seed are their own columns. A grid
 * image has no run either: its provider and deployment are its grid's.
 */
const SELECT = `SELECT o.*, COALESCE(r.provider, g.provider) AS provider, COALESCE(r.deployment_id, g.deployment_id) AS deployment_id,
    COALESCE(r.deployment_name, g.deployment_name) AS deployment_name, r.inputs, r.batch_id, r.seed_input, i.path AS folder
  FROM outputs o LEFT JOIN runs r ON r.id = o.run_id LEFT JOIN imports i ON i.id = o.import_id
    LEFT JOIN grids g ON o.run_id IS NULL AND g.id = o.grid_id`

/** A thumbnail's state: none tried yet, made, or the file could not be read (never tried again). */
export type ThumbnailState = 'ready' | 'failed' | null

/**
 * The run's seed: the value of the input its deployment's form marked as the seed (recorded at submit),
 * else of a number input named like `seed`; null when there is none.
 */
export function seedOf(inputs: Record<string, unknown>, seedInput: string | null): number | null {
  const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
  if (seedInput !== null) {
    const value = inputs[seedInput]
    return isNumber(value) ? value : null
  }
  const named = Object.entries(inputs).find(([key, value]) => /seed/i.test(key) && isNumber(value))
  return named ? (named[1] as number) : null
}

function fromRow(row: OutputRow): Output {
  const inputs = row.inputs === null ? null : (JSON.parse(row.inputs) as Record<string, unknown>)
  return Output.parse({
    id: row.id,
    runId: row.run_id,
    path: row.path,
    kind: row.kind,
    mime: row.mime,
    bytes: row.bytes,
    sha256: row.sha256,
    originalSha256: row.original_sha256,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    provider: row.provider,
    deploymentId: row.deployment_id,
    deploymentName: row.deployment_name ?? row.title ?? '',
    prompt: inputs ? promptOf(inputs) : (row.prompt ?? ''),
    seed: inputs ? seedOf(inputs, row.seed_input) : row.seed,
    favourite: row.favourite === 1,
    batchId: row.batch_id,
    gridId: row.grid_id,
    hasThumbnail: row.thumbnail === 'ready',
    source: row.source,
    folder: row.folder,
    missing: row.missing === 1,
    createdAt: row.created_at,
  })
}

/** What every row holds of its file: where it is, what it is, and its size and hash. */
interface NewFile {
  id: string
  /** The folder the file lives in (the library, or an import folder); `path` is relative to it. */
  root: string
  path: string
  kind: OutputKind
  mime: string
  bytes: number
  sha256: string
  width: number | null
  height: number | null
  /** Length of a video or audio file (`probeMedia`); null or absent when unknown. */
  durationMs?: number | null
  createdAt: number
}

export interface NewOutput extends NewFile {
  runId: string
  index: number
  /** The provider's file's hash, when our record was written into it (`sha256` is then the file with it). */
  originalSha256?: string | null
  /** How the generation record went with the file; null when it could not be written. */
  record?: 'embedded' | 'sidecar' | null
}

/** A file indexed in place from an import folder (`library.import`): no run; its facts come from the file. */
export interface NewImportedOutput extends NewFile {
  importId: number
  durationMs: number | null
  /** Shown where a deployment's name would be: the tool that made the file, else the folder's name. */
  title: string
  /** The prompt read from the file's metadata, searchable; '' when it has none. */
  prompt: string
  seed: number | null
  mtime: number
}

/** A grid image (issue 18): made here from its cells' outputs, so it has no run; its grid names it. */
export interface NewGridImage extends NewFile {
  gridId: string
  /** Shown where a deployment's name would be, and searchable. */
  title: string
  /** The fixed inputs' prompt, searchable; '' when none. */
  prompt: string
  record: 'embedded' | 'sidecar' | null
}

/** An imported file as a rescan compares it: unchanged when its size and mtime are. */
export interface ImportedFile {
  id: string
  path: string
  bytes: number
  mtime: number | null
  missing: boolean
}

/** Where a saved output lives on disk: its library root and the path relative to it. */
export interface OutputLocation {
  id: string
  source: string
  root: string
  path: string
  mime: string
  kind: OutputKind
  bytes: number
  sha256: string
  thumbnail: ThumbnailState
}

/** `outputs.list` filters, with the page size decided. */
export type OutputFilter = Omit<OutputListArgs, 'limit'> & { limit?: number }

export interface OutputsRepoOptions {
  /** Asked as a row is written: a thumbnail already made for the file makes the row start `ready`. */
  thumbnailOnInsert?: (output: Pick<NewOutput, 'id' | 'root' | 'path'>) => ThumbnailState
}

/** One group of a facets scan: outputs sharing provider, deployment, kind and source under one filter. */
interface FacetGroup {
  provider: ProviderId | null
  deploymentId: string | null
  name: string | null
  kind: OutputKind
  source: OutputSource
  count: number
  favourites: number | null
  latest: number
}

/** Adds up groups by a key into `{ ...make(key), count }`, in first-seen order. */
function tally<T>(groups: FacetGroup[], keyOf: (g: FacetGroup) => string, make: (key: string) => T): Array<T & { count: number }> {
  const counts = new Map<string, number>()
  for (const g of groups) {
    const key = keyOf(g)
    counts.set(key, (counts.get(key) ?? 0) + g.count)
  }
  return [...counts].map(([key, count]) => ({ ...make(key), count }))
}

/** SQLite's default (binary) order of text, which the counts were listed in before. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export class OutputsRepo {
  constructor(
    private readonly db: Db,
    private readonly options: OutputsRepoOptions = {},
  ) {}

  /** A file's search entry (its prompt, its title and its file name); its rowid ties the output row to it. Call inside the row's transaction. */
  private insertSearchEntry(prompt: string, title: string, path: string): number | bigint {
    return statement(this.db, 'INSERT INTO outputs_fts (prompt, deployment, file) VALUES (?, ?, ?)').run(prompt, title, fileNameOf(path)).lastInsertRowid
  }

  /**
   * Writes one `outputs` row and its search entry (inside the caller's transaction): the file's columns, which
   * every kind of row fills alike, and `columns`, each named beside its value (the kinds fill different
   * columns, and parallel lists of names and values drift apart).
   */
  private insertRow(
    output: Pick<NewOutput, 'id' | 'root' | 'path' | 'kind' | 'mime' | 'bytes' | 'sha256' | 'width' | 'height' | 'createdAt'>,
    search: { prompt: string; title: string },
    columns: Record<string, string | number | null>,
  ): void {
    const row = {
      id: output.id,
      root: output.root,
      path: output.path,
      kind: output.kind,
      mime: output.mime,
      bytes: output.bytes,
      sha256: output.sha256,
      width: output.width,
      height: output.height,
      fts_rowid: this.insertSearchEntry(search.prompt, search.title, output.path),
      thumbnail: this.options.thumbnailOnInsert?.(output) ?? null,
      created_at: output.createdAt,
      ...columns,
    }
    const names = Object.keys(row)
    statement(this.db, `INSERT INTO outputs (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...Object.values(row))
  }

  /** Saves an imported file's row and its search entry together (its prompt and title are searchable). */
  insertImported(output: NewImportedOutput): Output {
    atomically(this.db, () => {
      this.insertRow(output, output, {
        run_id: null,
        idx: 0,
        duration_ms: output.durationMs,
        source: 'imported',
        import_id: output.importId,
        title: output.title,
        prompt: output.prompt,
        seed: output.seed,
        mtime: output.mtime,
      })
    })
    return this.require(output.id)
  }

  /** Saves a grid image's row and its search entry together. */
  insertGridImage(output: NewGridImage): Output {
    atomically(this.db, () => {
      this.insertRow(output, output, {
        run_id: null,
        idx: 0,
        duration_ms: null,
        source: 'generated',
        record: output.record,
        title: output.title,
        prompt: output.prompt,
        grid_id: output.gridId,
      })
    })
    return this.require(output.id)
  }

  /** True when some output (ours or imported) is this exact file: its hash now, or as the provider sent it. */
  hasHash(sha256: string): boolean {
    return (
      first(statement(this.db, 'SELECT 1 AS x FROM outputs WHERE sha256 = ? LIMIT 1').all(sha256)) !== undefined ||
      first(statement(this.db, 'SELECT 1 AS x FROM outputs WHERE original_sha256 = ? LIMIT 1').all(sha256)) !== undefined
    )
  }

  /** The files of an import folder as the store knows them, by relative path. */
  importedFiles(importId: number): Map<string, ImportedFile> {
    const rows = statement(this.db, 'SELECT id, path, bytes, mtime, missing FROM outputs WHERE import_id = ?').all(importId) as {
      id: string
      path: string
      bytes: number
      mtime: number | null
      missing: number
    }[]
    return new Map(rows.map((row) => [row.path, { ...row, missing: row.missing === 1 }]))
  }

  /** Marks outputs whose file vanished (or came back); the rows stay. */
  setMissing(ids: readonly string[], missing: boolean): void {
    atomically(this.db, () => {
      for (const id of ids) statement(this.db, 'UPDATE outputs SET missing = ? WHERE id = ?').run(missing ? 1 : 0, id)
    })
  }

  /** Saves the row and its search entry together; the prompt comes from the run's inputs. */
  insert(output: NewOutput): Output {
    atomically(this.db, () => {
      const run = first<{ inputs: string; deployment_name: string; grid_id: string | null }>(
        statement(this.db, 'SELECT inputs, deployment_name, grid_id FROM runs WHERE id = ?').all(output.runId),
      )
      if (!run) throw new Error(`run ${output.runId} vanished from the store`)
      const inputs = JSON.parse(run.inputs) as Record<string, unknown>
      this.insertRow(output, { prompt: searchablePrompt(inputs), title: run.deployment_name }, {
        run_id: output.runId,
        idx: output.index,
        original_sha256: output.originalSha256 ?? null,
        record: output.record ?? null,
        duration_ms: output.durationMs ?? null,
        grid_id: run.grid_id,
      })
    })
    return this.require(output.id)
  }

  get(id: string): Output | undefined {
    const row = first<OutputRow>(statement(this.db, `${SELECT} WHERE o.id = ?`).all(id))
    return row && fromRow(row)
  }

  require(id: string): Output {
    const output = this.get(id)
    if (!output) throw new Error(`output ${id} vanished from the store`)
    return output
  }

  location(id: string): OutputLocation | undefined {
    return first<OutputLocation>(
      statement(this.db, 'SELECT id, source, root, path, mime, kind, bytes, sha256, thumbnail FROM outputs WHERE id = ?').all(id),
    )
  }

  /** Every saved output's location, oldest first (moving the library walks them; imported files stay where they are). */
  locations(): OutputLocation[] {
    return statement(
      this.db,
      "SELECT id, source, root, path, mime, kind, bytes, sha256, thumbnail FROM outputs WHERE import_id IS NULL AND source = 'generated' ORDER BY created_at, id",
    ).all() as OutputLocation[]
  }

  count(): number {
    return first<{ n: number }>(statement(this.db, 'SELECT count(*) AS n FROM outputs').all())?.n ?? 0
  }

  /** Indexes of a run's outputs that are saved, or were saved and then deleted (never downloaded again). */
  savedIndexes(runId: string): Set<number> {
    const rows = statement(this.db, 'SELECT idx FROM outputs WHERE run_id = ? UNION SELECT idx FROM deleted_outputs WHERE run_id = ?').all(
      runId,
      runId,
    ) as { idx: number }[]
    return new Set(rows.map((row) => row.idx))
  }

  /**
   * One page of outputs, newest first (`created_at DESC, id DESC`), every filter combined; `after` starts
   * the page after that output. Null when `after` names an output that no longer exists.
   */
  list(filter: OutputFilter): Output[] | null {
    const { where, params, needsRuns } = this.conditions(filter)
    if (filter.after !== undefined) {
      const cursor = first<{ created_at: number; id: string }>(statement(this.db, 'SELECT created_at, id FROM outputs WHERE id = ?').all(filter.after))
      if (!cursor) return null
      where.push('(o.created_at < ? OR (o.created_at = ? AND o.id < ?))')
      params.push(cursor.created_at, cursor.created_at, cursor.id)
    }
    // The page is picked on narrow rows first, joining the runs only when a filter needs them, then only
    // its rows are read whole: sorting a search's 1,000 matches with every column (the run's inputs among
    // them) took 12 ms; this takes 3.
    const page = `SELECT o.rowid FROM outputs o ${needsRuns ? 'JOIN runs r ON r.id = o.run_id' : ''} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o.created_at DESC, o.id DESC LIMIT ?`
    const sql = `${SELECT} WHERE o.rowid IN (${page}) ORDER BY o.created_at DESC, o.id DESC`
    return (statement(this.db, sql).all(...params, filter.limit ?? OUTPUTS_PAGE_DEFAULT) as OutputRow[]).map(fromRow)
  }

  /** The WHERE clauses of a filter (every one combined), and whether they need the runs joined. */
  private conditions(filter: OutputFacetsArgs & { runId?: string }): { where: string[]; params: unknown[]; needsRuns: boolean } {
    const where: string[] = []
    const params: unknown[] = []
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause)
      params.push(...values)
    }
    if (filter.runId !== undefined) add('o.run_id = ?', filter.runId)
    if (filter.batchId !== undefined) add('r.batch_id = ?', filter.batchId)
    if (filter.gridId !== undefined) add('o.grid_id = ?', filter.gridId)
    if (filter.provider !== undefined) add('r.provider = ?', filter.provider)
    if (filter.deploymentId !== undefined) add('r.deployment_id = ?', filter.deploymentId)
    if (filter.kind !== undefined) add('o.kind = ?', filter.kind)
    if (filter.favourite !== undefined) add('o.favourite = ?', filter.favourite ? 1 : 0)
    if (filter.source !== undefined) add('o.source = ?', filter.source)
    if (filter.from !== undefined) add('o.created_at >= ?', filter.from)
    if (filter.to !== undefined) add('o.created_at < ?', filter.to)
    const match = filter.query === undefined ? null : ftsQuery(filter.query)
    if (match !== null) add('o.fts_rowid IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ?)', match)
    const needsRuns = filter.batchId !== undefined || filter.provider !== undefined || filter.deploymentId !== undefined
    return { where, params, needsRuns }
  }

  /**
   * The values the gallery's filters offer, with how many outputs have each. Each menu counts what the
   * rest of the filter leaves (the search, the dates, the other menus), never its own choice, so the
   * kind buttons say how many images the search found and choosing one leaves the others' counts.
   */
  facets(filter: OutputFacetsArgs = {}): OutputFacets {
    const without = (...keys: Array<keyof OutputFacetsArgs>): OutputFacetsArgs => {
      const rest = { ...filter }
      for (const key of keys) delete rest[key]
      return rest
    }
    // One scan per distinct filter, grouped by every column a menu counts; each menu then adds up the groups
    // of its filter. A search with no menu chosen is a single scan instead of one per menu: on a large
    // library the counts share the web host's one thread with the search's own page, which waited behind them.
    const scans = new Map<string, FacetGroup[]>()
    const groupsOf = (f: OutputFacetsArgs): FacetGroup[] => {
      const key = JSON.stringify(f, Object.keys(f).sort())
      let groups = scans.get(key)
      if (groups === undefined) {
        const { where, params } = this.conditions(f)
        groups = statement(
          this.db,
          // The name is the one of the group's newest output's run (a deployment may have been renamed):
          // SQLite takes the bare column from the row that max() picked.
          `SELECT r.provider AS provider, r.deployment_id AS deploymentId, r.deployment_name AS name, o.kind AS kind, o.source AS source,
                  count(*) AS count, sum(o.favourite) AS favourites, max(o.created_at) AS latest
             FROM outputs o LEFT JOIN runs r ON r.id = o.run_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            GROUP BY r.provider, r.deployment_id, o.kind, o.source`,
        ).all(...params) as FacetGroup[]
        scans.set(key, groups)
      }
      return groups
    }
    const total = first<{ n: number }>(statement(this.db, 'SELECT count(*) AS n FROM outputs').all())?.n ?? 0
    const sum = (groups: FacetGroup[], pick: (g: FacetGroup) => number) => groups.reduce((n, g) => n + pick(g), 0)
    const matching = sum(groupsOf(filter), (g) => g.count)
    const favourites = sum(groupsOf(without('favourite')), (g) => g.favourites ?? 0)
    // An imported output has no provider or deployment: those menus never count it.
    const providers = tally(
      groupsOf(without('provider', 'deploymentId')).filter((g) => g.provider !== null),
      (g) => g.provider!,
      (id) => ({ id: id as ProviderId }),
    ).sort((a, b) => b.count - a.count || byText(a.id, b.id))
    const newest = new Map<string, { latest: number; name: string }>()
    const deployments = tally(
      groupsOf(without('deploymentId')).filter((g) => g.provider !== null && g.deploymentId !== null),
      (g) => {
        const key = `${g.provider}\u0000${g.deploymentId}`
        const seen = newest.get(key)
        if (seen === undefined || g.latest > seen.latest) newest.set(key, { latest: g.latest, name: g.name ?? '' })
        return key
      },
      (key) => {
        const [provider, id] = key.split('\u0000') as [ProviderId, string]
        return { id, name: '', provider }
      },
    )
      .map((d) => ({ ...d, name: newest.get(`${d.provider}\u0000${d.id}`)!.name }))
      .sort((a, b) => b.count - a.count || byText(a.name, b.name) || byText(a.id, b.id))
    const kinds = tally(groupsOf(without('kind')), (g) => g.kind, (kind) => ({ kind: kind as OutputKind })).sort(
      (a, b) => b.count - a.count || byText(a.kind, b.kind),
    )
    const sources = tally(groupsOf(without('source')), (g) => g.source, (source) => ({ source: source as OutputSource })).sort(
      (a, b) => b.count - a.count || byText(a.source, b.source),
    )
    return { total, matching, providers, deployments, kinds, sources, favourites }
  }

  setFavourite(id: string, favourite: boolean): Output | undefined {
    statement(this.db, 'UPDATE outputs SET favourite = ? WHERE id = ?').run(favourite ? 1 : 0, id)
    return this.get(id)
  }

  setThumbnail(id: string, state: ThumbnailState): void {
    statement(this.db, 'UPDATE outputs SET thumbnail = ? WHERE id = ?').run(state, id)
  }

  /**
   * Forgets outputs (their search entries go with them, by trigger) and remembers their run and index, so
   * a run whose downloads are resumed never fetches a deleted output again. Returns the runs touched.
   */
  remove(ids: readonly string[]): Set<string> {
    const runIds = new Set<string>()
    atomically(this.db, () => {
      for (const id of ids) {
        const row = first<{ run_id: string | null; idx: number }>(statement(this.db, 'SELECT run_id, idx FROM outputs WHERE id = ?').all(id))
        if (!row) continue
        if (row.run_id !== null) statement(this.db, 'INSERT OR IGNORE INTO deleted_outputs (run_id, idx) VALUES (?, ?)').run(row.run_id, row.idx)
        statement(this.db, 'DELETE FROM outputs WHERE id = ?').run(id)
        if (row.run_id !== null) runIds.add(row.run_id)
      }
    })
    return runIds
  }

  /** Points outputs at the library folder their files now live in, all at once. */
  setRoot(ids: readonly string[], root: string): void {
    atomically(this.db, () => {
      for (const id of ids) statement(this.db, 'UPDATE outputs SET root = ? WHERE id = ?').run(root, id)
    })
  }
}
