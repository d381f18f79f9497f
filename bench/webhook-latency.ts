import { mkdtemp, rm } from 'node:fs/promises'
import { Agent, createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src/main/core/create-core'
import type { Core } from '../src/main/core/core-types'
import { startWebHost, type WebHost } from '../src/main/web/web-host'
import type { CourierEvent } from '../src/shared/events'
import { DEPLOYMENT_IDS } from '../src/sim/index'
import { freePort } from '../test/support/core-fixture'
import { startSimProcess } from '../test/support/ready-process'

const RUNS = Number(process.env.BENCH_RUNS ?? 200)
const BATCH = Number(process.env.BENCH_BATCH ?? 20)
const TOKEN = 'bench-token-0123456789abcdefghijkl'
const clock = () => performance.timeOrigin + performance.now()

/**
 * The provider's status words that start each normalized state we time. `queued` is left out: the app
 * shows it from the submit reply, before the service's own queued webhook.
 */
const STATE_OF: Record<string, string> = { started: 'running', success: 'succeeded' }


interface Seen {
  at: number
  status: string
  liveStatus: string | null
}

/** A plain SSE reader: records every `run.updated` the client receives, per provider run id. */
async function subscribeSse(origin: string, seen: Map<string, Seen[]>, signal: AbortSignal): Promise<void> {
  const response = await fetch(`${origin}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal })
  void (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of response.body!) {
        const at = clock()
        buffer += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '))
          buffer = buffer.slice(end + 2)
          if (!data) continue
          const event = JSON.parse(data.slice(6)) as CourierEvent
          if (event.type !== 'run.updated' || !event.run.providerRunId) continue
          const list = seen.get(event.run.providerRunId) ?? []
          list.push({ at, status: event.run.status, liveStatus: event.run.liveStatus })
          seen.set(event.run.providerRunId, list)
        }
      }
    } catch {
      // aborted at the end of the bench
    }
  })()
}

/** When the client first saw a run in `state`, or, with `news`, first saw any sign of it. */
function firstSeen(seen: Map<string, Seen[]>, id: string, state: string, news = false): number | undefined {
  return seen.get(id)?.find((e) => e.status === state || (news && state === 'succeeded' && /reports succeeded/.test(e.liveStatus ?? '')))?.at
}

/**
 * The front door of the webhook side: stamps when each webhook reaches this machine, then forwards it to
 * the listener, as the tunnel does. Forwarding costs a little, so figures measured from here are, if
 * anything, pessimistic.
 */
async function startFrontDoor(listenerPort: number, arrived: Map<string, number>): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const server = createServer((req, res) => {
    const at = clock()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      try {
        const { run_id: runId, status } = JSON.parse(body.toString('utf8')) as { run_id?: string; status?: string }
        if (runId && status && !arrived.has(`${runId}|${status}`)) arrived.set(`${runId}|${status}`, at)
      } catch {
        // not a webhook body: forwarded all the same
      }
      const forward = request(
        { agent, host: '127.0.0.1', port: listenerPort, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      forward.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      agent.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

interface Side {
  core: Core
  host: WebHost
  dataDir: string
}

async function startSide(sim: { url: string }, flags: Record<string, string>, tuning: Parameters<typeof createCore>[0]['tuning']): Promise<Side> {
  const dataDir = await mkdtemp(join(tmpdir(), 'courier-bench-'))
  const core = createCore({
    dataDir,
    mode: 'web',
    flags: { 'library-dir': join(dataDir, 'library'), ...flags },
    env: { COMFYDEPLOY_API_URL: `${sim.url}/api`, COMFYDEPLOY_API_KEY: 'bench' },
    tuning,
    logSink: () => {},
  })
  await core.start()
  const host = await startWebHost({ core, port: 0, rendererDir: dataDir, token: TOKEN })
  return { core, host, dataDir }
}

/** Runs in batches of BATCH, each batch to its end before the next: a busy creator, not a load test. */
async function runAll(side: Side, seen: Map<string, Seen[]>): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < RUNS; i += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, RUNS - i) }, (_, j) =>
        side.core.call('runs.submit', {
          provider: 'comfydeploy',
          deploymentId: DEPLOYMENT_IDS.dreamscape,
          inputs: { positive_prompt: `bench ${i + j}`, seed: i + j },
        }),
      ),
    )
    const batchIds = batch.map((result) => {
      if (!result.ok) throw new Error(`submit failed: ${result.error.message}`)
      if (result.value.providerRunId === null) throw new Error(`run ${result.value.id} was submitted without the service's run id`)
      return result.value.providerRunId
    })
    await waitUntil(() => batchIds.every((id) => firstSeen(seen, id, 'succeeded') !== undefined), 60_000)
    ids.push(...batchIds)
  }
  return ids
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('bench timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/** From a stamp per `${id}|${provider word}` to when the client first saw the matching state (or its news). */
function latencies(ids: string[], from: Map<string, number>, seen: Map<string, Seen[]>, opts: { only?: string; news?: boolean } = {}): number[] {
  const out: number[] = []
  for (const id of ids) {
    for (const [word, state] of Object.entries(STATE_OF)) {
      if (opts.only !== undefined && state !== opts.only) continue
      const at = from.get(`${id}|${word}`)
      const got = firstSeen(seen, id, state, opts.news)
      if (at !== undefined && got !== undefined) out.push(got - at)
    }
  }
  return out.sort((a, b) => a - b)
}

/**
 * Webhook → SSE latency: from the simulator writing a status webhook to that state reaching an SSE client
 * of the web host, over RUNS runs; beside a client that learns the same changes by polling every 2 s.
 */
export async function benchWebhookLatency(): Promise<void> {
  // The simulator runs in its own process, as a real service would: its image making must not load
  // the event loop being measured. It stamps each webhook's send time; we read them at the end.
  const simProcess = await startSimProcess(0.2)
  const sim = { url: simProcess.ready.url }
  // The polling side gets its webhooks swallowed by a sink, so the simulator still stamps when each
  // change happened while that core only learns of it by polling.
  const sink: Server = createServer((req, res) => req.resume().on('end', () => res.end('{}')))
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`

  const listenerPort = await freePort()
  const arrived = new Map<string, number>()
  const frontDoor = await startFrontDoor(listenerPort, arrived)
  const hooked = await startSide(sim, { tunnel: 'url', 'public-url': frontDoor.url, 'listener-port': String(listenerPort) }, { safetyPollMs: 600_000 })
  const polled = await startSide(sim, { tunnel: 'url', 'public-url': sinkUrl }, { pollIntervalMs: 2000, safetyPollMs: 2000 })
  const stop = new AbortController()
  const hookSeen = new Map<string, Seen[]>()
  const pollSeen = new Map<string, Seen[]>()
  await subscribeSse(hooked.host.origin, hookSeen, stop.signal)
  await subscribeSse(polled.host.origin, pollSeen, stop.signal)

  try {
    const hookIds = await runAll(hooked, hookSeen)
    const pollIds = await runAll(polled, pollSeen)
    const log = (await (await fetch(`${sim.url}/__sim/webhook-log`)).json()) as { attempts: { runId: string; status: string; sentAt: number }[] }
    const sent = new Map<string, number>()
    for (const { runId, status, sentAt } of log.attempts) if (!sent.has(`${runId}|${status}`)) sent.set(`${runId}|${status}`, sentAt)
    const ms = (x: number) => (Number.isNaN(x) ? '—'.padStart(7) : x.toFixed(1).padStart(7))
    const row = (name: string, xs: number[], goal = '') =>
      `  ${name.padEnd(38)} n=${String(xs.length).padStart(4)}  p50=${ms(percentile(xs, 50))} ms  p99=${ms(percentile(xs, 99))} ms${goal}` +
      (xs.length === 0 ? '  (never seen in this state: it passed between two polls)' : '')

    const news = latencies(hookIds, arrived, hookSeen, { news: true })
    console.log(`webhook → UI latency, ${RUNS} runs, ${BATCH} at a time × 2 webhooks (running, final)`)
    console.log('  from the webhook reaching this machine to the SSE client showing its news:')
    console.log(row('news shown (running, final reported)', news, '  (goal p99 ≤ 100 ms)'))
    console.log(row('  running', latencies(hookIds, arrived, hookSeen, { only: 'running' })))
    console.log(row('  final reported', latencies(hookIds, arrived, hookSeen, { only: 'succeeded', news: true })))
    console.log(row('  final confirmed (after our GET)', latencies(hookIds, arrived, hookSeen, { only: 'succeeded' })))
    const hook = latencies(hookIds, sent, hookSeen, { news: true })
    const poll = latencies(pollIds, sent, pollSeen)
    console.log('  end to end, from the service sending (includes the simulator process and the front door):')
    console.log(row('webhooks (this app)', hook))
    console.log(row('2 s poller (peer)', poll))
    console.log(`  ratio p50: poller / webhooks = ${(percentile(poll, 50) / percentile(hook, 50)).toFixed(0)}×`)
  } finally {
    stop.abort()
    for (const side of [hooked, polled]) {
      await side.host.close()
      await side.core.stop()
      await rm(side.dataDir, { recursive: true, force: true })
    }
    await frontDoor.close()
    await new Promise((resolve) => sink.close(resolve))
    await simProcess.stop()
  }
}
