import { z } from 'zod'
import { SimFaultsPatch, describeFaults, type SimFaults } from './faults'
import { json, type Route } from './http/router'
import type { SimStats } from './stats'

export interface ControlDeps {
  faults: SimFaults
  stats: () => SimStats
  reset: () => void
  /** Send time of each webhook attempt (epoch ms, sub-ms precision), oldest first, bounded. */
  webhookLog: () => readonly { runId: string; status: string; sentAt: number }[]
  /** The ledger report (`ledgerReport`): what each ended run used and cost, and the totals. */
  ledger: () => unknown
}

/**
 * `/__sim/*`: the simulator's own switches, for tests and people poking at it with curl. No auth: it is a
 * local test tool bound to loopback, and these paths exist on no real service.
 */
export function controlRoutes({ faults, stats, reset, webhookLog, ledger }: ControlDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/__sim/ledger',
      handle: () => json(200, ledger()),
    },
    {
      method: 'GET',
      path: '/__sim/webhook-log',
      handle: () => json(200, { attempts: webhookLog() }),
    },
    {
      method: 'GET',
      path: '/__sim/state',
      handle: () => json(200, { stats: stats(), faults, knobs: describeFaults() }),
    },
    {
      method: 'POST',
      path: '/__sim/faults',
      handle: async (req) => {
        let raw: unknown
        try {
          raw = JSON.parse((await req.body()).toString('utf8') || '{}')
        } catch {
          return json(400, { error: 'body is not JSON' })
        }
        const patch = SimFaultsPatch.safeParse(raw)
        if (!patch.success) return json(400, { error: z.prettifyError(patch.error) })
        Object.assign(faults, patch.data)
        return json(200, { faults })
      },
    },
    {
      method: 'POST',
      path: '/__sim/reset',
      handle: () => {
        reset()
        return json(200, { stats: stats(), faults })
      },
    },
  ]
}
