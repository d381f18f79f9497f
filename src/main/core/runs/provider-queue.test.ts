import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CourierEvent } from '@shared/events'
import type { Deployment } from '@shared/deployment'
import { isTerminal } from '@shared/run'
import { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import type { ProviderClient, QueueRequest } from '../providers/types'
import { openDatabase, type Db } from '../store/database'
import { EXACT_PLACES, ProviderQueue, waitingText } from './provider-queue'
import { RunLedger } from './run-ledger'
import { RunService } from './run-service'

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet }
const deployment: Deployment = { id: 'd1', name: 'Sketch', inputs: [] } as unknown as Deployment

/**
 * A service that counts the runs it holds (queued or running, not ended) and ends each a few ms after it
 * was queued: the queue must never let that count pass the provider's concurrency.
 */
function countingClient(ledger: RunLedger) {
  let serial = 0
  const state = { inFlight: 0, most: 0, queued: 0 }
  const client = {
    id: 'demo',
    label: 'Demo',
    demo: true,
    hookFamily: 'comfydeploy',
    allowLoopbackMedia: true,
    async queue(_request: QueueRequest) {
      state.inFlight++
      state.queued++
      state.most = Math.max(state.most, state.inFlight)
      const providerRunId = `p${++serial}`
      await new Promise((resolve) => setTimeout(resolve, 1))
      setTimeout(() => {
        const run = ledger.list(1000).find((r) => r.providerRunId === providerRunId)!
        state.inFlight--
        ledger.hint(run.id, { status: serial % 3 === 0 ? 'failed' : 'succeeded' })
      }, 2 + (serial % 5))
      return { providerRunId }
    },
  } as unknown as ProviderClient
  return { client, state }
}

