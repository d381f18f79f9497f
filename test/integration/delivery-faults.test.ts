/**
 * Delivery under fire: for each fault, 20 concurrent ComfyDeploy runs (Quick Sketch, 2 PNGs each) are
 * started, the fault is injected while they are live, and every run must still end `succeeded` with both
 * of its files on disk, decodable, at distinct paths, with no `.part` left and no second paid submission.
 *
 * The injection moment is a signal, never a sleep: "at least 10 runs reached `running`" (as the core saw
 * it), or "all 20 submits returned" for the restart-while-queued case.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CourierEvent } from '../../src/shared/events'
import { isTerminal, type Run, type RunStatus } from '../../src/shared/run'
import type { WebhookRecord } from '../../src/shared/delivery'
import { DEPLOYMENT_IDS, type Sim } from '../../src/sim/index'
import type { TestCore, TestCoreOptions } from '../support/core-fixture'
import { decodePng } from '../support/png'
import { useSimAndCores } from '../support/sim-and-cores'
import { startTunnelServer, type TunnelServer } from '../support/tunnel-server'

const RUNS = 20
const OUTPUTS_PER_RUN = 2
/** Inject once this many runs have been seen `running` (or further). */
const INJECT_AT_RUNNING = 10
const RUN_TIMEOUT_MS = 60_000
const CASE_TIMEOUT_MS = 90_000
const TUNING = { pollIntervalMs: 200, safetyPollMs: 1000, downloadRetryMs: 300, tunnelOpenTimeoutMs: 3000 }

/** Per-case figures (live runs at injection, webhooks refused, storm length), with DELIVERY_FAULTS_LOG=1. */
const note = (line: string) => {
  if (process.env.DELIVERY_FAULTS_LOG) console.log(line)
}

type RunUpdated = Extract<CourierEvent, { type: 'run.updated' }>
type TunnelChanged = Extract<CourierEvent, { type: 'tunnel.changed' }>

const isRunUpdated = (e: CourierEvent): e is RunUpdated => e.type === 'run.updated'
const isTunnelChanged = (e: CourierEvent): e is TunnelChanged => e.type === 'tunnel.changed'

/** Every file under `dir`, relative, with `/` separators. */
async function libraryFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
}

/** The latest status the core published for each run, up to (not including) event index `until`. */
function statusesAt(t: TestCore, until = t.seen.length): Map<string, RunStatus> {
  const latest = new Map<string, RunStatus>()
  for (const event of t.seen.slice(0, until)) if (isRunUpdated(event)) latest.set(event.run.id, event.run.status)
  return latest
}

