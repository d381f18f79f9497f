import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TunnelStatus } from '@shared/delivery'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTunnelServer, type TunnelServer } from '../../../../test/support/tunnel-server'
import type { Logger } from '../log/logger'
import { TunnelSupervisor, type TunnelSupervisorOptions } from './tunnel-supervisor'

const INSTANCE = 'instance-under-test'

type HealthMode = 'ok' | 'wrong-instance' | 'fail-once' | 'hang'

interface Local {
  port: number
  mode: HealthMode
  /** Every `/healthz` request, with the reminder-bypass header it carried. */
  hits: Array<{ bypass: string | undefined }>
  close(): Promise<void>
}

/** A stand-in for the hook listener: answers `/healthz` as it does, or wrongly, as the test says. */
async function startLocal(): Promise<Local> {
  const held: http.ServerResponse[] = []
  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
  }
  const local: Local = {
    port: 0,
    mode: 'ok',
    hits: [],
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
  const server = http.createServer((req, res) => {
    if (req.url !== '/healthz') return answer(res, 404, { error: 'not found' })
    const bypass = req.headers['bypass-tunnel-reminder']
    local.hits.push({ bypass: Array.isArray(bypass) ? bypass.join(',') : bypass })
    switch (local.mode) {
      case 'hang':
        held.push(res)
        return
      case 'fail-once':
        local.mode = 'ok'
        return answer(res, 503, { error: 'busy' })
      case 'wrong-instance':
        return answer(res, 200, { ok: true, service: 'comfy-courier', instance: 'somebody-else' })
      case 'ok':
        return answer(res, 200, { ok: true, service: 'comfy-courier', instance: INSTANCE })
    }
  })
  // As the real listener does: localtunnel's idle pre-opened sockets must not get Node's 408s.
  server.headersTimeout = 0
  server.requestTimeout = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  local.port = (server.address() as { port: number }).port
  return local
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet }

