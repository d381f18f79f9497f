import http from 'node:http'
import localtunnel from 'localtunnel'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTunnelServer, type TunnelServer } from './support/tunnel-server'

interface Local {
  port: number
  received: Array<{ method: string; path: string; body: string }>
  close(): Promise<void>
}

/** The "app": a local HTTP server that echoes what it got, so a test sees both directions. */
async function startLocal(): Promise<Local> {
  const received: Local['received'] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      received.push({ method: req.method ?? '', path: req.url ?? '', body })
      const answer = JSON.stringify({ echo: body })
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    port: address.port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A one-shot POST with its own connection, so no pooled socket outlives a dropped tunnel. */
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

type Tunnel = Awaited<ReturnType<typeof localtunnel>>

describe('loopback tunnel server with the real localtunnel client', () => {
  let server: TunnelServer
  let local: Local
  const tunnels: Tunnel[] = []
  const errors: Error[] = []

  async function open(): Promise<Tunnel> {
    const tunnel = await localtunnel({ port: local.port, host: server.url, local_host: '127.0.0.1' })
    // The client emits 'error' when a reconnect is refused; without a listener that would crash the run.
    tunnel.on('error', (e: Error) => errors.push(e))
    tunnels.push(tunnel)
    return tunnel
  }

  beforeEach(async () => {
    errors.length = 0
    ;[server, local] = await Promise.all([startTunnelServer(), startLocal()])
  })
  afterEach(async () => {
    for (const t of tunnels.splice(0)) t.close()
    await server.close()
    await local.close()
  })

  it('carries a request through and survives dropped sockets', async () => {
    const tunnel = await open()
    expect(tunnel.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const [info] = await server.waitFor((c) => c.length === 1 && c[0]!.idleSockets === 10)
    expect(info!.url).toBe(tunnel.url)

    const first = await post(`${tunnel.url}/hook/abc?x=1`, '{"n":1}')
    expect(first).toEqual({ status: 200, body: JSON.stringify({ echo: '{"n":1}' }) })
    expect(local.received).toEqual([{ method: 'POST', path: '/hook/abc?x=1', body: '{"n":1}' }])

    server.dropSockets()
    await server.waitFor((c) => c[0]!.idleSockets === 10)
    const second = await post(`${tunnel.url}/hook/abc`, '{"n":2}')
    expect(second.status).toBe(200)
    expect(local.received.at(-1)?.body).toBe('{"n":2}')
    expect(errors).toEqual([])
  })

  it('answers 502 when the client has no socket within the wait', async () => {
    const quick = await startTunnelServer({ socketWaitMs: 100 })
    try {
      const tunnel = await localtunnel({ port: local.port, host: quick.url, local_host: '127.0.0.1' })
      tunnel.on('error', (e: Error) => errors.push(e))
      await quick.waitFor((c) => c[0]?.idleSockets === 10)
      tunnel.close()
      await quick.waitFor((c) => c[0]?.idleSockets === 0)
      expect((await post(tunnel.url, '{}')).status).toBe(502)
    } finally {
      await quick.close()
    }
  })

  it('makes the client retry after a failed /?new', async () => {
    server.failNextNew(1)
    const tunnel = await open()
    expect(server.clients().map((c) => c.url)).toEqual([tunnel.url])
    expect((await post(tunnel.url, '"retried"')).status).toBe(200)
  })

  it('honours a requested subdomain as the id', async () => {
    const tunnel = await localtunnel({ port: local.port, host: server.url, local_host: '127.0.0.1', subdomain: 'courier-test' })
    tunnel.on('error', (e: Error) => errors.push(e))
    tunnels.push(tunnel)
    expect(server.clients()[0]?.id).toBe('courier-test')
  })

  it('after restart() the old tunnel dies with an error and a new one gets a new URL', async () => {
    const old = await open()
    await server.waitFor((c) => c[0]?.idleSockets === 10)
    await server.restart()
    expect(server.clients()).toEqual([])
    await expect.poll(() => errors.length, { timeout: 5000 }).toBeGreaterThan(0)
    expect(errors[0]?.message).toMatch(/connection refused/)

    const fresh = await open()
    expect(fresh.url).not.toBe(old.url)
    expect((await post(fresh.url, '"after restart"')).status).toBe(200)
  })
})