describe('delivery faults: 20 concurrent ComfyDeploy runs all end on disk', () => {
  /** The simulator's log lines of the current case, with when they were written. */
  let simLog: { at: number; line: string }[] = []
  let tunnelServer: TunnelServer | null = null
  const started = Date.now()

  // Every core a case starts (restarts add the new one) is stopped after it.
  const rig = useSimAndCores({
    log: (line) => simLog.push({ at: Date.now(), line }),
    afterEachTest: async () => {
      await tunnelServer?.close()
      tunnelServer = null
      simLog = []
    },
  })

  afterAll(() => note(`delivery-faults: whole file ${Date.now() - started} ms`))

  const env = () => ({ COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k' })

  async function startCore(delivery: 'tunnel' | 'direct' | 'off'): Promise<TestCore> {
    const opts: TestCoreOptions = { env: env(), tuning: TUNING }
    if (delivery === 'tunnel') {
      tunnelServer = await startTunnelServer()
      opts.flags = { tunnel: 'localtunnel', 'tunnel-host': tunnelServer.url }
    } else if (delivery === 'direct') {
      opts.webhooks = 'direct'
    } else {
      opts.flags = { tunnel: 'off' }
    }
    const t = await rig.start(opts)
    if (delivery === 'tunnel') await t.waitForEvent((e) => isTunnelChanged(e) && e.tunnel.state === 'up', 10_000)
    else if (delivery === 'direct') expect((await t.call('tunnel.status', {})).state).toBe('up')
    else expect((await t.call('tunnel.status', {})).state).toBe('off')
    return t
  }

  const restart = (t: TestCore): Promise<TestCore> => rig.restart(t)

  /** Submits the 20 runs at once; each answer must already carry the provider's run id. */
  async function submitAll(t: TestCore, label: string): Promise<Run[]> {
    const runs = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        t.call('runs.submit', {
          provider: 'comfydeploy',
          deploymentId: DEPLOYMENT_IDS.quickSketch,
          inputs: { prompt: `${label} #${i}`, seed: 1000 + i },
        }),
      ),
    )
    for (const run of runs) expect(run.providerRunId).not.toBeNull()
    return runs
  }

  /** Resolves once `count` of `runs` have been published `running` or later. */
  async function waitUntilRunning(t: TestCore, runs: Run[], count = INJECT_AT_RUNNING, timeoutMs = 20_000): Promise<void> {
    const ids = new Set(runs.map((r) => r.id))
    const reached = new Set<string>()
    await t
      .waitForEvent((e) => {
        if (isRunUpdated(e) && ids.has(e.run.id) && (e.run.status === 'running' || isTerminal(e.run.status))) reached.add(e.run.id)
        return reached.size >= count
      }, timeoutMs)
      .catch((error: Error) => {
        throw new Error(`${error.message}: only ${reached.size} of ${RUNS} runs reached running`)
      })
  }

  /** How many of `runs` the core still had unfinished at this instant: the fault must hit live runs. */
  function liveNow(t: TestCore, runs: Run[]): number {
    const latest = statusesAt(t)
    const live = runs.filter((r) => !isTerminal(latest.get(r.id) ?? r.status)).length
    expect(live, 'every run had already finished: the fault would not be mid-run').toBeGreaterThan(0)
    return live
  }

  /** The common verdict: every run succeeded with its 2 PNGs, on disk, once, and nothing was paid twice. */
  async function expectAllDelivered(t: TestCore, runs: Run[]): Promise<Run[]> {
    const finals = await Promise.all(
      runs.map((run) =>
        t
          .waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === OUTPUTS_PER_RUN && r.error === null, RUN_TIMEOUT_MS)
          .catch(async (error: Error) => {
            const now = await t.call('runs.get', { id: run.id })
            throw new Error(`${error.message}; it is ${JSON.stringify(now)}`)
          }),
      ),
    )
    const all = await t.call('runs.list', {})
    expect(all).toHaveLength(RUNS)
    expect(new Set(all.map((r) => r.providerRunId)).size).toBe(RUNS)
    for (const run of all) expect(run).toMatchObject({ status: 'succeeded', outputCount: OUTPUTS_PER_RUN, error: null })

    const paths: string[] = []
    for (const run of runs) {
      const outputs = await t.call('outputs.list', { runId: run.id })
      expect(outputs, `outputs of ${run.id}`).toHaveLength(OUTPUTS_PER_RUN)
      for (const output of outputs) {
        const bytes = await readFile(join(t.libraryDir, output.path))
        const png = decodePng(bytes)
        expect(output).toMatchObject({ kind: 'image', mime: 'image/png', bytes: bytes.length, width: png.width, height: png.height })
        expect(output.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
        paths.push(output.path)
      }
    }
    expect(new Set(paths).size).toBe(RUNS * OUTPUTS_PER_RUN)
    const files = await libraryFiles(t.libraryDir)
    expect(files.filter((f) => f.endsWith('.part'))).toEqual([])
    // Exactly the recorded outputs are on disk: no stray copy from a duplicated download.
    expect(files.sort()).toEqual([...paths].sort())
    expect(rig.sim.stats().runsQueued).toBe(RUNS)
    return finals
  }

  /**
   * After the tunnel's URL moved away from `oldUrl`, every run that was still unfinished at that moment
   * (it had been told to call the old URL) must have been switched to polling.
   */
  async function expectOldUrlRunsPolled(t: TestCore, runs: Run[], oldUrl: string, injectedAt: number): Promise<number> {
    const at = t.seen.findIndex((e, i) => i >= injectedAt && isTunnelChanged(e) && e.tunnel.publicUrl !== oldUrl)
    expect(at, 'the tunnel URL never left the old one').toBeGreaterThan(-1)
    const latest = statusesAt(t, at)
    const stranded = runs.filter((r) => !isTerminal(latest.get(r.id) ?? r.status))
    for (const run of stranded) {
      const now = await t.call('runs.get', { id: run.id })
      expect(now.polling, `run ${run.id} was ${latest.get(run.id)} when ${oldUrl} went away`).toBe(true)
    }
    return stranded.length
  }

  async function currentTunnelUrl(t: TestCore): Promise<string> {
    const status = await t.call('tunnel.status', {})
    expect(status.state).toBe('up')
    return status.publicUrl!
  }

  it(
    '0. control, no fault: the service’s webhooks for 20 concurrent runs are all accepted by the listener',
    async () => {
      const t = await startCore('direct')
      const runs = await submitAll(t, 'control')
      await expectAllDelivered(t, runs)
      // Every webhook attempt so far got a 2xx: none was refused (429, 5xx…) by our own listener.
      const refused = simLog.filter(({ line }) => /^webhook \S+ \S+ attempt \d+ failed/.test(line)).map(({ line }) => line)
      const received = t.seen.filter((e) => e.type === 'webhook.received').length
      note(`case 0: ${received} webhooks received, ${refused.length} attempts refused; sim ${JSON.stringify(rig.sim.stats())}`)
      expect(refused.slice(0, 5), `${refused.length} webhook attempts refused by the listener`).toEqual([])
    },
    CASE_TIMEOUT_MS,
  )

  it(
    '1. the tunnel server restarts mid-run: the URL changes, runs told the old one fall back to polling',
    async () => {
      const t = await startCore('tunnel')
      const oldUrl = await currentTunnelUrl(t)
      const runs = await submitAll(t, 'tunnel server restart')
      for (const run of runs) expect(run.polling).toBe(false)
      await waitUntilRunning(t, runs)
      const live = liveNow(t, runs)
      const injectedAt = t.seen.length
      await tunnelServer!.restart()
      await t.waitForEvent((e) => isTunnelChanged(e) && e.tunnel.state === 'up' && e.tunnel.publicUrl !== oldUrl, 15_000)
      await expectAllDelivered(t, runs)
      const stranded = await expectOldUrlRunsPolled(t, runs, oldUrl, injectedAt)
      note(`case 1: ${live} live at injection, ${stranded} stranded on the old URL`)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    '2. the tunnel’s sockets are dropped mid-run',
    async () => {
      const t = await startCore('tunnel')
      const runs = await submitAll(t, 'sockets dropped')
      await waitUntilRunning(t, runs)
      const live = liveNow(t, runs)
      tunnelServer!.dropSockets()
      // The client opens fresh sockets at once.
      await tunnelServer!.waitFor((clients) => clients.length > 0 && clients.every((c) => c.idleSockets + c.busySockets > 0), 10_000)
      await expectAllDelivered(t, runs)
      note(`case 2: ${live} live at injection`)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    '3. the tunnel URL changes (the server forgets the client, which reconnects under a new URL)',
    async () => {
      const t = await startCore('tunnel')
      const oldUrl = await currentTunnelUrl(t)
      const [client] = tunnelServer!.clients()
      expect(client?.url).toBe(oldUrl)
      const runs = await submitAll(t, 'url change')
      await waitUntilRunning(t, runs)
      const live = liveNow(t, runs)
      const injectedAt = t.seen.length
      await tunnelServer!.dropClient(client!.id)
      await tunnelServer!.waitFor((clients) => clients.some((c) => c.id !== client!.id), 15_000)
      await t.waitForEvent((e) => isTunnelChanged(e) && e.tunnel.state === 'up' && e.tunnel.publicUrl !== oldUrl, 15_000)
      await expectAllDelivered(t, runs)
      const stranded = await expectOldUrlRunsPolled(t, runs, oldUrl, injectedAt)
      note(`case 3: ${live} live at injection, ${stranded} stranded on the old URL`)
    },
    CASE_TIMEOUT_MS,
  )

  /** The restart cases: the new core's listener and tunnel URL are new; runs told the old URL must poll. */
  async function restartCase(label: string, injectWhen: 'running' | 'submitted'): Promise<void> {
    let t = await startCore('tunnel')
    const oldUrl = await currentTunnelUrl(t)
    const oldListener = t.core.listenerUrl()
    const runs = await submitAll(t, label)
    if (injectWhen === 'running') await waitUntilRunning(t, runs)
    const latest = statusesAt(t)
    const queued = runs.filter((r) => latest.get(r.id) === 'queued').length
    const live = liveNow(t, runs)
    if (injectWhen === 'submitted') expect(queued, 'no run was still queued when the core stopped').toBeGreaterThan(0)

    const before = t
    t = await restart(t)
    expect(t.core.listenerUrl()).not.toBe(oldListener)
    const up = t.waitForEvent((e) => isTunnelChanged(e) && e.tunnel.state === 'up', 15_000)
    await expectAllDelivered(t, runs)
    await up
    const newUrl = await currentTunnelUrl(t)
    expect(newUrl).not.toBe(oldUrl)
    // Runs the new core still had unfinished when its tunnel came up were told to call the old URL, which
    // is gone: from then on they must be polled (the safety net alone is 30 s in the product).
    const upAt = t.seen.findIndex((e) => isTunnelChanged(e) && e.tunnel.state === 'up')
    const atStop = statusesAt(before)
    const atUp = statusesAt(t, upAt)
    const stranded = runs.filter((r) => !isTerminal(atUp.get(r.id) ?? atStop.get(r.id) ?? r.status))
    const notPolled: string[] = []
    for (const run of stranded) {
      const now = await t.call('runs.get', { id: run.id })
      if (!now.polling) notPolled.push(`${run.id} (${atUp.get(run.id) ?? atStop.get(run.id)} when ${newUrl} came up)`)
    }
    note(`${label}: ${live} live (${queued} queued) at the stop, ${stranded.length} still unfinished when the new tunnel came up`)
    expect(notPolled, `runs told to call ${oldUrl} (gone after the restart) that never fell back to polling`).toEqual([])
  }

  it(
    '4. the listener restarts (core stopped and started on the same data dir) while runs are running',
    () => restartCase('listener restart', 'running'),
    CASE_TIMEOUT_MS,
  )

  it(
    '5. the app core stops and starts right after the submits return, with runs still queued',
    () => restartCase('core restart while queued', 'submitted'),
    CASE_TIMEOUT_MS,
  )

  it(
    '6. webhooks are dropped mid-run',
    async () => {
      const t = await startCore('direct')
      const runs = await submitAll(t, 'webhooks dropped')
      await waitUntilRunning(t, runs)
      const live = liveNow(t, runs)
      rig.sim.faults.dropWebhooks = true
      await expectAllDelivered(t, runs)
      if (live > 0) expect(rig.sim.stats().webhooksDropped).toBeGreaterThan(0)
      note(`case 6: ${live} live at injection, ${rig.sim.stats().webhooksDropped} webhooks dropped`)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    '7. webhooks arrive three times (twice from the service, once more replayed): nothing changes',
    async () => {
      const t = await startCore('direct')
      const runs = await submitAll(t, 'webhooks x3')
      await waitUntilRunning(t, runs)
      const live = liveNow(t, runs)
      rig.sim.faults.duplicateWebhooks = true

      // From now on every webhook that brought news (or was judged stale) is replayed once more.
      const replays: Promise<{ original: WebhookRecord; replay: WebhookRecord }>[] = []
      const replayed = new Set<number>()
      const replayOnce = (original: WebhookRecord) => {
        if (original.replayOf !== null || original.outcome === 'duplicate' || replayed.has(original.id)) return
        replayed.add(original.id)
        replays.push(
          new Promise((resolve) => setImmediate(resolve)).then(async () => ({
            original,
            replay: await t.call('webhooks.replay', { id: original.id }),
          })),
        )
      }
      for (const e of t.seen) if (e.type === 'webhook.received') replayOnce(e.webhook)
      const unsubscribe = t.core.events.subscribe((e) => {
        if (e.type === 'webhook.received') replayOnce(e.webhook)
      })
      try {
        await expectAllDelivered(t, runs)
      } finally {
        unsubscribe()
      }
      const results = await Promise.all(replays)
      expect(results.length).toBeGreaterThan(RUNS)
      for (const { original, replay } of results) {
        expect(replay.replayOf).toBe(original.id)
        expect(replay.runId).toBe(original.runId)
        // Duplicate or stale: the ingest applied nothing and asked for no confirmation (only 'applied' does).
        expect(['duplicate', 'stale'], `replay of ${original.status} for ${original.runId}: ${replay.reason}`).toContain(replay.outcome)
      }
      const received = t.seen.filter((e) => e.type === 'webhook.received' && e.webhook.replayOf === null)
      const duplicates = received.filter((e) => e.type === 'webhook.received' && e.webhook.outcome === 'duplicate')
      expect(duplicates.length).toBeGreaterThan(0)
      note(`case 7: ${live} live at injection, ${received.length} webhooks received, ${duplicates.length} duplicates, ${results.length} replays`)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    '8. webhooks are reordered mid-run',
    async () => {
      const t = await startCore('direct')
      const runs = await submitAll(t, 'webhooks reordered')
      await waitUntilRunning(t, runs)
      const live = liveNow(t, runs)
      rig.sim.faults.reorderWebhooks = true
      await expectAllDelivered(t, runs)
      // Progress never went backwards for any run, whatever order the news came in.
      for (const run of runs) {
        const progress = t.seen.flatMap((e) => (isRunUpdated(e) && e.run.id === run.id ? [e.run.progress] : []))
        expect(progress).toEqual([...progress].sort((a, b) => a - b))
      }
      note(`case 8: ${live} live at injection`)
    },
    CASE_TIMEOUT_MS,
  )

  /** `GET /api/run/{id}` answers the simulator logged since `from`: which run, when, what status. */
  function getRunAnswers(from = 0): { run: string; at: number; status: number }[] {
    return simLog.slice(from).flatMap(({ at, line }) => {
      const m = /^GET \/api\/run\/([0-9a-f-]+)\S* → (\d{3})$/.exec(line)
      return m ? [{ run: m[1]!, at, status: Number(m[2]) }] : []
    })
  }

  /** A storm on `GET /run` while every run is polled (no tunnel): it must blow over with all runs done. */
  async function pollingStorm(label: string, faults: Partial<Sim['faults']>): Promise<void> {
    const t = await startCore('off')
    const runs = await submitAll(t, label)
    for (const run of runs) expect(run.polling).toBe(true)
    await waitUntilRunning(t, runs)
    const live = liveNow(t, runs)
    const from = simLog.length
    Object.assign(rig.sim.faults, faults)
    await expectAllDelivered(t, runs)
    // The whole storm was served (the knob switches itself off after its last failure).
    const answers = getRunAnswers(from)
    const failed = answers.filter((a) => a.status === faults.failGetRunWithStatus)
    expect(rig.sim.faults.failGetRunWithStatus).toBeNull()
    expect(failed).toHaveLength(faults.failGetRunTimes!)
    if (faults.retryAfterSeconds) {
      // Retry-After honoured: after a refusal, the same run is not asked about again before it says.
      const early: string[] = []
      for (const refusal of failed) {
        const next = answers.find((a) => a.run === refusal.run && a.at > refusal.at)
        const gap = next ? next.at - refusal.at : Infinity
        if (gap < faults.retryAfterSeconds * 1000 - 50) early.push(`${refusal.run} asked again ${gap} ms after a 429`)
      }
      expect(early).toEqual([])
    }
    const storm = failed.length > 0 ? failed.at(-1)!.at - failed[0]!.at : 0
    note(`${label}: ${live} live at injection, ${failed.length} refusals over ${storm} ms, ${answers.length} GET /run in all`)
  }

  it(
    '9. a 429 storm (with Retry-After) on polling',
    () => pollingStorm('429 storm', { failGetRunWithStatus: 429, failGetRunTimes: 40, retryAfterSeconds: 1 }),
    CASE_TIMEOUT_MS,
  )

  it('10. a 503 storm on polling', () => pollingStorm('503 storm', { failGetRunWithStatus: 503, failGetRunTimes: 40 }), CASE_TIMEOUT_MS)

  /** Submits the 20 runs while the service cuts the connection after creating `lost` of them. */
  async function submitWithLostAnswers(t: TestCore, label: string, lost: number): Promise<Run[]> {
    rig.sim.faults.loseQueueAnswers = lost
    const runs = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: `${label} #${i}`, seed: 1000 + i } }),
      ),
    )
    expect(rig.sim.stats().queueAnswersLost).toBe(lost)
    // The submit still answers: the run is shown, looking for itself, instead of failing into a retry.
    const unanswered = runs.filter((run) => run.providerRunId === null)
    expect(unanswered).toHaveLength(lost)
    for (const run of unanswered) expect(run).toMatchObject({ status: 'submitting', polling: true, error: null })
    return runs
  }

  it(
    '11. the service creates 10 of the runs but their queue answers are lost: each is found in the deployment’s run list',
    async () => {
      const t = await startCore('off')
      const runs = await submitWithLostAnswers(t, 'answers lost, polled', 10)
      await expectAllDelivered(t, runs)
      note(`case 11: ${rig.sim.stats().queueAnswersLost} answers lost, ${rig.sim.stats().runsQueued} runs queued`)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    '12. queue answers lost with webhooks flowing: a run is recognised by its own webhook or its URL in the run list',
    async () => {
      const t = await startCore('direct')
      const runs = await submitWithLostAnswers(t, 'answers lost, webhooks', 10)
      await expectAllDelivered(t, runs)
      note(`case 12: ${rig.sim.stats().queueAnswersLost} answers lost, ${rig.sim.stats().runsQueued} runs queued`)
    },
    CASE_TIMEOUT_MS,
  )
})