/** Resolves when `check()` holds, checked every 20 ms; fails with `describe()` after `timeoutMs`. */
async function until(check: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not met in ${timeoutMs} ms: ${describe()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

interface Harness {
  supervisor: TunnelSupervisor
  statuses: TunnelStatus[]
  urlChanges: Array<[string, string | null]>
  /** Resolves with the first status (the current one included) that `predicate` accepts. */
  next(predicate: (status: TunnelStatus) => boolean, timeoutMs?: number): Promise<TunnelStatus>
  up(timeoutMs?: number): Promise<string>
}

function harness(local: Local, options: Partial<TunnelSupervisorOptions> = {}): Harness {
  const statuses: TunnelStatus[] = []
  const urlChanges: Array<[string, string | null]> = []
  const waiters = new Set<(status: TunnelStatus) => void>()
  const supervisor = new TunnelSupervisor({
    listenerPort: () => local.port,
    instanceId: INSTANCE,
    log: quiet,
    onChange: (status) => {
      statuses.push(status)
      for (const waiter of [...waiters]) waiter(status)
    },
    onUrlChanged: (previous, next) => urlChanges.push([previous, next]),
    openTimeoutMs: 3000,
    maxBackoffMs: 400,
    healthIntervalMs: 200,
    healthTimeoutMs: 300,
    ...options,
  })
  const next = (predicate: (status: TunnelStatus) => boolean, timeoutMs = 10_000) =>
    new Promise<TunnelStatus>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no matching tunnel status in ${timeoutMs} ms; saw ${JSON.stringify(statuses)}`))
      }, timeoutMs)
      const check = (status: TunnelStatus) => {
        if (!predicate(status)) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve(status)
      }
      waiters.add(check)
      check(supervisor.status())
    })
  return {
    supervisor,
    statuses,
    urlChanges,
    next,
    up: async (timeoutMs) => (await next((s) => s.state === 'up', timeoutMs)).publicUrl ?? '',
  }
}

const wish = (host: string) => ({ mode: 'localtunnel' as const, host, publicUrl: null, needed: true })

describe('TunnelSupervisor with the real localtunnel client and the loopback tunnel server', () => {
  let server: TunnelServer
  let local: Local
  let h: Harness | null = null

  beforeEach(async () => {
    ;[server, local] = await Promise.all([startTunnelServer(), startLocal()])
  })
  afterEach(async () => {
    await h?.supervisor.stop()
    h = null
    await server.close()
    await local.close()
  })

  it('comes up with the public URL and keeps checking it end to end with the bypass header', async () => {
    h = harness(local)
    h.supervisor.configure(wish(server.url))
    expect(h.statuses[0]).toMatchObject({ mode: 'localtunnel', state: 'connecting', publicUrl: null })
    const url = await h.up()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.clients().map((c) => c.url)).toEqual([url])
    expect(h.supervisor.publicUrl()).toBe(url)
    expect(h.supervisor.status()).toEqual({ mode: 'localtunnel', state: 'up', publicUrl: url, error: null, retryAt: null, address: server.url })

    await until(() => local.hits.length >= 3, () => `${local.hits.length} health checks`)
    expect(local.hits.every((hit) => hit.bypass === '1')).toBe(true)
    expect(h.statuses.map((s) => s.state)).toEqual(['connecting', 'up'])
    expect(h.urlChanges).toEqual([])
  })

  it('goes down when the tunnel server closes, and back up when one listens on the same port again', async () => {
    h = harness(local)
    h.supervisor.configure(wish(server.url))
    const first = await h.up()
    const port = Number(new URL(server.url).port)

    await server.close()
    const down = await h.next((s) => s.state === 'down')
    expect(down.error).toMatch(/tunnel connection error: connection refused/)
    // The reason alone: when the next try comes is `retryAt`.
    expect(down.error).not.toMatch(/retrying/)
    expect(down.publicUrl).toBeNull()
    expect(h.supervisor.publicUrl()).toBeNull()
    // Runs told the old URL are switched to polling by create-core on this call.
    expect(h.urlChanges).toEqual([[first, null]])

    // Still down while nothing listens: the retries fail and back off.
    await h.next((s) => s.state === 'down' && /unreachable: ECONNREFUSED/.test(s.error ?? ''))

    server = await startTunnelServer({ port })
    const second = await h.up()
    expect(server.clients().map((c) => c.url)).toEqual([second])
    await until(() => local.hits.length >= 1, () => 'no health check through the new URL')
    expect(h.supervisor.status().state).toBe('up')
  })

  it('while down it says when it tries again, and retryNow() tries at once instead of waiting', async () => {
    // A long first wait, so only retryNow() can bring it back within the test.
    h = harness(local, { firstBackoffMs: 40_000, maxBackoffMs: 60_000 })
    h.supervisor.configure(wish(server.url))
    await h.up()
    const port = Number(new URL(server.url).port)

    const closedAt = Date.now()
    await server.close()
    const down = await h.next((s) => s.state === 'down')
    expect(down).toMatchObject({ error: expect.stringMatching(/^tunnel connection error: connection refused/), publicUrl: null, address: server.url })
    // 0.5–1 × the first wait, counted from when it went down.
    expect(down.retryAt).toBeGreaterThanOrEqual(closedAt + 20_000)
    expect(down.retryAt).toBeLessThanOrEqual(Date.now() + 40_000)

    server = await startTunnelServer({ port })
    const asked = h.supervisor.retryNow()
    expect(asked).toMatchObject({ state: 'connecting', retryAt: null, address: server.url })
    const url = await h.up(5000)
    expect(server.clients().map((c) => c.url)).toEqual([url])
    expect(h.supervisor.status()).toMatchObject({ state: 'up', error: null, retryAt: null })
  })

  it('retryNow() changes nothing while the tunnel is up, or off', async () => {
    h = harness(local)
    h.supervisor.configure(wish(server.url))
    const url = await h.up()
    const seen = h.statuses.length
    expect(h.supervisor.retryNow()).toMatchObject({ state: 'up', publicUrl: url })
    expect(h.statuses).toHaveLength(seen)
    expect(server.clients()).toHaveLength(1)

    h.supervisor.configure({ mode: 'off', host: null, publicUrl: null, needed: true })
    expect(h.supervisor.retryNow()).toEqual({ mode: 'off', state: 'off', publicUrl: null, error: null, retryAt: null, address: null })
  })

  it('after restart() of the tunnel server (clients forgotten) reconnects and reports the new URL', async () => {
    h = harness(local)
    h.supervisor.configure(wish(server.url))
    const first = await h.up()
    await server.restart()
    await h.next((s) => s.state === 'down')
    const second = await h.up()
    expect(server.clients().map((c) => c.url)).toEqual([second])
    expect(h.urlChanges).toEqual([[first, null]])
  })

  it('a public URL answered by another instance is a silent death: down, then up on a new URL', async () => {
    h = harness(local)
    h.supervisor.configure(wish(server.url))
    const first = await h.up()
    const [client] = server.clients()

    local.mode = 'wrong-instance'
    const down = await h.next((s) => s.state === 'down')
    // The client never noticed anything: its sockets were still connected when we gave up on it.
    expect(down.error).toMatch(/^the public URL stopped reaching this app: another Comfy Courier answers there, not this one$/)
    expect(h.urlChanges).toEqual([[first, null]])
    local.mode = 'ok'

    const second = await h.up()
    expect(second).not.toBe(first)
    const ids = server.clients().map((c) => c.id)
    expect(ids).toContain(client!.id) // the server never heard that the old client left
    expect(ids).toHaveLength(2)
    const hits = local.hits.length
    await until(() => local.hits.length >= hits + 2, () => 'no health check after the reconnect')
    expect(h.supervisor.status()).toEqual({ mode: 'localtunnel', state: 'up', publicUrl: second, error: null, retryAt: null, address: server.url })
  })

  it('one failed check is tolerated; two unanswered checks in a row are a silent death', async () => {
    h = harness(local)
    h.supervisor.configure(wish(server.url))
    const first = await h.up()

    local.mode = 'fail-once'
    await until(() => local.hits.length >= 4 && local.mode === 'ok', () => `${local.hits.length} checks, mode ${local.mode}`)
    expect(h.statuses.map((s) => s.state)).toEqual(['connecting', 'up'])

    local.mode = 'hang'
    const down = await h.next((s) => s.state === 'down')
    expect(down.error).toMatch(/^the public URL stopped reaching this app: no answer within 0\.3 s$/)
    expect(h.urlChanges).toEqual([[first, null]])
    local.mode = 'ok'
    expect(await h.up()).not.toBe(first)
  })

  it('a refused tunnel request shows connecting, then down with the server\'s message, then up', async () => {
    h = harness(local)
    server.failNextNew(2, 'no capacity (simulated)')
    h.supervisor.configure(wish(server.url))
    await h.up()
    expect(h.statuses.map((s) => s.state)).toEqual(['connecting', 'down', 'connecting', 'down', 'connecting', 'up'])
    expect(h.statuses[1]!.error).toMatch(/^no capacity \(simulated\)$/)
    expect(server.clients()).toHaveLength(1)
  })

  it('bounds open(): a tunnel server that never answers means down, not a hang', async () => {
    const silent = http.createServer(() => {}) // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      h = harness(local, { openTimeoutMs: 300 })
      h.supervisor.configure(wish(`http://127.0.0.1:${(silent.address() as { port: number }).port}`))
      const down = await h.next((s) => s.state === 'down', 5000)
      expect(down.error).toMatch(/did not (answer|open) (in time|within 0\.3 s)/)
    } finally {
      await h?.supervisor.stop()
      silent.closeAllConnections()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('a new wish abandons the old tunnel: off closes it and reports the URL gone', async () => {
    h = harness(local)
    h.supervisor.configure(wish(server.url))
    const first = await h.up()
    h.supervisor.configure({ mode: 'off', host: null, publicUrl: null, needed: true })
    expect(h.supervisor.status()).toEqual({ mode: 'off', state: 'off', publicUrl: null, error: null, retryAt: null, address: null })
    expect(h.urlChanges).toEqual([[first, null]])
    await server.waitFor((clients) => clients.every((c) => c.idleSockets + c.busySockets === 0))
  })

  it('stop() leaves nothing behind: a process using the supervisor exits by itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tunnel-supervisor-'))
    try {
      const script = join(dir, 'child.mts')
      await writeFile(script, childScript())
      const root = fileURLToPath(new URL('../../../../', import.meta.url))
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          reject(new Error(`the child did not exit by itself within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`))
        }, 20_000)
        child.once('exit', (exitCode) => {
          clearTimeout(timer)
          resolve(exitCode)
        })
      })
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { phases: unknown[]; resources: string[] }
      // Right after each stop(), with the servers still up: no timer of ours is left.
      expect(report.phases).toEqual([
        { phase: 'next check scheduled', timers: 0 },
        { phase: 'health check in flight', timers: 0 },
        { phase: 'open in flight', timers: 0 },
        { phase: 'retry pending', timers: 0 },
      ])
      // Nothing that keeps the event loop alive: no timer, no socket, no server.
      expect(report.resources.filter((r) => /Timeout|TCP|Immediate/.test(r))).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

