/**
 * Helpers shared by the ComfyDeploy simulator's tests (not used by the simulator itself): calling its API
 * with a key, queueing, and waiting on a run's own state instead of on durations.
 */
import type { Sim } from '../index'

export const KEY = { authorization: 'Bearer test-key' }

export interface Answer {
  status: number
  body: unknown
  headers: Headers
}

export async function call(sim: Sim, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> {
  const { json, ...rest } = init
  const headers = new Headers(rest.headers ?? KEY)
  if (json !== undefined) headers.set('content-type', 'application/json')
  const res = await fetch(`${sim.url}${path}`, { ...rest, headers, body: json === undefined ? rest.body : JSON.stringify(json) })
  const text = await res.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // Not JSON (an S3-style XML error, say): the text itself.
  }
  return { status: res.status, body, headers: res.headers }
}

export async function queue(sim: Sim, body: Record<string, unknown>): Promise<string> {
  const res = await call(sim, '/api/run/deployment/queue', { method: 'POST', json: body })
  if (res.status !== 200) throw new Error(`queue answered ${res.status}: ${JSON.stringify(res.body)}`)
  return (res.body as { run_id: string }).run_id
}

export type RunBody = Record<string, unknown> & {
  status: string
  outputs: Array<{ id: string; output_id: string; data: Record<string, Array<Record<string, unknown> | string>> }>
}

/** Polls `GET /run/{id}` until `done` holds. */
export async function pollRun(sim: Sim, id: string, done: (run: RunBody) => boolean, timeoutMs = 15_000): Promise<RunBody> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await call(sim, `/api/run/${id}`)
    const run = res.body as RunBody
    if (res.status === 200 && done(run)) return run
    if (Date.now() > deadline) throw new Error(`run never got there: ${JSON.stringify(run)}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export const succeeded = (run: RunBody) => run.status === 'success'

/** The media items of a run's outputs under `key` (e.g. `images`), in order. */
export function itemsOf(run: RunBody, key: string): Array<{ url: string; filename: string } & Record<string, unknown>> {
  return run.outputs.flatMap((o) => (o.data[key] ?? []).filter((i): i is Record<string, unknown> => typeof i !== 'string')) as Array<
    { url: string; filename: string } & Record<string, unknown>
  >
}

export async function download(url: string): Promise<{ status: number; type: string | null; length: string | null; bytes: Buffer }> {
  const res = await fetch(url)
  const bytes = Buffer.from(await res.arrayBuffer())
  return { status: res.status, type: res.headers.get('content-type'), length: res.headers.get('content-length'), bytes }
}
