import { z } from 'zod'
import { InputField } from '@shared/deployment'
import type { StoredWorkflow, WorkflowStore } from '../providers/comfyui/client'
import type { ApiPrompt } from '../providers/comfyui/workflow'
import { statement, type Db } from './database'

interface Row {
  id: string
  server_id: string
  name: string
  format: 'api' | 'ui'
  prompt: string
  ui: string | null
  fields: string
  candidates: string
  created_at: number
}

const Fields = z.array(InputField)
const fieldsOf = (text: string) => {
  const parsed = Fields.safeParse(JSON.parse(text))
  return parsed.success ? parsed.data : []
}

function toWorkflow(row: Row): StoredWorkflow {
  return {
    id: row.id,
    serverId: row.server_id,
    name: row.name,
    format: row.format,
    prompt: JSON.parse(row.prompt) as ApiPrompt,
    ui: row.ui === null ? null : (JSON.parse(row.ui) as Record<string, unknown>),
    fields: fieldsOf(row.fields),
    candidates: fieldsOf(row.candidates),
    createdAt: row.created_at,
  }
}

/** The ComfyUI workflows added as deployments (migration 10), oldest first. */
export class ComfyWorkflowsRepo implements WorkflowStore {
  constructor(private readonly db: Db) {}

  list(): StoredWorkflow[] {
    return (statement(this.db, 'SELECT * FROM comfyui_workflows ORDER BY created_at, id').all() as Row[]).map(toWorkflow)
  }

  get(id: string): StoredWorkflow | undefined {
    const row = statement(this.db, 'SELECT * FROM comfyui_workflows WHERE id = ?').all(id)[0] as Row | undefined
    return row ? toWorkflow(row) : undefined
  }

  countForServer(serverId: string): number {
    const row = statement(this.db, 'SELECT count(*) AS n FROM comfyui_workflows WHERE server_id = ?').all(serverId)[0] as { n: number } | undefined
    return row?.n ?? 0
  }

  add(w: StoredWorkflow): void {
    statement(
      this.db,
      'INSERT INTO comfyui_workflows (id, server_id, name, format, prompt, ui, fields, candidates, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(w.id, w.serverId, w.name, w.format, JSON.stringify(w.prompt), w.ui === null ? null : JSON.stringify(w.ui), JSON.stringify(w.fields), JSON.stringify(w.candidates), w.createdAt)
  }

  remove(id: string): boolean {
    return statement(this.db, 'DELETE FROM comfyui_workflows WHERE id = ?').run(id).changes > 0
  }
}