describe('ProviderQueue', () => {
  let dir: string
  let db: Db
  let events: EventHub<CourierEvent>
  let ledger: RunLedger
  let queue: ProviderQueue | null = null

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-queue-'))
    db = openDatabase(join(dir, 'courier.db'))
    events = new EventHub()
    ledger = new RunLedger({ db, events })
  })
  afterEach(async () => {
    queue?.stop()
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  const rig = (concurrency: number) => {
    const { client, state } = countingClient(ledger)
    const key = { configured: true }
    const runService = new RunService({
      ledger,
      providers: { get: () => (key.configured ? client : undefined), findDeployment: async () => deployment } as unknown as ProviderRegistry,
      spend: { authorize: async () => ({ ok: true, value: { perRunUsd: null, release() {} } }), costOf: async () => null, afterCost() {} } as never,
      log: quiet,
      webhookBase: () => null,
      saveOutputs: () => {},
      // A submitting run not in flight is given up at once: only a waiting one must survive that.
      lostSubmitWindowMs: 0,
    })
    queue = new ProviderQueue({
      ledger,
      events,
      log: quiet,
      concurrency: () => concurrency,
      positionsEveryMs: 0,
      send: (id) => {
        const sending = runService.sendWaiting(id)
        return sending.outcome
      },
    })
    queue.start()
    const waitingRuns = (count: number) =>
      Array.from({ length: count }, (_, i) =>
        runService.createWaiting(client, deployment, { i }, { estimateUsd: null, liveStatus: waitingText(i) }).id,
      )
    const allEnded = () =>
      new Promise<void>((resolve) => {
        const check = () => (ledger.list(1000).every((run) => isTerminal(run.status)) ? resolve() : setTimeout(check, 5))
        check()
      })
    return { client, state, runService, waitingRuns, allEnded, key }
  }

  it('never has more runs at the service than the provider’s concurrency, and sends every one', async () => {
    const { state, waitingRuns, allEnded } = rig(3)
    queue!.enqueue('demo', waitingRuns(40))
    expect(state.inFlight).toBeLessThanOrEqual(3)
    await allEnded()
    expect(state.queued).toBe(40)
    expect(state.most).toBe(3)
  })

  it('counts runs sent from elsewhere (a single submit) against the same slots', async () => {
    const { state, runService, waitingRuns, allEnded } = rig(2)
    const single = await runService.submit({ provider: 'demo', deploymentId: 'd1', inputs: {} })
    expect(single).toMatchObject({ ok: true, value: { status: 'queued' } })
    const ids = waitingRuns(10)
    queue!.enqueue('demo', ids)
    // The single run holds one of the two slots: one waiting run goes now, the rest wait.
    expect(ids.filter((id) => !ledger.get(id)!.waiting)).toHaveLength(1)
    await allEnded()
    expect(state.queued).toBe(11)
    expect(state.most).toBeLessThanOrEqual(2)
  })

  it('never sends a run cancelled while it waited', async () => {
    const { state, runService, waitingRuns, allEnded } = rig(1)
    const ids = waitingRuns(4)
    // Cancelled before the queue sees it: it ends without a queue call.
    const cancelled = await runService.cancel(ids[3]! as never)
    expect(cancelled).toMatchObject({ ok: true, value: { status: 'cancelled', providerRunId: null } })
    queue!.enqueue('demo', ids)
    await allEnded()
    expect(state.queued).toBe(3)
    expect(ledger.get(ids[3]!)).toMatchObject({ status: 'cancelled', providerRunId: null })
  })

  it('never takes a waiting run for a submit whose answer was lost', async () => {
    const { state, runService, waitingRuns } = rig(0)
    const [id] = waitingRuns(1)
    await runService.reconcile(id!)
    expect(ledger.get(id!)).toMatchObject({ status: 'submitting', waiting: true, error: null })
    expect(state.queued).toBe(0)
  })

  it('keeps runs waiting while their provider has no key, and sends them once it has one again', async () => {
    const { state, waitingRuns, allEnded, key } = rig(2)
    key.configured = false
    const ids = waitingRuns(3)
    queue!.enqueue('demo', ids)
    expect(ids.every((id) => ledger.get(id)!.waiting)).toBe(true)
    key.configured = true
    queue!.kick()
    await allEnded()
    expect(state.queued).toBe(3)
  })

  it('tells each waiting run how many wait before it', () => {
    const { waitingRuns } = rig(0)
    const ids = waitingRuns(3)
    queue!.enqueue('demo', ids)
    expect(ids.map((id) => ledger.get(id)!.liveStatus)).toEqual([waitingText(0), waitingText(1), waitingText(2)])
    expect(waitingText(2)).toBe('Waiting for a free slot: 2 ahead')
  })

  it('rewrites only the places near the front as runs are sent: the rest keep one text, so a big grid is not an update per run per send', async () => {
    const { waitingRuns, allEnded } = rig(5)
    const ids = waitingRuns(30)
    const changed = new Set<string>()
    const stop = events.subscribe((event) => {
      if (event.type === 'run.updated') changed.add(event.run.id)
    })
    // Five are sent at once and the other 25 move up five places: only those now near the front are told.
    queue!.enqueue('demo', ids)
    stop()
    const moved = ids.slice(5, 5 + EXACT_PLACES)
    const back = ids.slice(5 + EXACT_PLACES)
    expect(moved.map((id) => ledger.get(id)!.liveStatus)).toEqual(moved.map((_, ahead) => waitingText(ahead)))
    expect(back.every((id) => ledger.get(id)!.liveStatus === `Waiting for a free slot: ${EXACT_PLACES} or more ahead`)).toBe(true)
    expect(back.filter((id) => changed.has(id))).toEqual([])
    await allEnded()
  })

  it('counts no run cancelled while waiting ahead of anyone', async () => {
    const { waitingRuns } = rig(0)
    const ids = waitingRuns(4)
    queue!.enqueue('demo', ids)
    for (const id of ids.slice(0, 2)) ledger.hint(id, { status: 'cancelled' })
    queue!.kick()
    await new Promise((resolve) => setImmediate(resolve))
    expect(ids.slice(2).map((id) => ledger.get(id)!.liveStatus)).toEqual([waitingText(0), waitingText(1)])
    expect(queue!.waitingCount('demo')).toBe(2)
  })

  it('after a restart, sends the runs left waiting (they were never sent)', async () => {
    const first = rig(0)
    first.waitingRuns(5)
    queue!.stop()
    const again = rig(2)
    await again.allEnded()
    expect(again.state.queued).toBe(5)
    expect(first.state.queued).toBe(0)
  })
})
