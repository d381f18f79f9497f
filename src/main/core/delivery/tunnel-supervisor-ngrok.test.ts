import http from 'node:http'
import type { TunnelStatus } from '@shared/delivery'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeNgrok } from '../../../../test/support/fake-ngrok'
import type { Logger } from '../log/logger'
import { NO_NGROK_AUTHTOKEN } from './ngrok-client'
import { TunnelSupervisor, type TunnelWish } from './tunnel-supervisor'

const INSTANCE = 'instance-under-test'
const TOKEN = '2Xq7TestAuthtokenAbcdefghij_5LmNoPqRsTuVwXyZ01234'

/** A stand-in for the hook listener: answers `/healthz` as it does. */
async function startLocal(): Promise<{ port: number; hits: number; close(): Promise<void> }> {
  const local = {
    port: 0,
    hits: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
  const server = http.createServer((req, res) => {
    if (req.url !== '/healthz') return res.writeHead(404).end()
    local.hits++
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, service: 'comfy-courier', instance: INSTANCE }))
  })
  server.headersTimeout = 0
  server.requestTimeout = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  local.port = (server.address() as { port: number }).port
  return local
}

/** Keeps every line the supervisor logs, with its fields, exactly as handed over (before any redaction). */
function recordingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields }))
  const log: Logger = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: () => log }
  return log
}

