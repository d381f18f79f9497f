import { z } from 'zod'
import { InputField } from '@shared/deployment'
import type { ProviderId } from '@shared/run'
import { first, statement, type Db } from './database'

const Fields = z.array(InputField)

/** The forms users chose per deployment: which inputs to show, with which labels and defaults. */
export class FormsRepo {
  constructor(private readonly db: Db) {}

  get(provider: ProviderId, deploymentId: string): InputField[] | undefined {
    const row = first<{ fields: string }>(
      statement(this.db, 'SELECT fields FROM deployment_forms WHERE provider = ? AND deployment_id = ?').all(provider, deploymentId),
    )
    if (!row) return undefined
    const parsed = Fields.safeParse(JSON.parse(row.fields))
    // A form saved by an older version that no longer parses falls back to the service's own inputs.
    return parsed.success ? parsed.data : undefined
  }

  save(provider: ProviderId, deploymentId: string, fields: InputField[], now: number): void {
    statement(
      this.db,
      
        `INSERT INTO deployment_forms (provider, deployment_id, fields, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (provider, deployment_id) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at`,
      )
      .run(provider, deploymentId, JSON.stringify(fields), now)
  }

  reset(provider: ProviderId, deploymentId: string): void {
    statement(this.db, 'DELETE FROM deployment_forms WHERE provider = ? AND deployment_id = ?').run(provider, deploymentId)
  }
}
