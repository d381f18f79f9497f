import type { ImportFolder } from '@shared/imports'
import { atomically, first, statement, type Db } from './database'

/** A folder added to the library (`imports` table, migration 6). */
export interface ImportRow {
  id: number
  path: string
  watch: boolean
}

export interface ScanCounts {
  duplicates: number
  failed: number
  at: number
}

/** The import folders: their paths, watch flags and what their last scan counted. */
export class ImportsRepo {
  constructor(private readonly db: Db) {}

  /** The folder's row, made on first use; `watch` is updated when given. */
  upsert(path: string, watch: boolean | undefined, now: number): ImportRow {
    statement(this.db, 'INSERT INTO imports (path, watch, created_at) VALUES (?, ?, ?) ON CONFLICT (path) DO NOTHING').run(path, watch ? 1 : 0, now)
    if (watch !== undefined) statement(this.db, 'UPDATE imports SET watch = ? WHERE path = ?').run(watch ? 1 : 0, path)
    const row = first<{ id: number; path: string; watch: number }>(statement(this.db, 'SELECT id, path, watch FROM imports WHERE path = ?').all(path))
    if (!row) throw new Error(`import folder ${path} vanished from the store`)
    return { id: row.id, path: row.path, watch: row.watch === 1 }
  }

  /** The folder with this id; undefined when there is none (never added, or removed). */
  get(id: number): ImportRow | undefined {
    const row = first<{ id: number; path: string; watch: number }>(statement(this.db, 'SELECT id, path, watch FROM imports WHERE id = ?').all(id))
    return row && { id: row.id, path: row.path, watch: row.watch === 1 }
  }

  /** Sets the folder's watch flag; false when there is no such folder. */
  setWatch(id: number, watch: boolean): boolean {
    return statement(this.db, 'UPDATE imports SET watch = ? WHERE id = ?').run(watch ? 1 : 0, id).changes > 0
  }

  /**
   * Forgets the folder and every output indexed from it, in one transaction (their search entries go by
   * trigger, favourites with the rows); answers the ids of the outputs removed, for their thumbnails. The
   * rows alone: no file is touched.
   */
  remove(id: number): string[] {
    return atomically(this.db, () => {
      const ids = (statement(this.db, 'SELECT id FROM outputs WHERE import_id = ?').all(id) as { id: string }[]).map((row) => row.id)
      statement(this.db, 'DELETE FROM outputs WHERE import_id = ?').run(id)
      statement(this.db, 'DELETE FROM imports WHERE id = ?').run(id)
      return ids
    })
  }

  watched(): ImportRow[] {
    return (statement(this.db, 'SELECT id, path, watch FROM imports WHERE watch = 1 ORDER BY id').all() as { id: number; path: string; watch: number }[]).map(
      (row) => ({ id: row.id, path: row.path, watch: true }),
    )
  }

  /** Remembers what a finished scan counted (files and missing ones are counted live from the outputs). */
  scanned(id: number, counts: ScanCounts): void {
    statement(this.db, 'UPDATE imports SET duplicates = ?, failed = ?, last_scan_at = ? WHERE id = ?').run(counts.duplicates, counts.failed, counts.at, id)
  }

  /**
   * Every folder (or the one with id `only`), oldest first, with its outputs counted; `scanning` names the
   * scan under way per folder id.
   */
  list(scanning: (id: number) => string | null, only?: number): ImportFolder[] {
    const rows = statement(
      this.db,
      `SELECT i.id, i.path, i.watch, i.duplicates, i.failed, i.last_scan_at,
         (SELECT count(*) FROM outputs o WHERE o.import_id = i.id) AS files,
         (SELECT count(*) FROM outputs o WHERE o.import_id = i.id AND o.missing = 1) AS missing
       FROM imports i WHERE ? IS NULL OR i.id = ? ORDER BY i.id`,
    ).all(only ?? null, only ?? null) as { id: number; path: string; watch: number; duplicates: number; failed: number; last_scan_at: number | null; files: number; missing: number }[]
    return rows.map((row) => ({
      id: row.id,
      folder: row.path,
      watch: row.watch === 1,
      files: row.files,
      missing: row.missing,
      duplicates: row.duplicates,
      failed: row.failed,
      lastScanAt: row.last_scan_at,
      scanning: scanning(row.id),
    }))
  }
}
