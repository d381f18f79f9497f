import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CourierEvent } from '@shared/events'
import type { Deployment } from '@shared/deployment'
import type { RunId } from '@shared/run'
import { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import { ProviderError, type ProviderClient, type RunSnapshot } from '../providers/types'
import { openDatabase, type Db } from '../store/database'
import { PendingCancels } from './pending-cancels'
import { RunLedger } from './run-ledger'
import { RunService } from './run-service'

const NOT_DISPATCHED = 'Error cancel function 404: Run not found or has no modal function call ID'
const notDispatched = () => new ProviderError('PROVIDER_UNAVAILABLE', NOT_DISPATCHED, { status: 500, notDispatched: true })
const CANCELLING = 'Cancelling: Demo will stop it as soon as it starts'
const deployment = { id: 'd1', name: 'Sketch', inputs: [] } as unknown as Deployment

/**
 * A service whose cancel answers what the test lines up (an error to throw, or 'ok'; 'ok' once the line is
 * empty) and whose GET says what `state.snapshot` says. Counts the cancels and GETs it was asked.
 */
function fakeService() {
  const state = {
    cancels: 0,
    gets: 0,
    answers: [] as Array<Error | 'ok'>,
    snapshot: { status: 'queued', rawStatus: 'not-started', outputs: [] } as RunSnapshot,
  }
  const client = {
    id: 'demo',
    label: 'Demo',
    demo: true,
    hookFamily: 'comfydeploy',
    allowLoopbackMedia: true,
    async queue() {
      return { providerRunId: 'p-1' }
    },
    async cancel() {
      state.cancels++
      const answer = state.answers.shift() ?? 'ok'
      if (answer !== 'ok') throw answer
      state.snapshot = { status: 'cancelled', rawStatus: 'cancelled', outputs: [] }
    },
    async getRun() {
      state.gets++
      return state.snapshot
    },
  } as unknown as ProviderClient
  return { client, state }
}

describe('PendingCancels', () => {
  let dir: string
  let db: Db
  let events: EventHub<CourierEvent>
  let ledger: RunLedger
  let pending: PendingCancels | null = null
  const warnings: Array<Record<string, unknown> | undefined> = []
  const log: Logger = { debug() {}, info() {}, warn: (_m, fields) => void warnings.push(fields), error() {}, child: () => log }

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    dir = await mkdtemp(join(tmpdir(), 'courier-cancels-'))
    db = openDatabase(join(dir, 'courier.db'))
    events = new EventHub()
    ledger = new RunLedger({ db, events })
    warnings.length = 0
  })
  afterEach(async () => {
    await pending?.stop()
    pending = null
    vi.useRealTimers()
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** The run service and the pending cancels as `createCore` wires them, on a run queued at the service (`p-1`). */
  const rig = () => {
    const { client, state } = fakeService()
    const providers = { get: () => client, findDeployment: async () => deployment } as unknown as ProviderRegistry
    const runService: RunService = new RunService({
      ledger,
      providers,
      spend: { authorize: async () => ({ ok: true, value: { perRunUsd: null, release() {} } }), costOf: async () => null, afterCost() {} } as never,
      log,
      webhookBase: () => null,
      saveOutputs: () => {},
      cancelPending: (runId) => pending!.add(runId),
    })
    pending = new PendingCancels({ ledger, providers, events, reconcile: (runId) => runService.reconcile(runId), log })
    pending.start()
    const run = ledger.create({ id: 'r_1' as RunId, provider: 'demo', deploymentId: 'd1', deploymentName: 'Sketch', inputs: {}, hookToken: 't1', webhookBase: null, now: 1 })
    ledger.change(run.id, { providerRunId: 'p-1' })
    return { client, state, runService, providers, id: run.id }
  }

  /** Cancels the run while the service cannot take it: answered ok, kept pending. */
  const cancelNotDispatched = async (r: ReturnType<typeof rig>) => {
    r.state.answers.push(notDispatched())
    const answer = await r.runService.cancel(r.id)
    expect(answer).toMatchObject({ ok: true, value: { id: r.id, status: 'queued', liveStatus: CANCELLING } })
    expect(r.state.cancels).toBe(1)
    expect(pending!.size).toBe(1)
  }

  it('answers ok, keeps the request durably, and asks again on a timer from 1 s doubling to 5 s', async () => {
    const r = rig()
    await cancelNotDispatched(r)
    r.state.answers.push(...Array.from({ length: 5 }, notDispatched))
    expect(ledger.require(r.id)).toMatchObject({ cancelRequestedAt: expect.any(Number), liveStatus: CANCELLING })
    expect(ledger.pendingCancels().map((run) => run.id)).toEqual([r.id])
    const asked = () => r.state.cancels
    const at = asked() // 1: the creator's own
    await vi.advanceTimersByTimeAsync(999)
    expect(asked()).toBe(at)
    await vi.advanceTimersByTimeAsync(1)
    expect(asked()).toBe(at + 1)
    await vi.advanceTimersByTimeAsync(2000)
    expect(asked()).toBe(at + 2)
    await vi.advanceTimersByTimeAsync(4000)
    expect(asked()).toBe(at + 3)
    await vi.advanceTimersByTimeAsync(4999)
    expect(asked()).toBe(at + 3) // never more than 5 s apart, never less
    await vi.advanceTimersByTimeAsync(1)
    expect(asked()).toBe(at + 4)
    await vi.advanceTimersByTimeAsync(5000)
    expect(asked()).toBe(at + 5)
    // The refusals were the expected "not yet": nothing worth a warning.
    expect(warnings).toEqual([])
    expect(ledger.require(r.id).liveStatus).toBe(CANCELLING)
  })

  it('asks again at once when the run moves, and confirms it with the GET once the service takes it', async () => {
    const r = rig()
    await cancelNotDispatched(r)
    // A poll: still waiting, its queue position changed. The live status stays, and so does the status: no reason to ask.
    ledger.hint(r.id, { status: 'queued', liveStatus: 'In queue: position 1', progress: 0 })
    await vi.advanceTimersByTimeAsync(0)
    expect(r.state.cancels).toBe(1)
    // A machine took it: asked at once, long before the timer.
    ledger.hint(r.id, { status: 'running', liveStatus: 'Executing KSampler' })
    await vi.advanceTimersByTimeAsync(0)
    expect(r.state.cancels).toBe(2)
    expect(r.state.gets).toBe(1)
    expect(ledger.require(r.id)).toMatchObject({ status: 'cancelled', liveStatus: null })
    expect(pending!.size).toBe(0)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(r.state.cancels).toBe(2)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops asking when the run ends by itself', async () => {
    const r = rig()
    await cancelNotDispatched(r)
    ledger.hint(r.id, { status: 'failed', error: { code: 'RUN_FAILED', message: 'the workflow failed' } })
    expect(pending!.size).toBe(0)
    expect(ledger.pendingCancels()).toEqual([])
    await vi.advanceTimersByTimeAsync(30_000)
    expect(r.state.cancels).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('logs another error once, without the key, and keeps asking while the run has not ended', async () => {
    const r = rig()
    await cancelNotDispatched(r)
    const down = () => new ProviderError('PROVIDER_UNAVAILABLE', 'the service answered HTTP 503', { status: 503 })
    r.state.answers.push(down(), down(), notDispatched())
    await vi.advanceTimersByTimeAsync(1000)
    await vi.advanceTimersByTimeAsync(2000)
    expect(r.state.cancels).toBe(3)
    expect(warnings).toEqual([{ runId: r.id, provider: 'demo', error: 'PROVIDER_UNAVAILABLE: the service answered HTTP 503' }])
    await vi.advanceTimersByTimeAsync(4000) // not dispatched yet, still
    expect(r.state.cancels).toBe(4)
    expect(pending!.size).toBe(1)
    await vi.advanceTimersByTimeAsync(5000) // taken
    expect(r.state.cancels).toBe(5)
    expect(ledger.require(r.id).status).toBe('cancelled')
    expect(pending!.size).toBe(0)
    expect(JSON.stringify(warnings)).not.toContain('Bearer')
  })

  it('clears its timers on stop, and a new session resumes the cancels left pending at once', async () => {
    const r = rig()
    await cancelNotDispatched(r)
    expect(vi.getTimerCount()).toBe(1)
    await pending!.stop()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(r.state.cancels).toBe(1)

    // The next start (a restart: the same store): asked at once, taken, confirmed.
    pending = new PendingCancels({ ledger, providers: r.providers, events, reconcile: (runId) => r.runService.reconcile(runId), log })
    pending.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(r.state.cancels).toBe(2)
    expect(ledger.require(r.id)).toMatchObject({ status: 'cancelled' })
    expect(pending.size).toBe(0)
  })

  it('never sends a waiting run someone asked to cancel, and never queues a run again', async () => {
    const r = rig()
    const waiting = r.runService.createWaiting(r.client, deployment, {}, { estimateUsd: null, liveStatus: 'Waiting for a free slot: next' })
    ledger.change(waiting.id, { cancelRequested: { at: 5, liveStatus: CANCELLING } })
    expect(r.runService.sendWaiting(waiting.id)).toEqual({ outcome: 'gone' })
    const queue = vi.spyOn(r.client, 'queue')
    await cancelNotDispatched(r)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(queue).not.toHaveBeenCalled()
  })
})
