import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { isLoopback } from '../downloads/url-guard'
import type { Logger } from '../log/logger'
import { RateLimiter } from './rate-limit'

export const MAX_HOOK_BODY = 1024 * 1024
const FAMILIES = new Set(['comfydeploy', 'runcomfy'])
const HOOK_PATH = /^\/hooks\/([a-z]+)\/([A-Za-z0-9_-]{1,128})$/
/** After an answer that closes the connection, how long a client that does not read it keeps the socket. */
const CLOSE_GRACE_MS = 1000

export interface HookRequest {
  family: string
  token: string
  body: Buffer
  headers: IncomingHttpHeaders
}
export interface HookAnswer {
  status: number
  body: Record<string, unknown>
}
/** May answer later (ingestion answers once the webhook is stored); the request's deadline no longer runs. */
export type HookHandler = (request: HookRequest) => HookAnswer | Promise<HookAnswer>

export interface HookListener {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export interface HookRateLimit {
  /** Requests a client may make per `perMs` (default 60 per 10 000 ms). */
  requests: number
  perMs: number
  /** How many may come at once; default `requests`. */
  burst?: number
}

export interface HookListenerOptions {
  port: number
  handler: HookHandler
  log: Logger
  /** Answered by `GET /healthz` so the tunnel supervisor can tell our listener from anything else. */
  instanceId: string
  /** From the request's headers to its last body byte; over it → 408 and the connection closes. Default 5000. */
  deadlineMs?: number
  /**
   * From a connection's first byte (or the first byte after an answered request) to the end of the request's
   * headers; over it the socket is destroyed. A connection that sends nothing is left alone. Default 5000.
   */
  headerDeadlineMs?: number
  /** Per-client token bucket over every route but the health one; `false` turns it off. */
  rateLimit?: HookRateLimit | false
  /**
   * True when a hook path names a run we know. Those requests skip the rate limit: all tunnel traffic
   * arrives from loopback, so without this a flood from anyone could lock the services' own webhooks out,
   * and only the holder of a run's unguessable token can send to it.
   */
  isKnownHook?: (family: string, token: string) => boolean
}

export const DEFAULT_HOOK_RATE_LIMIT: Readonly<HookRateLimit> = Object.freeze({ requests: 60, perMs: 10_000 })

/**
 * Who is calling, for the rate limit: the socket's address, unless the request came from loopback with an
 * `x-forwarded-for` (the tunnel in front of us sets it), then its first address.
 */
export function clientKey(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined): string {
  const remote = remoteAddress ?? 'unknown'
  if (forwardedFor === undefined || !remoteAddress || !isLoopback(remoteAddress)) return remote
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor
  const first = header.split(',')[0]?.trim().toLowerCase().slice(0, 64)
  return first ? first : remote
}

/** The path of a request target, or null when it is not a URL at all. */
function pathOf(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://listener').pathname
  } catch {
    return null
  }
}

/** A request announces a body when it is chunked or has a non-zero Content-Length. */
function announcesBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0
}

/** The header deadline of one connection: armed by a byte that arrives between requests, disarmed by a request. */
interface ConnectionWatch {
  requestStarted(): void
  requestDone(): void
  /** After an answer that closes the connection: destroy it if the client does not let it close in time. */
  closeSoon(): void
}

/**
 * The public-facing webhook listener (the tunnel points here). Only `/hooks/{provider}/{token}` and a
 * health route exist; bodies are capped; callers are rate limited; the answer is immediate — slow work
 * happens after it. ComfyDeploy may retry a webhook as GET with the same body, so GET is accepted on the
 * hook path too. Nothing here logs a request's path: it carries the run's secret token.
 */
