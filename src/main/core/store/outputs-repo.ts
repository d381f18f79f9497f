import { Output, type OutputKind } from '@shared/output'
import { first, statement, type Db } from './database'

type OutputRow = {
  id: string
  run_id: string
  idx: number
  root: string
  path: string
  kind: string
  mime: string
  bytes: number
  sha256: string
  width: number | null
  height: number | null
  created_at: number
  deployment_name: string
  inputs: string
}

const SELECT = `SELECT o.*, r.deployment_name, r.inputs FROM outputs o JOIN runs r ON r.id = o.run_id`

/** The prompt shown with an output: the first string input named like a prompt, else the first string. */
export function promptOf(inputs: Record<string, unknown>): string {
  const strings = Object.entries(inputs).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  const named = strings.find(([key]) => /prompt/i.test(key) && !/negative/i.test(key))
  return (named ?? strings[0])?.[1] ?? ''
}

function fromRow(row: OutputRow): Output {
  return Output.parse({
    id: row.id,
    runId: row.run_id,
    path: row.path,
    kind: row.kind,
    mime: row.mime,
    bytes: row.bytes,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    deploymentName: row.deployment_name,
    prompt: promptOf(JSON.parse(row.inputs) as Record<string, unknown>),
    createdAt: row.created_at,
  })
}

export interface NewOutput {
  id: string
  runId: string
  index: number
  /** The library folder the file was saved under; `path` is relative to it. */
  root: string
  path: string
  kind: OutputKind
  mime: string
  bytes: number
  sha256: string
  width: number | null
  height: number | null
  createdAt: number
}

export class OutputsRepo {
  constructor(private readonly db: Db) {}

  insert(output: NewOutput): Output {
    statement(
      this.db,
      
        `INSERT INTO outputs (id, run_id, idx, root, path, kind, mime, bytes, sha256, width, height, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        output.id,
        output.runId,
        output.index,
        output.root,
        output.path,
        output.kind,
        output.mime,
        output.bytes,
        output.sha256,
        output.width,
        output.height,
        output.createdAt,
      )
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

  /** Where a saved output lives on disk: its library root and the path relative to it. */
  location(id: string): { root: string; path: string; mime: string } | undefined {
    return first<{ root: string; path: string; mime: string }>(statement(this.db, 'SELECT root, path, mime FROM outputs WHERE id = ?').all(id))
  }

  savedIndexes(runId: string): Set<number> {
    const rows = statement(this.db, 'SELECT idx FROM outputs WHERE run_id = ?').all(runId) as { idx: number }[]
    return new Set(rows.map((row) => row.idx))
  }

  list(filter: { runId?: string; query?: string; limit: number }): Output[] {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.runId) {
      where.push('o.run_id = ?')
      params.push(filter.runId)
    }
    const query = filter.query?.trim()
    if (query) {
      // Plain substring search over what the creator typed and which deployment ran it; FTS comes with the gallery work.
      where.push(`(r.inputs LIKE ? ESCAPE '\\' OR r.deployment_name LIKE ? ESCAPE '\\')`)
      const like = `%${query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
      params.push(like, like)
    }
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.created_at DESC, o.idx LIMIT ?`
    return (statement(this.db, sql).all(...params, filter.limit) as OutputRow[]).map(fromRow)
  }
}
