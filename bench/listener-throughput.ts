import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { createCore } from '../src/main/core/create-core'
import { DEPLOYMENT_IDS, startSim } from '../src/sim/index'
import { freePort } from '../test/support/core-fixture'

const REQUESTS = Number(process.env.BENCH_LISTENER_REQUESTS ?? 1500)
const CONCURRENCY = 16
const ROUNDS = 9

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/** Sends `count` POSTs with keep-alive, `CONCURRENCY` at a time; resolves with requests per second. */
async function blast(url: string, bodyFor: (i: number) => string, count: number): Promise<{ rps: number; statuses: Map<number, number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const target = new URL(url)
  const statuses = new Map<number, number>()
  let next = 0
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = bodyFor(i)
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1)
          res.resume().on('end', resolve)
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await one(next++)
    }),
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  return { rps: count / seconds, statuses }
}

/**
 * Webhook listener throughput: parse, validate, dedupe, store the event and apply it in a transaction,
 * against a bare `node:http` server that reads the body and answers 204, with the same client.
 */
export async function benchListenerThroughput(): Promise<void> {
  const bare = createServer((req, res) => {
    req.resume().on('end', () => {
      res.writeHead(204)
      res.end()
    })
  })
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve))
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/hooks/comfydeploy/x`

  const sim = await startSim({ timeScale: 50 }) // the run stays "running" for the whole bench
  const dataDir = await mkdtemp(join(tmpdir(), 'courier-bench-'))
  const port = await freePort()
  const core = createCore({
    dataDir,
    mode: 'web',
    flags: { 'library-dir': join(dataDir, 'library'), tunnel: 'url', 'public-url': `http://127.0.0.1:${port}`, 'listener-port': String(port) },
    env: { COMFYDEPLOY_API_URL: `${sim.url}/api`, COMFYDEPLOY_API_KEY: 'bench' },
    tuning: { safetyPollMs: 600_000, listenerRateLimit: false },
    logSink: () => {},
  })
  try {
    await core.start()
    const submitted = await core.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: {} })
    if (!submitted.ok) throw new Error(submitted.error.message)
    const run = submitted.value
    const db = new Database(join(dataDir, 'courier.db'), { readonly: true })
    const token = (db.prepare('SELECT hook_token FROM runs WHERE id = ?').all(run.id)[0] as { hook_token: string }).hook_token
    db.close()
    const hookUrl = `${core.listenerUrl()}/hooks/comfydeploy/${token}`
    // Each webhook carries new news (a distinct live status), so each is stored and applied, not deduped.
    const bodyFor = (i: number) =>
      JSON.stringify({ event_type: 'run.updated', run_id: run.providerRunId, status: 'running', live_status: `Executing node ${i}`, progress: 0.5, outputs: [] })

    await blast(bareUrl, bodyFor, 500) // warm both paths up
    await blast(hookUrl, bodyFor, 500)
    // The machine's speed drifts (2 shared cores): rounds alternate which side goes first, each round's
    // ratio compares two runs made moments apart, and the medians are reported.
    const peers: number[] = []
    const ours: number[] = []
    const ratios: number[] = []
    const statuses = new Map<number, number>()
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [bareUrl, hookUrl] : [hookUrl, bareUrl]
      const results = new Map<string, Awaited<ReturnType<typeof blast>>>()
      for (const url of order) results.set(url, await blast(url, bodyFor, REQUESTS))
      const peer = results.get(bareUrl)!
      const listener = results.get(hookUrl)!
      peers.push(peer.rps)
      ours.push(listener.rps)
      ratios.push(listener.rps / peer.rps)
      for (const [status, n] of listener.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n)
    }
    const answered = [...statuses].map(([status, n]) => `${n}×${status}`).join(', ')
    console.log(`webhook listener throughput, ${ROUNDS} rounds of ${REQUESTS} POSTs each side, ${CONCURRENCY} at a time over keep-alive (medians)`)
    console.log(`  bare node:http answering 204 (peer)   ${median(peers).toFixed(0).padStart(6)} req/s`)
    console.log(`  listener: validate + store + apply    ${median(ours).toFixed(0).padStart(6)} req/s  (answers: ${answered})`)
    console.log(`  ratio listener / bare = ${median(ratios).toFixed(2)}×  (median of the rounds' ratios: ${[...ratios].sort((a, b) => a - b).map((r) => r.toFixed(2)).join(' ')}; goal ≥ 0.5×)`)
  } finally {
    await core.stop()
    await sim.close()
    await new Promise((resolve) => bare.close(resolve))
    await rm(dataDir, { recursive: true, force: true })
  }
}