/**
 * Runs in a child process: stops a supervisor in each of its busy moments (the next check 60 s away, a
 * health check in flight with a 30 s deadline, an open in flight with a 60 s bound, a retry pending) and counts the timers left right
 * after, while its servers still run (closing them would end the requests, and so hide a forgotten timer);
 * then closes them and reports what still keeps the event loop alive. The parent also checks the process
 * ends without being told to.
 */
function childScript(): string {
  const supervisorModule = new URL('./tunnel-supervisor.ts', import.meta.url).href
  const serverModule = new URL('../../../../test/support/tunnel-server.ts', import.meta.url).href
  return `
import http from 'node:http'
import net from 'node:net'
import { TunnelSupervisor } from ${JSON.stringify(supervisorModule)}
import { startTunnelServer } from ${JSON.stringify(serverModule)}

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet }
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
const shut = (server) => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections?.() })
const until = async (check) => { const t = Date.now(); while (!check()) { if (Date.now() - t > 10000) throw new Error('child: timed out'); await new Promise((r) => setTimeout(r, 20)) } }

let hangs = 0
const local = http.createServer((req, res) => { hangs++ }) // every request hangs
local.headersTimeout = 0
local.requestTimeout = 0
const localPort = await listen(local)
let opens = 0
const silent = http.createServer(() => { opens++ }) // a tunnel server that never answers /?new
const silentPort = await listen(silent)
// A tunnel server whose client sockets go to a sink and whose public URL is the hanging server: closing
// the client cannot end a health check in flight there, only the supervisor's own abort can.
const held = []
const sink = net.createServer((socket) => held.push(socket))
const sinkPort = await listen(sink)
const detached = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ id: 'detached', ip: '127.0.0.1', port: sinkPort, max_conn_count: 1, url: 'http://127.0.0.1:' + localPort }))
})
const detachedPort = await listen(detached)
const tunnelServer = await startTunnelServer()
const phases = []
// Timers only: the servers this script still runs are meant to be open until the end.
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length
const settle = () => new Promise((r) => setTimeout(r, 100))

const make = (host, extra = {}) => {
  let status = null
  const supervisor = new TunnelSupervisor({
    listenerPort: () => localPort, instanceId: 'x', log: quiet,
    onChange: (s) => { status = s }, onUrlChanged: () => {},
    openTimeoutMs: 60000, healthIntervalMs: 50, healthTimeoutMs: 30000, ...extra,
  })
  supervisor.configure({ mode: 'localtunnel', host, publicUrl: null, needed: true })
  return { supervisor, status: () => status }
}

const a = make(tunnelServer.url, { healthIntervalMs: 60000 })
await until(() => a.status()?.state === 'up')
await a.supervisor.stop()
await settle()
phases.push({ phase: 'next check scheduled', timers: timers() })

const b = make('http://127.0.0.1:' + detachedPort)
await until(() => hangs > 0)
await b.supervisor.stop()
await settle()
phases.push({ phase: 'health check in flight', timers: timers() })

const c = make('http://127.0.0.1:' + silentPort)
await until(() => opens > 0)
await c.supervisor.stop()
await settle()
phases.push({ phase: 'open in flight', timers: timers() })

const gone = http.createServer()
const refused = await listen(gone)
await shut(gone) // nothing listens there now: every open is refused at once
const d = make('http://127.0.0.1:' + refused, { maxBackoffMs: 60000 })
await until(() => d.status()?.state === 'down')
await d.supervisor.stop()
await settle()
phases.push({ phase: 'retry pending', timers: timers() })

for (const socket of held) socket.destroy()
await Promise.all([tunnelServer.close(), shut(local), shut(silent), shut(detached), new Promise((r) => sink.close(r))])
await settle()
process.stdout.write(JSON.stringify({ phases, resources: process.getActiveResourcesInfo() }) + '\\n')
`
}
