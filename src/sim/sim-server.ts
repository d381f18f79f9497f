import http from 'node:http'
import { COMFYDEPLOY_MACHINE_CONCURRENCY } from './comfydeploy/machine-slots'
import { createComfyDeploy } from './comfydeploy/routes'
import { createRunComfy } from './runcomfy/routes'
import type { SimContext, SimProvider } from './context'
import { controlRoutes } from './control-routes'
import { SimLedger, ledgerReport, type LedgerEntry } from './ledger'
import { runComfyBalanceUsd } from './runcomfy/balance'
import { defaultFaults, type SimFaults } from './faults'
import { Router, detail, type Reply } from './http/router'
import { mediaRoutes } from './media/media-routes'
import { MediaStore } from './media/media-store'
import { emptyStats, type SimStats } from './stats'
import { WebhookSender } from './webhooks/webhook-sender'
import { inlinePainter, workerPainter } from './media/painter'

export interface SimOptions {
  /** Default 0: any free port (read the real one from `url`). */
  port?: number
  /** Default '127.0.0.1'; the simulator binds to this host only. */
  host?: string
  /** Multiplies every duration of the run timeline and the webhook retry waits; default 1. */
  timeScale?: number
  log?: (line: string) => void
  /**
   * How many runs each ComfyDeploy machine works on at once; the runs beyond wait `not-started` with their
   * queue position, as on the real service. Default 2, a real machine's default `concurrency_limit`.
   */
  machineConcurrency?: number
  /**
   * The bundled painter worker (`painter-worker.js`): the Demo's pictures are then drawn on a thread of
   * their own at the lowest priority. Without it (tests, `npm run sim`) they are drawn in-process.
   */
  painterWorker?: string
}

const WEBHOOK_LOG_LIMIT = 20_000

export type WebhookSentHook = (runId: string, status: string, sentAt: number) => void

export interface Sim {
  /** `http://127.0.0.1:PORT`; ComfyDeploy's base is `${url}/api`. */
  readonly url: string
  /** Mutable fault knobs, shared with `POST /__sim/faults`. */
  readonly faults: SimFaults
  /** A snapshot of the counters. */
  stats(): SimStats
  /** What each ended run used and cost, oldest first (the body of `GET /__sim/ledger` has them too). */
  ledger(): readonly LedgerEntry[]
  /**
   * Set by a benchmark: called right before each webhook attempt is written, with
   * `sentAt = performance.timeOrigin + performance.now()`.
   */
  onWebhookSent?: WebhookSentHook
  /** Like `POST /__sim/reset`: forget runs and media, zero the counters, knobs back to their defaults. */
  reset(): void
  /** Stops the server, timelines, retries and in-flight webhooks. */
  close(): Promise<void>
}

/** Request bodies above this are refused; data-URI image inputs are the largest thing a client sends. */
const MAX_BODY_BYTES = 32 * 1024 * 1024

function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge())
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

class BodyTooLarge extends Error {}

function send(res: http.ServerResponse, reply: Reply, head: boolean): void {
  if ('write' in reply) return reply.write(res, head)
  const payload = 'json' in reply ? Buffer.from(JSON.stringify(reply.json)) : Buffer.from(reply.bytes)
  const type = 'json' in reply ? 'application/json' : reply.contentType
  res.writeHead(reply.status, { ...reply.headers, 'content-type': type, 'content-length': payload.length })
  res.end(head ? undefined : payload)
}

