import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { HTTP_EVENTS_PATH, UPLOAD_MAX_BYTES } from '@shared/contract'
import { err } from '@shared/result'
import type { Core } from '../core/core-types'
import { isPathLikeId, outputIdFromStep, SMALL_BODY_BYTES } from '../core/library/media'
import { RequestGuard } from './request-guard'
import { readStatic } from './static-files'

/** The same policy as the renderer's CSP meta, sent as a header too. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

/**
 * API bodies are small JSON, except a file sent as base64 (`uploads.create`, `files.inspect`): the largest
 * file the app takes, grown by a third, with room for the JSON around it.
 */
export const MAX_API_BODY = Math.ceil((UPLOAD_MAX_BYTES * 4) / 3) + 1024 * 1024
const SSE_HEARTBEAT_MS = 15_000

export interface WebHost {
  /** The URL to open, carrying the token. */
  url: string
  origin: string
  port: number
  close(): Promise<void>
}

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Comfy Courier</title>
<body style="font-family:system-ui;background:#111418;color:#e6e8eb;padding:3rem">
<h1>Comfy Courier</h1><p>Open the link printed in the terminal where you started <code>npm run web</code>:
it carries the access token for this session.</p></body>`

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'cache-control': 'no-store', ...headers })
  res.end(body)
}

const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8' })

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        resolve('too large')
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * Web mode: serves the built renderer and the courier API over HTTP (`POST /api/{method}`) and
 * server-sent events (`GET /api/events`), plus saved media (`GET /media/{outputId}`, and its thumbnail
 * with `?thumb=1`, as a named attachment with `?download=1`), and ZIPs of several (`GET /archive?ids=…|batch=…`).
 * Loopback only.
 */
export async function startWebHost(opts: { core: Core; port: number; rendererDir: string; token: string }): Promise<WebHost> {
  const { core } = opts
  let guard: RequestGuard | null = null
  const streams = new Set<ServerResponse>()

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, err('INTERNAL', (error as Error).message))
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!guard) return send(res, 503, 'starting')
    const foreign = guard.foreign(req)
    if (foreign) return send(res, 403, `Forbidden: ${foreign}`, { 'content-type': 'text/plain; charset=utf-8' })
    const url = new URL(req.url ?? '/', 'http://host')

    // Opening the printed URL: trade the token for an HttpOnly cookie and drop it from the address bar.
    const offered = url.searchParams.get('token')
    if (offered !== null && req.method === 'GET') {
      if (!guard.matches(offered)) return send(res, 401, UNAUTHORIZED_PAGE, { 'content-type': 'text/html; charset=utf-8' })
      return send(res, 302, '', { location: '/', 'set-cookie': guard.setCookie() })
    }
    if (!guard.authorized(req)) {
      if (url.pathname.startsWith('/api/')) return sendJson(res, 401, err('FORBIDDEN', 'missing or wrong access token'))
      return send(res, 401, UNAUTHORIZED_PAGE, { 'content-type': 'text/html; charset=utf-8' })
    }

    if (url.pathname === HTTP_EVENTS_PATH && req.method === 'GET') return openEventStream(req, res)
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, err('BAD_INPUT', 'use POST'))
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, err('BAD_INPUT', 'send application/json'))
      }
      const body = await readBody(req, MAX_API_BODY)
      if (body === 'too large') return sendJson(res, 413, err('BAD_INPUT', 'request body too large'))
      let args: unknown
      try {
        args = body.length ? JSON.parse(body.toString('utf8')) : {}
      } catch {
        return sendJson(res, 400, err('BAD_INPUT', 'the body is not valid JSON'))
      }
      return sendJson(res, 200, await core.invoke(decodeURIComponent(url.pathname.slice('/api/'.length)), args))
    }
    if (url.pathname === '/archive' && req.method === 'GET') {
      // `/archive?ids=a,b,c` (a selection) or `/archive?batch={batchId}`: a ZIP, streamed as core builds it.
      const batch = url.searchParams.get('batch')
      const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id !== '')
      if (ids.some((id) => id.length > 64 || isPathLikeId(id)) || (batch !== null && (batch === '' || batch.length > 64))) {
        return send(res, 400, 'Bad request', { 'content-type': 'text/plain; charset=utf-8' })
      }
      if (batch === null && ids.length === 0) return send(res, 400, 'Say which outputs: ids or batch', { 'content-type': 'text/plain; charset=utf-8' })
      const response = await core.archive(batch !== null ? { batchId: batch } : { ids })
      res.writeHead(response.status, { ...SECURITY_HEADERS, ...Object.fromEntries(response.headers) })
      if (!response.body) return void res.end()
      const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
      // A download cancelled half-way stops the reading of files too.
      res.on('close', () => body.destroy())
      body.on('error', () => res.destroy())
      body.pipe(res)
      return
    }
    if (url.pathname.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) {
      // `/media/{id}`: one path step holding an id, never a path; `?thumb=1` asks for its thumbnail.
      const outputId = outputIdFromStep(url.pathname.slice('/media/'.length))
      if (outputId === null) return send(res, 404, 'Not found', { 'content-type': 'text/plain; charset=utf-8' })
      const thumbnail = url.searchParams.get('thumb') === '1'
      // `?download=1`: the file as an attachment, named from deployment, seed and index.
      const download = url.searchParams.get('download') === '1'
      const response = await core.media(outputId, req.headers.range ?? null, { thumbnail, download })
      const headers = { ...SECURITY_HEADERS, ...Object.fromEntries(response.headers) }
      if (!response.body || req.method === 'HEAD') {
        await response.body?.cancel()
        res.writeHead(response.status, headers)
        return void res.end()
      }
      // A small file (a thumbnail) goes out in one write; a large one streams.
      if (Number(response.headers.get('content-length') ?? Infinity) <= SMALL_BODY_BYTES) {
        const bytes = Buffer.from(await response.arrayBuffer())
        res.writeHead(response.status, headers)
        return void res.end(bytes)
      }
      res.writeHead(response.status, headers)
      Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(res)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed')
    const asset = await readStatic(opts.rendererDir, url.pathname === '/' ? '/index.html' : url.pathname)
    // Unknown paths without an extension get the app (client-side views); missing assets are 404s.
    const page = asset ?? (/\.[a-z0-9]+$/i.test(url.pathname) ? null : await readStatic(opts.rendererDir, '/index.html'))
    if (!page) return send(res, 404, 'Not found', { 'content-type': 'text/plain; charset=utf-8' })
    const headers: Record<string, string> = { 'content-type': page.type }
    if (page.type.startsWith('text/html')) headers['content-security-policy'] = CONTENT_SECURITY_POLICY
    else if (url.pathname.startsWith('/assets/')) headers['cache-control'] = 'public, max-age=31536000, immutable'
    send(res, 200, req.method === 'HEAD' ? '' : page.body, headers)
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write('retry: 1000\n\n')
    streams.add(res)
    const unsubscribe = core.events.subscribe((event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`)
    })
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS)
    const close = () => {
      clearInterval(heartbeat)
      unsubscribe()
      streams.delete(res)
    }
    req.on('close', close)
    res.on('error', close)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  guard = new RequestGuard(opts.token, port)
  const origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/?token=${opts.token}`,
    origin,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