export async function startHookListener(opts: HookListenerOptions): Promise<HookListener> {
  const deadlineMs = opts.deadlineMs ?? 5000
  const headerDeadlineMs = opts.headerDeadlineMs ?? 5000
  for (const [name, ms] of [['deadlineMs', deadlineMs], ['headerDeadlineMs', headerDeadlineMs]] as const) {
    if (!(ms > 0 && ms <= 2 ** 31 - 1)) throw new RangeError(`${name} must be a positive number of ms, got ${ms}`)
  }
  const limits = opts.rateLimit === undefined ? DEFAULT_HOOK_RATE_LIMIT : opts.rateLimit
  const limiter = limits === false ? null : new RateLimiter(limits)
  const watches = new WeakMap<Socket, ConnectionWatch>()
  let limitedCount = 0
  let limitedLoggedAt = 0

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const watch = watches.get(req.socket)
    watch?.requestStarted()
    res.once('close', () => watch?.requestDone())

    const hasBody = announcesBody(req.headers)
    const reply = (status: number, body: Record<string, unknown>, extra: Record<string, string> = {}) => {
      if (res.headersSent) return
      // An answer given before the whole body arrived closes the connection: draining a body we refused
      // would let a slow or endless sender keep the socket.
      const close = status === 408 || status === 413 || (hasBody && !req.complete)
      res.writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        connection: close ? 'close' : 'keep-alive',
        ...extra,
      })
      res.end(JSON.stringify(body))
      if (close) {
        req.resume()
        watch?.closeSoon()
      }
    }

    const pathname = pathOf(req.url)
    if (pathname === '/healthz' && req.method === 'GET') return reply(200, { ok: true, service: 'comfy-courier', instance: opts.instanceId })

    const named = pathname === null ? null : HOOK_PATH.exec(pathname)
    const known = named !== null && opts.isKnownHook?.(named[1] ?? '', named[2] ?? '') === true
    if (limiter && !known) {
      const key = clientKey(req.socket.remoteAddress, req.headers['x-forwarded-for'])
      const decision = limiter.take(key)
      if (!decision.ok) {
        limitedCount++
        const now = Date.now()
        if (now - limitedLoggedAt >= 10_000) {
          opts.log.warn('webhook rate limit hit', { client: key, refusedSinceLastLine: limitedCount })
          limitedLoggedAt = now
          limitedCount = 0
        }
        const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
        return reply(429, { error: 'too many requests' }, { 'retry-after': String(seconds) })
      }
    }

    // A request target URL() cannot read (`GET http://[/`) would otherwise throw out of this listener.
    if (pathname === null) return reply(400, { error: 'bad request target' })
    const match = HOOK_PATH.exec(pathname)
    if (!match || !FAMILIES.has(match[1] ?? '') || (req.method !== 'POST' && req.method !== 'GET')) {
      return reply(404, { error: 'not found' })
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > MAX_HOOK_BODY) return reply(413, { error: `body over ${MAX_HOOK_BODY} bytes` })

    // Our own deadline for the body: the server-wide timeouts are off (see below).
    const deadline = setTimeout(() => reply(408, { error: 'body not received in time' }), deadlineMs)
    res.once('close', () => clearTimeout(deadline))
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_HOOK_BODY) return void chunks.push(chunk)
      chunks.length = 0
      req.off('data', onData)
      clearTimeout(deadline)
      reply(413, { error: `body over ${MAX_HOOK_BODY} bytes` })
    }
    req.on('data', onData)
    req.on('error', () => clearTimeout(deadline))
    req.on('end', () => {
      clearTimeout(deadline)
      if (res.headersSent) return
      const request = { family: match[1] ?? '', token: match[2] ?? '', body: Buffer.concat(chunks), headers: req.headers }
      // Called through a promise so a handler that throws and one that rejects end the same way.
      Promise.resolve()
        .then(() => opts.handler(request))
        .then(
          (answer) => reply(answer.status, answer.body),
          (error: unknown) => {
            opts.log.error('webhook handler failed', { error: String(error) })
            reply(500, { error: 'internal error' })
          },
        )
    })
  }

  const server: Server = createServer(onRequest)
  // localtunnel keeps pre-opened idle sockets to us; Node's default timeouts answer those with 408s that
  // the tunnel then hands to the next caller. Our own deadlines replace them: headers (per connection,
  // only once bytes arrive) and body (per request).
  server.headersTimeout = 0
  server.requestTimeout = 0
  server.keepAliveTimeout = 120_000

  server.on('connection', (socket: Socket) => {
    let headerTimer: NodeJS.Timeout | null = null
    let graceTimer: NodeJS.Timeout | null = null
    let active = 0
    const disarm = () => {
      if (headerTimer) clearTimeout(headerTimer)
      headerTimer = null
    }
    // Prepended, so it runs before Node's parser sees the bytes: a chunk that completes the headers arms
    // the timer and the 'request' it produces disarms it straight away.
    socket.prependListener('data', () => {
      if (active > 0 || headerTimer) return
      headerTimer = setTimeout(() => {
        headerTimer = null
        socket.destroy()
      }, headerDeadlineMs)
    })
    socket.once('close', () => {
      disarm()
      if (graceTimer) clearTimeout(graceTimer)
      graceTimer = null
    })
    watches.set(socket, {
      requestStarted: () => {
        disarm()
        active++
      },
      requestDone: () => {
        active = Math.max(0, active - 1)
      },
      closeSoon: () => {
        if (graceTimer || socket.destroyed) return
        graceTimer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS)
      },
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
