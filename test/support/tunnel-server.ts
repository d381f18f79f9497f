/**
 * A loopback stand-in for a localtunnel server, so tests drive the real `localtunnel` client (2.0.2) end to
 * end without the internet. The protocol, as the client reads it (node_modules/localtunnel/lib):
 *
 * 1. `GET {host}/?new` (or `GET {host}/{subdomain}`) → 200 `{id, port, max_conn_count, url, ip}`; any
 *    non-2xx makes the client retry the same GET every second, forever.
 * 2. The client opens `max_conn_count` raw TCP sockets to `ip:port` and pipes each one to its local server;
 *    when one closes it opens another. A refused connection is emitted as an `error` and not retried.
 * 3. Whatever arrives on `url` is pushed down one of those sockets byte for byte, and the answer comes back.
 *
 * Subdomains cannot resolve on loopback, so each client gets its own public port: `url` is
 * `http://127.0.0.1:PUBLICPORT`. Fault switches: `dropSockets()`, `failNextNew()`, `dropClient()`, `restart()`.
 */
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'

export interface TunnelServerOptions {
  /** Interface for every port this server opens; default '127.0.0.1'. */
  host?: string
  /** Main (API) port; default 0 = any free port. */
  port?: number
  /** Sockets each client is asked to keep open; default 10, like localtunnel.me. */
  maxConnCount?: number
  /** How long a public connection waits for a free client socket before getting 502; default 3000 ms. */
  socketWaitMs?: number
  log?: (line: string) => void
}

export interface TunnelClientInfo {
  id: string
  /** The client's public URL, `http://127.0.0.1:PUBLICPORT`. */
  url: string
  /** The port the client connects its raw sockets to. */
  port: number
  /** Client sockets waiting for a public connection. */
  idleSockets: number
  /** Client sockets currently piped to a public connection. */
  busySockets: number
}

export interface TunnelServer {
  /** Pass this as localtunnel's `host` option, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string
  clients(): TunnelClientInfo[]
  /** Resolves once `predicate(clients())` holds (checked on every socket or client change). */
  waitFor(predicate: (clients: TunnelClientInfo[]) => boolean, timeoutMs?: number): Promise<TunnelClientInfo[]>
  /** Destroys every client socket; the client opens new ones at once. Public connections through them die too. */
  dropSockets(): void
  /** The next `count` tunnel requests get 500 `{message}` (the client retries each second). */
  failNextNew(count?: number, message?: string): void
  /** Forgets one client and closes its ports: its sockets die and reconnecting is refused, as after an expiry. */
  dropClient(id: string): Promise<void>
  /** Drops every client and listens again on the same main port (clients must ask again; URLs change). */
  restart(): Promise<void>
  close(): Promise<void>
}

/** Real localtunnel subdomain rule (server `lib/ClientManager` / router). */
const SUBDOMAIN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      if (address === null || typeof address === 'string') return reject(new Error('no TCP port'))
      resolve(address.port)
    })
  })
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    if (server instanceof http.Server) server.closeAllConnections()
  })
}

function randomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('')
}

/** One tunnel client: the port its sockets come in on, and the public port whose traffic they carry. */
class TunnelClient {
  readonly idle: net.Socket[] = []
  readonly busy = new Set<net.Socket>()
  private readonly waiting: Array<(socket: net.Socket) => void> = []
  private readonly publics = new Set<net.Socket>()
  readonly agentServer = net.createServer((socket) => this.addSocket(socket))
  readonly publicServer = net.createServer((socket) => this.route(socket))
  port = 0
  url = ''

  constructor(
    readonly id: string,
    private readonly host: string,
    private readonly socketWaitMs: number,
    private readonly changed: () => void,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    this.port = await listen(this.agentServer, 0, this.host)
    const publicPort = await listen(this.publicServer, 0, this.host)
    this.url = `http://${this.host}:${publicPort}`
  }

  info(): TunnelClientInfo {
    return { id: this.id, url: this.url, port: this.port, idleSockets: this.idle.length, busySockets: this.busy.size }
  }

  private addSocket(socket: net.Socket): void {
    socket.setNoDelay(true)
    socket.on('error', (e) => this.log(`client ${this.id} socket error: ${e.message}`))
    socket.once('close', () => {
      const at = this.idle.indexOf(socket)
      if (at >= 0) this.idle.splice(at, 1)
      this.busy.delete(socket)
      this.changed()
    })
    const waiter = this.waiting.shift()
    if (waiter) waiter(socket)
    else this.idle.push(socket)
    this.changed()
  }

