import { join } from 'node:path'
import Database from 'libsql'

/** The hook token is a secret that never leaves main; tests read it from the store, as the provider got it. */
export function hookTokenOf(dataDir: string, runId: string): string {
  const db = new Database(join(dataDir, 'courier.db'), { readonly: true })
  try {
    return (db.prepare('SELECT hook_token FROM runs WHERE id = ?').all(runId)[0] as { hook_token: string }).hook_token
  } finally {
    db.close()
  }
}