export async function startSim(options: SimOptions = {}): Promise<Sim> {
  const host = options.host ?? '127.0.0.1'
  const timeScale = options.timeScale ?? 1
  if (!Number.isFinite(timeScale) || timeScale < 0) throw new RangeError(`timeScale must be ≥ 0, got ${timeScale}`)
  const log = options.log ?? (() => {})

  const faults = defaultFaults()
  const stats = emptyStats()
  const media = new MediaStore()
  const ledger = new SimLedger(timeScale)
  let epoch = new AbortController()
  let baseUrl = ''

  // `sim` is built below; the sender reads its hook lazily so a benchmark can set it after start.
  const hooks: { onWebhookSent?: WebhookSentHook } = {}
  // Every webhook attempt's send time, for benchmarks in another process (`GET /__sim/webhook-log`).
  const sentLog: { runId: string; status: string; sentAt: number }[] = []
  const webhooks = new WebhookSender({
    stats,
    faults,
    timeScale,
    log,
    onAttempt: (runId, status, sentAt) => {
      sentLog.push({ runId, status, sentAt })
      if (sentLog.length > WEBHOOK_LOG_LIMIT) sentLog.splice(0, sentLog.length - WEBHOOK_LOG_LIMIT)
      try {
        hooks.onWebhookSent?.(runId, status, sentAt)
      } catch (error) {
        log(`onWebhookSent threw: ${String(error)}`)
      }
    },
  })

  const painter = options.painterWorker === undefined ? inlinePainter() : workerPainter(options.painterWorker, log)
  const ctx: SimContext = {
    painter,
    timeScale,
    machineConcurrency: options.machineConcurrency ?? COMFYDEPLOY_MACHINE_CONCURRENCY,
    faults,
    stats,
    media,
    webhooks,
    ledger,
    log,
    baseUrl: () => baseUrl,
    signal: () => epoch.signal,
  }

  const providers: SimProvider[] = [createComfyDeploy(ctx), createRunComfy(ctx)]
  const snapshot = (): SimStats => ({ ...stats })
  const reset = () => {
    epoch.abort()
    epoch = new AbortController()
    for (const provider of providers) provider.reset()
    media.clear()
    ledger.clear()
    sentLog.length = 0
    Object.assign(stats, emptyStats())
    Object.assign(faults, defaultFaults())
    log('reset')
  }

  const router = new Router()
  for (const provider of providers) router.add(provider.routes)
  router.add(mediaRoutes(media, stats, faults)).add(controlRoutes({
      faults,
      stats: snapshot,
      reset,
      webhookLog: () => sentLog,
      ledger: () => ledgerReport(ledger, runComfyBalanceUsd(ledger, Date.now())),
    }))

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', baseUrl || 'http://127.0.0.1')
    const head = method === 'HEAD'
    const respond = (reply: Reply) => {
      log(`${method} ${url.pathname}${url.search} → ${reply.status}`)
      send(res, reply, head)
    }
    const match = router.match(method, url.pathname)
    if (match.kind === 'none') return respond(detail(404, 'Not Found'))
    if (match.kind === 'wrong-method') return respond(detail(405, 'Method Not Allowed', { allow: match.allowed.join(', ') }))

    let body: Promise<Buffer> | undefined
    Promise.resolve()
      .then(() =>
        match.route.handle({ method, url, headers: req.headers, params: match.params, body: () => (body ??= readBody(req, match.route.maxBodyBytes)) }),
      )
      .then(respond, (error: unknown) => {
        if (error instanceof BodyTooLarge) return respond(detail(413, 'Request Entity Too Large'))
        log(`${method} ${url.pathname} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
        respond(detail(500, 'Internal Server Error'))
      })
      .catch((error: unknown) => log(`reply failed: ${String(error)}`))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('simulator did not get a TCP port')
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
  log(`listening on ${baseUrl}`)

  let closing: Promise<void> | undefined
  const sim: Sim = {
    url: baseUrl,
    faults,
    stats: snapshot,
    ledger: () => [...ledger.entries()],
    reset,
    // An accessor, so `sim.onWebhookSent = fn` after start reaches the sender that was built before `sim`.
    get onWebhookSent() {
      return hooks.onWebhookSent
    },
    set onWebhookSent(fn: WebhookSentHook | undefined) {
      hooks.onWebhookSent = fn
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        epoch.abort()
        webhooks.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }).then(() => painter.close())),
  }
  return sim
}
