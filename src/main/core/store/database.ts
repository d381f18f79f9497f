import Database from 'libsql'
import { migrations } from './migrations'

export type Db = InstanceType<typeof Database>

/** Opens (creating if needed) the SQLite store and brings its schema up to the newest migration. */
export function openDatabase(file: string): Db {
  const db = new Database(file)
  db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;')
  migrate(db)
  return db
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('PRAGMA user_version').all()[0] as { user_version: number } | undefined
  return row?.user_version ?? 0
}

function migrate(db: Db): void {
  const current = schemaVersion(db)
  const newest = migrations.at(-1)?.version ?? 0
  if (current > newest) {
    throw new Error(`courier.db has schema ${current}, newer than this app understands (${newest}); update the app`)
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      migration.backfill?.(db)
      db.exec(`PRAGMA user_version = ${migration.version}`)
    })()
  }
}

/** libsql's `.get()` adds a `_metadata` key; reading the first row of `.all()` avoids it. */
export function first<T>(rows: unknown[]): T | undefined {
  return rows[0] as T | undefined
}

type Statement = Database.Statement<unknown[]>
const statements = new WeakMap<Db, Map<string, Statement>>()

/**
 * A prepared statement for this SQL, made once per connection and reused: preparing is the costliest step
 * of a small query in libsql, and the webhook path runs the same few queries for every request.
 */
export function statement(db: Db, sql: string): Statement {
  let cache = statements.get(db)
  if (!cache) statements.set(db, (cache = new Map()))
  let prepared = cache.get(sql)
  if (!prepared) cache.set(sql, (prepared = db.prepare(sql)))
  return prepared
}

/**
 * Runs `work` in a transaction, or inside the one already open on this connection: libsql's
 * `transaction()` cannot nest, and a repository's atomic step (an output and its search entry) is often
 * part of a larger one (the run ledger's), whose commit or rollback it then shares.
 */
export function atomically<T>(db: Db, work: () => T): T {
  return db.inTransaction ? work() : db.transaction(work)()
}
