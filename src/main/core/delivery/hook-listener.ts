import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../log/logger'

export const MAX_HOOK_BODY = 1024 * 1024
const FAMILIES = new Set(['comfydeploy', 'runcomfy'])

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
export type HookHandler = (request: HookRequest) => HookAnswer

export interface HookListener {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/**
 * The public-facing webhook listener (the tunnel points here). Only `/hooks/{provider}/{token}` and a
 * health route exist; bodies are capped; the answer is immediate — slow work happens after it.
 * ComfyDeploy may retry a webhook as GET with the same body, so GET is accepted on the hook path too.
 */
export async function startHookListener(opts: {
  port: number
  handler: HookHandler
  log: Logger
  /** Answered by `GET /healthz` so the tunnel supervisor can tell our listener from anything else. */
  instanceId: string
  deadlineMs?: number
}): Promise<HookListener> {
  const deadlineMs = opts.deadlineMs ?? 5000
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: Record<string, unknown>) => {
      if (res.headersSent) return
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: status === 413 ? 'close' : 'keep-alive' })
      res.end(JSON.stringify(body))
    }
    const url = new URL(req.url ?? '/', 'http://listener')
    if (url.pathname === '/healthz' && req.method === 'GET') return reply(200, { ok: true, service: 'comfy-courier', instance: opts.instanceId })
    const match = /^\/hooks\/([a-z]+)\/([A-Za-z0-9_-]{1,128})$/.exec(url.pathname)
    if (!match || !FAMILIES.has(match[1] ?? '') || (req.method !== 'POST' && req.method !== 'GET')) {
      req.resume()
      return reply(404, { error: 'not found' })
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > MAX_HOOK_BODY) {
      req.resume()
      return reply(413, { error: `body over ${MAX_HOOK_BODY} bytes` })
    }
    // Our own deadline for the body: the server-wide timeouts are off (see below).
    const deadline = setTimeout(() => {
      reply(408, { error: 'body not received in time' })
      req.destroy()
    }, deadlineMs)
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_HOOK_BODY) {
        over = true
        chunks.length = 0
        return
      }
      if (!over) chunks.push(chunk)
    })
    req.on('error', () => clearTimeout(deadline))
    req.on('end', () => {
      clearTimeout(deadline)
      if (over) return reply(413, { error: `body over ${MAX_HOOK_BODY} bytes` })
      try {
        const answer = opts.handler({ family: match[1] ?? '', token: match[2] ?? '', body: Buffer.concat(chunks), headers: req.headers })
        reply(answer.status, answer.body)
      } catch (error) {
        opts.log.error('webhook handler failed', { error: String(error) })
        reply(500, { error: 'internal error' })
      }
    })
  })
  // localtunnel keeps pre-opened idle sockets to us; Node's default timeouts answer those with 408s that
  // the tunnel then hands to the next caller. Our own per-request deadline replaces them.
  server.headersTimeout = 0
  server.requestTimeout = 0
  server.keepAliveTimeout = 120_000
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