async function until(check: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not met in ${timeoutMs} ms: ${describe()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const wish = (authtoken: string | null = TOKEN, domain: string | null = null): TunnelWish => ({
  mode: 'ngrok',
  host: null,
  publicUrl: null,
  ngrok: { authtoken, domain },
  needed: true,
})

/** An error shaped like the library's: the service's message, with the token quoted, and its code. */
function ngrokError(message: string, code: string | null): Error {
  const error = new Error(code ? `${message}\n\nerror_code: ${code}` : message) as Error & { errorCode?: string }
  if (code) error.errorCode = code
  return error
}

describe('TunnelSupervisor in ngrok mode, with a fake @ngrok/ngrok on loopback', () => {
  let local: Awaited<ReturnType<typeof startLocal>>
  let fake: FakeNgrok
  let loads: number
  let supervisor: TunnelSupervisor
  let statuses: TunnelStatus[]
  let urlChanges: Array<[string, string | null]>
  let logs: string[]

  const make = (openTimeoutMs = 3000) => {
    supervisor = new TunnelSupervisor({
      listenerPort: () => local.port,
      instanceId: INSTANCE,
      log: recordingLogger(logs),
      onChange: (status) => statuses.push(status),
      onUrlChanged: (previous, next) => urlChanges.push([previous, next]),
      openTimeoutMs,
      maxBackoffMs: 300,
      healthIntervalMs: 150,
      healthTimeoutMs: 300,
      loadNgrok: async () => {
        loads++
        return fake
      },
    })
    return supervisor
  }
  const next = async (predicate: (s: TunnelStatus) => boolean, after = 0): Promise<TunnelStatus> => {
    await until(
      () => statuses.slice(after).some(predicate),
      () => JSON.stringify(statuses),
    )
    return statuses.slice(after).find(predicate) as TunnelStatus
  }
  /** No status, log line or URL change ever carried the token. */
  const tokenNowhere = () => {
    expect(JSON.stringify(statuses)).not.toContain(TOKEN)
    expect(JSON.stringify(urlChanges)).not.toContain(TOKEN)
    expect(logs.join('\n')).not.toContain(TOKEN)
    expect(JSON.stringify(supervisor.status())).not.toContain(TOKEN)
  }

  beforeEach(async () => {
    local = await startLocal()
    fake = new FakeNgrok()
    loads = 0
    statuses = []
    urlChanges = []
    logs = []
  })
  afterEach(async () => {
    await supervisor.stop()
    fake.release()
    await fake.closeAll()
    await local.close()
  })

  it('goes connecting → up with the URL ngrok gives, forwards to the listener, and passes the health check', async () => {
    make().configure(wish(TOKEN, 'hooks.example.ngrok.app'))
    expect(statuses[0]).toMatchObject({ mode: 'ngrok', state: 'connecting', publicUrl: null })
    const up = await next((s) => s.state === 'up')
    const [listener] = fake.listeners
    expect(up).toEqual({ mode: 'ngrok', state: 'up', publicUrl: listener!.url(), error: null, retryAt: null, address: 'hooks.example.ngrok.app' })
    expect(supervisor.publicUrl()).toBe(listener!.url())
    expect(fake.forwards).toHaveLength(1)
    expect(fake.forwards[0]).toMatchObject({
      addr: `127.0.0.1:${local.port}`,
      authtoken: TOKEN,
      domain: 'hooks.example.ngrok.app',
      force_new_session: true,
    })

    // Checked end to end through the (fake) public URL, and still up.
    await until(() => local.hits >= 3, () => `${local.hits} health checks`)
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'up'])
    expect(urlChanges).toEqual([])
    tokenNowhere()
  })

  it('without a domain, sends none', async () => {
    make().configure(wish(TOKEN, null))
    await next((s) => s.state === 'up')
    expect('domain' in fake.forwards[0]!).toBe(false)
  })

  it('a listener that dies silently fails the health check: down, then up again on a new URL', async () => {
    make().configure(wish())
    const first = (await next((s) => s.state === 'up')).publicUrl
    const mark = statuses.length

    await fake.listeners[0]!.vanish()
    const down = await next((s) => s.state === 'down', mark)
    expect(down.error).toMatch(/^the public URL stopped reaching this app: ECONNREFUSED$/)
    expect(urlChanges).toEqual([[first, null]])

    const up = await next((s) => s.state === 'up', mark)
    expect(up.publicUrl).not.toBe(first)
    expect(fake.forwards).toHaveLength(2)
    // The dead one was closed before the new one opened.
    expect(fake.listeners[0]!.closed).toBe(true)
    expect(fake.live()).toHaveLength(1)
    const hits = local.hits
    await until(() => local.hits >= hits + 2, () => 'no health check through the new URL')
    expect(supervisor.status()).toMatchObject({ mode: 'ngrok', state: 'up', publicUrl: up.publicUrl, error: null, retryAt: null })
    tokenNowhere()
  })

  it("the library's 'closed' status ends the tunnel at once and the supervisor reconnects", async () => {
    make().configure(wish())
    const first = (await next((s) => s.state === 'up')).publicUrl
    const mark = statuses.length

    await fake.listeners[0]!.drop()
    const down = await next((s) => s.state === 'down', mark)
    expect(down.error).toMatch(/^the ngrok connection was lost$/)
    expect(urlChanges).toEqual([[first, null]])
    const up = await next((s) => s.state === 'up', mark)
    expect(up.publicUrl).not.toBe(first)
    expect(fake.listeners[0]!.closed).toBe(true)
  })

  it('a refused authtoken: down with where to get one, no retries, and the token in no status or log', async () => {
    fake.failures.push(
      ngrokError(
        `failed to start ngrok session: The authtoken you specified is properly formed, but it is invalid.\nYour authtoken: ${TOKEN}\nThis usually happens when:\n    - You reset your authtoken`,
        'ERR_NGROK_107',
      ),
    )
    make().configure(wish())
    const down = await next((s) => s.state === 'down')
    expect(down.error).toBe(
      'ngrok refused the authtoken (ERR_NGROK_107): copy yours from https://dashboard.ngrok.com/get-started/your-authtoken into Settings → ngrok authtoken',
    )
    expect(down.publicUrl).toBeNull()
    // A wrong token stays wrong: no retry until the settings change.
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(fake.forwards).toHaveLength(1)
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'down'])
    expect(logs.some((line) => line.includes('ERR_NGROK_107'))).toBe(true)
    tokenNowhere()

    // A new token applies at once.
    const mark = statuses.length
    supervisor.configure(wish('2Yz9AnotherTokenAbcdefghijk_6MnOpQrStUvWxYz012345'))
    await next((s) => s.state === 'up', mark)
    expect(fake.forwards).toHaveLength(2)
  })

  it('ngrok mode without an authtoken is down with where to put one, and never loads the library', async () => {
    make().configure(wish(null))
    expect(supervisor.status()).toMatchObject({ mode: 'ngrok', state: 'down', publicUrl: null, error: NO_NGROK_AUTHTOKEN, retryAt: null })
    expect(NO_NGROK_AUTHTOKEN).toContain('https://dashboard.ngrok.com/get-started/your-authtoken')
    expect(NO_NGROK_AUTHTOKEN).toContain('Settings')
    expect(NO_NGROK_AUTHTOKEN).toContain('NGROK_AUTHTOKEN')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(loads).toBe(0)
    expect(fake.forwards).toHaveLength(0)
  })

  it('a domain the account may not use: down with what to do, no retries', async () => {
    fake.failures.push(ngrokError('failed to bind listener: This domain is reserved for another account.', 'ERR_NGROK_320'))
    make().configure(wish(TOKEN, 'taken.ngrok.app'))
    const down = await next((s) => s.state === 'down')
    expect(down.error).toBe(
      'ngrok will not serve taken.ngrok.app for this account (ERR_NGROK_320): use a domain reserved at https://dashboard.ngrok.com/domains, or clear the ngrok domain in Settings',
    )
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(fake.forwards).toHaveLength(1)
  })

  it('ngrok unreachable: down with a short reason, retried with backoff until it opens', async () => {
    fake.failures.push(ngrokError('failed to connect session: failed to establish tcp connection', null))
    fake.failures.push(ngrokError('failed to connect session: tls handshake error', null))
    make().configure(wish())
    const down = await next((s) => s.state === 'down')
    expect(down.error).toMatch(/^ngrok service unreachable \(failed to establish tcp connection\): check your internet connection$/)
    await next((s) => s.state === 'down' && /tls handshake error/.test(s.error ?? ''))
    await next((s) => s.state === 'up')
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'down', 'connecting', 'down', 'connecting', 'up'])
    expect(fake.forwards).toHaveLength(3)
  })

  it('bounds the open: a forward that never answers means down, and its late listener is closed', async () => {
    fake.hold()
    make(300).configure(wish())
    const down = await next((s) => s.state === 'down')
    expect(down.error).toMatch(/^the ngrok tunnel did not open within 0\.3 s$/)
    expect(supervisor.publicUrl()).toBeNull()

    // ngrok answers at last: the late listener is closed, and the retry (which waited its turn) opens.
    const mark = statuses.length
    fake.release()
    const up = await next((s) => s.state === 'up', mark)
    await until(() => fake.listeners[0]?.closed === true, () => 'the late listener was left open')
    expect(up.publicUrl).toBe(fake.live()[0]!.url())
    expect(fake.live()).toHaveLength(1)
  })

  it('stop() while opening: the listener that arrives afterwards is closed and nothing changes', async () => {
    fake.hold()
    make().configure(wish())
    await until(() => fake.forwards.length === 1, () => 'forward not called')
    await supervisor.stop()
    const seen = statuses.length
    fake.release()
    await until(() => fake.listeners[0]?.closed === true && fake.disconnects === 1, () => 'the listener or its session was left open')
    expect(statuses).toHaveLength(seen)
  })

  it('switching from ngrok to off closes the listener and the session', async () => {
    make().configure(wish())
    const first = (await next((s) => s.state === 'up')).publicUrl
    supervisor.configure({ mode: 'off', host: null, publicUrl: null, needed: true })
    expect(supervisor.status()).toEqual({ mode: 'off', state: 'off', publicUrl: null, error: null, retryAt: null, address: null })
    expect(urlChanges).toEqual([[first, null]])
    await until(() => fake.disconnects === 1, () => 'no disconnect')
    expect(fake.live()).toHaveLength(0)
  })
})
