import type { SimContext } from '../context'
import { json, type Reply, type Route, type SimRequest } from '../http/router'
import type { LedgerEntry } from '../ledger'
import { COMFYDEPLOY_GPU_PRICES } from '../prices'
import { DEPLOYMENTS } from './deployments'
import { SIM_ORG_ID, SIM_USER_ID } from './models'

/**
 * ComfyDeploy's spend routes (spend.md; the server's `platform.py` and `machines.py`), answered from the
 * simulator's ledger: the price table, the account's usage and its days, and each machine's GPU sessions.
 * A session counts once its keep-warm tail is over (the server filters on `end_time`).
 */

/** The free tier the usage answer subtracts, in cents (`FREE_TIER_USAGE`). */
export const FREE_TIER_CENTS = 500
const DAY_MS = 24 * 60 * 60 * 1000

type Guard = (handle: (req: SimRequest) => Reply | Promise<Reply>) => (req: SimRequest) => Reply | Promise<Reply>

const iso = (ms: number) => new Date(ms).toISOString()
const machineName = (id: string | null) => DEPLOYMENTS.find((d) => d.machine.id === id)?.machine.name ?? null

/** A FastAPI `datetime` query value: ISO 8601 (no zone read as UTC) or Unix seconds; undefined when absent. */
function queryTime(req: SimRequest, name: string): { ok: true; ms: number | undefined } | { ok: false; reply: Reply } {
  const raw = req.url.searchParams.get(name)
  if (raw === null || raw === '') return { ok: true, ms: undefined }
  const zoned = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(raw) ? `${raw}${raw.includes('T') ? 'Z' : 'T00:00:00Z'}` : raw
  const ms = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(zoned) : Number.NaN
  if (Number.isFinite(ms)) return { ok: true, ms }
  return {
    ok: false,
    reply: json(422, { detail: [{ type: 'datetime_from_date_parsing', loc: ['query', name], msg: 'Input should be a valid datetime', input: raw }] }),
  }
}

const missing = (name: string): Reply => json(422, { detail: [{ type: 'missing', loc: ['query', name], msg: 'Field required', input: null }] })

/** Sessions that closed in [from, to), like the server's `end_time >= start AND end_time < end`. */
function closedIn(ctx: SimContext, fromMs: number, toMs: number): LedgerEntry[] {
  return ctx.ledger.closedSessions('comfydeploy', Date.now()).filter((e) => e.sessionEndMs !== null && e.sessionEndMs >= fromMs && e.sessionEndMs < toMs)
}

/** One `GPUEventModel` as `/machine/{id}/events` serves it; an open session has no end and no cost yet. */
function gpuEvent(e: LedgerEntry, nowMs: number): Record<string, unknown> {
  const closed = e.sessionEndMs !== null && e.sessionEndMs <= nowMs
  const start = e.sessionStartMs ?? nowMs
  return {
    id: e.sessionId,
    user_id: SIM_USER_ID,
    org_id: SIM_ORG_ID,
    machine_id: e.machineId,
    start_time: iso(start),
    end_time: closed && e.sessionEndMs !== null ? iso(e.sessionEndMs) : null,
    gpu: e.gpu,
    ws_gpu: null,
    gpu_provider: 'modal',
    created_at: iso(start),
    updated_at: iso(closed && e.sessionEndMs !== null ? e.sessionEndMs : start),
    session_timeout: null,
    session_id: e.sessionId,
    modal_function_id: null,
    tunnel_url: null,
    cost_item_title: null,
    cost: closed ? e.billedUsd : null,
  }
}

export function platformRoutes(ctx: SimContext, authed: Guard): Route[] {
  return [
    {
      // Public on the real server too: no key needed.
      method: 'GET',
      path: '/api/platform/gpu-pricing',
      handle: () => json(200, COMFYDEPLOY_GPU_PRICES),
    },
    {
      // Without a range: since the "last invoice" (the simulator's stand-in: the 1st of this UTC month) until now.
      method: 'GET',
      path: '/api/platform/usage',
      handle: authed((req) => {
        const start = queryTime(req, 'start_time')
        if (!start.ok) return start.reply
        const end = queryTime(req, 'end_time')
        if (!end.ok) return end.reply
        const now = new Date()
        const fromMs = start.ms ?? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)
        const toMs = end.ms ?? now.getTime()
        const rows = new Map<string, { machine_id: string | null; machine_name: string | null; gpu: string; ws_gpu: null; usage_in_sec: number; cost_item_title: null; cost: number }>()
        for (const e of closedIn(ctx, fromMs, toMs)) {
          const key = `${e.machineId}|${e.gpu}`
          const row = rows.get(key) ?? { machine_id: e.machineId, machine_name: machineName(e.machineId), gpu: e.gpu, ws_gpu: null, usage_in_sec: 0, cost_item_title: null, cost: 0 }
          row.usage_in_sec += e.billedSeconds
          row.cost += e.billedUsd
          rows.set(key, row)
        }
        const usage = [...rows.values()].sort((a, b) => b.usage_in_sec - a.usage_in_sec)
        const totalCost = usage.reduce((sum, row) => sum + row.cost, 0)
        const credit = 0
        return json(200, {
          usage,
          total_cost: totalCost,
          final_cost: Math.max(Math.max(totalCost - FREE_TIER_CENTS / 100, 0) - credit, 0),
          free_tier_credit: FREE_TIER_CENTS,
          credit,
          period: { start: iso(fromMs), end: iso(toMs) },
        })
      }),
    },
    {
      // Both bounds are required here (a FastAPI 422 without them); days are the UTC dates sessions started on.
      method: 'GET',
      path: '/api/platform/usage-details',
      handle: authed((req) => {
        const start = queryTime(req, 'start_time')
        if (!start.ok) return start.reply
        const end = queryTime(req, 'end_time')
        if (!end.ok) return end.reply
        if (start.ms === undefined) return missing('start_time')
        if (end.ms === undefined) return missing('end_time')
        const days = new Map<string, Record<string, number>>()
        for (const e of closedIn(ctx, start.ms, end.ms)) {
          const date = iso(e.sessionStartMs ?? 0).slice(0, 10)
          const gpus = days.get(date) ?? {}
          gpus[e.gpu] = (gpus[e.gpu] ?? 0) + e.billedUsd
          days.set(date, gpus)
        }
        return json(
          200,
          [...days].sort(([a], [b]) => a.localeCompare(b)).map(([date, gpus]) => ({ date, ...gpus })),
        )
      }),
    },
    {
      // The last 24 h of the machine's sessions, newest first; an unknown machine simply has none.
      method: 'GET',
      path: '/api/machine/:id/events',
      handle: authed((req) => {
        const now = Date.now()
        const sessions = ctx.ledger
          .entries('comfydeploy')
          .filter((e) => e.machineId === req.params.id && e.sessionId !== null && e.sessionStartMs !== null && e.sessionStartMs >= now - DAY_MS)
          .sort((a, b) => (b.sessionStartMs ?? 0) - (a.sessionStartMs ?? 0))
        return json(200, sessions.map((e) => gpuEvent(e, now)))
      }),
    },
  ]
}