  /** A public connection: pair it with a client socket, waiting a little for one if all are busy. */
  private route(pub: net.Socket): void {
    this.publics.add(pub)
    pub.on('error', (e) => this.log(`client ${this.id} public socket error: ${e.message}`))
    pub.once('close', () => this.publics.delete(pub))

    const idle = this.idle.shift()
    if (idle) return this.pipe(pub, idle)

    let settled = false
    const take = (socket: net.Socket) => {
      settled = true
      clearTimeout(timer)
      this.pipe(pub, socket)
    }
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      this.waiting.splice(this.waiting.indexOf(take), 1)
      const body = 'no tunnel socket available'
      pub.end(
        `HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      )
    }, this.socketWaitMs)
    pub.once('close', () => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      this.waiting.splice(this.waiting.indexOf(take), 1)
    })
    this.waiting.push(take)
  }

  /** Byte-for-byte, both ways; when either side goes, so does the other (the client opens a fresh socket). */
  private pipe(pub: net.Socket, agent: net.Socket): void {
    if (pub.destroyed) {
      this.idle.push(agent)
      return
    }
    this.busy.add(agent)
    this.changed()
    pub.pipe(agent)
    agent.pipe(pub)
    pub.once('close', () => agent.destroy())
    agent.once('close', () => pub.destroy())
  }

  dropSockets(): void {
    for (const socket of [...this.idle, ...this.busy]) socket.destroy()
  }

  async close(): Promise<void> {
    const closing = Promise.all([closeServer(this.agentServer), closeServer(this.publicServer)])
    this.dropSockets()
    for (const pub of this.publics) pub.destroy()
    await closing
  }
}

export async function startTunnelServer(options: TunnelServerOptions = {}): Promise<TunnelServer> {
  const host = options.host ?? '127.0.0.1'
  const maxConnCount = options.maxConnCount ?? 10
  const socketWaitMs = options.socketWaitMs ?? 3000
  const log = options.log ?? (() => {})
  const clients = new Map<string, TunnelClient>()
  const watchers = new Set<() => void>()
  const changed = () => {
    for (const watch of [...watchers]) watch()
  }
  let failures: { count: number; message: string } = { count: 0, message: '' }

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
  }

  async function newClient(requested: string | undefined): Promise<TunnelClient> {
    // As the real server does: a taken subdomain is not an error, the client just gets a random one.
    const id = requested && !clients.has(requested) ? requested : randomId()
    const client = new TunnelClient(id, host, socketWaitMs, changed, log)
    await client.start()
    clients.set(id, client)
    log(`client ${id} → ${client.url} (sockets on ${client.port})`)
    changed()
    return client
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://tunnel.invalid')
    if (req.method !== 'GET') return reply(res, 405, { message: 'method not allowed' })

    if (url.pathname === '/api/status') return reply(res, 200, { tunnels: clients.size })
    const status = /^\/api\/tunnels\/([^/]+)\/status$/.exec(url.pathname)
    if (status) {
      const client = clients.get(status[1] ?? '')
      return client ? reply(res, 200, { connected_sockets: client.idle.length + client.busy.size }) : reply(res, 404, { message: 'Client not found' })
    }

    const wantsNew = url.pathname === '/' && url.searchParams.has('new')
    const requested = url.pathname.slice(1)
    if (!wantsNew && url.pathname === '/') return reply(res, 200, { message: 'loopback tunnel server' })
    if (!wantsNew && (requested.includes('/') || !SUBDOMAIN.test(requested))) {
      return reply(res, 403, { message: 'Invalid subdomain. Subdomains must be lowercase and between 4 and 63 alphanumeric characters.' })
    }
    if (failures.count > 0) {
      failures.count--
      return reply(res, 500, { message: failures.message })
    }
    newClient(wantsNew ? undefined : requested).then(
      (client) =>
        reply(res, 200, {
          id: client.id,
          ip: host,
          port: client.port,
          max_conn_count: maxConnCount,
          url: client.url,
        }),
      (error: unknown) => reply(res, 500, { message: String(error) }),
    )
  })

  const port = await listen(server, options.port ?? 0, host)
  const url = `http://${host}:${port}`

  async function dropAll(): Promise<void> {
    const all = [...clients.values()]
    clients.clear()
    await Promise.all(all.map((c) => c.close()))
    changed()
  }

  let closed = false
  return {
    url,
    clients: () => [...clients.values()].map((c) => c.info()),
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const list = [...clients.values()].map((c) => c.info())
          if (!predicate(list)) return
          done()
          resolve(list)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`tunnel server: condition not met in ${timeoutMs} ms; clients ${JSON.stringify([...clients.values()].map((c) => c.info()))}`))
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          watchers.delete(check)
        }
        watchers.add(check)
        check()
      }),
    dropSockets: () => {
      for (const client of clients.values()) client.dropSockets()
    },
    failNextNew: (count = 1, message = 'tunnel server unavailable (simulated)') => {
      failures = { count, message }
    },
    dropClient: async (id) => {
      const client = clients.get(id)
      if (!client) return
      clients.delete(id)
      await client.close()
      changed()
    },
    restart: async () => {
      await Promise.all([closeServer(server), dropAll()])
      await listen(server, port, host)
      log('restarted')
    },
    close: async () => {
      if (closed) return
      closed = true
      await Promise.all([closeServer(server), dropAll()])
    },
  }
}
