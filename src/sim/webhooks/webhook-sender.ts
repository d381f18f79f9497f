import http from 'node:http'
import https from 'node:https'
import { isAbort, sleep } from '../scheduler'
import type { SimFaults } from '../faults'
import type { SimStats } from '../stats'

/** How a provider retries a webhook; each provider brings its own (ComfyDeploy: comfydeploy.md §9.5). */
export interface RetryPolicy {
  attempts: number
  /** Per-attempt HTTP timeout in real ms; deliberately not scaled, like the real service's. */
  timeoutMs: number
  /** Wait before attempt 2, 3, … in ms at timeScale 1. */
  backoffMs: number[]
  /** Up to this fraction is added at random to each wait (0.1 = ≤10 %). */
  jitter: number
}

export interface WebhookJob {
  url: string
  body: unknown
  runId: string
  /** The status word in the body; reported to `onWebhookSent` for latency benchmarks. */
  status: string
  /** Method of attempts 2 and later (ComfyDeploy's GET-with-body quirk, §9.5); default POST like the first. */
  retryMethod?: 'POST' | 'GET'
}

export type DeliveryOutcome = 'sent' | 'failed' | 'aborted'

export interface WebhookSenderDeps {
  stats: SimStats
  faults: SimFaults
  timeScale: number
  log: (line: string) => void
  /** Called just before each attempt's request is written. */
  onAttempt: (runId: string, status: string, sentAt: number) => void
}

const USER_AGENT = 'comfy-courier-sim/1 (+ComfyDeploy webhook)'

/** Sends one event with retries. Keep-alive agents make back-to-back events cheap, which matters to the bench. */
export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true })
  private readonly httpsAgent = new https.Agent({ keepAlive: true })

  constructor(private readonly deps: WebhookSenderDeps) {}

  async deliver(job: WebhookJob, policy: RetryPolicy, signal: AbortSignal): Promise<DeliveryOutcome> {
    const { stats, faults, log, timeScale } = this.deps
    try {
      if (faults.webhookDelayMs > 0) await sleep(faults.webhookDelayMs, signal)
      const body = Buffer.from(JSON.stringify(job.body))
      for (let attempt = 1; attempt <= policy.attempts; attempt++) {
        if (attempt > 1) {
          const base = policy.backoffMs[Math.min(attempt - 2, policy.backoffMs.length - 1)] ?? 0
          await sleep(base * (1 + Math.random() * policy.jitter) * timeScale, signal)
        }
        stats.webhookAttempts++
        const method = attempt > 1 && job.retryMethod === 'GET' ? 'GET' : 'POST'
        const result = await this.attempt(job, method, body, policy.timeoutMs, signal)
        if (signal.aborted) return 'aborted'
        if (typeof result === 'number' && result >= 200 && result < 300) {
          stats.webhooksSent++
          log(`webhook ${job.runId} ${job.status} attempt ${attempt} (${method}) → ${result}`)
          return 'sent'
        }
        log(`webhook ${job.runId} ${job.status} attempt ${attempt} failed: ${String(result)}`)
      }
      stats.webhooksFailed++
      log(`webhook ${job.runId} ${job.status} dropped after ${policy.attempts} attempts`)
      return 'failed'
    } catch (error) {
      if (isAbort(error) || signal.aborted) return 'aborted'
      throw error
    }
  }

  /** One request; resolves with the HTTP status, or the error text when none came back. */
  private attempt(job: WebhookJob, method: 'POST' | 'GET', body: Buffer, timeoutMs: number, signal: AbortSignal): Promise<number | string> {
    let url: URL
    try {
      url = new URL(job.url)
    } catch {
      return Promise.resolve(`invalid URL ${job.url}`)
    }
    const secure = url.protocol === 'https:'
    if (!secure && url.protocol !== 'http:') return Promise.resolve(`unsupported scheme ${url.protocol}`)

    return new Promise((resolve) => {
      const req = (secure ? https : http).request(url, {
        method,
        agent: secure ? this.httpsAgent : this.httpAgent,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'user-agent': USER_AGENT },
      })
      req.on('response', (res) => {
        // Drain so the keep-alive socket goes back to the pool; only the status matters (§9.1).
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', (e) => resolve(e.message))
        res.on('close', () => resolve('response cut short'))
        res.resume()
      })
      req.on('error', (e) => resolve(e.message))
      this.deps.onAttempt(job.runId, job.status, performance.timeOrigin + performance.now())
      req.end(body)
    })
  }

  destroy(): void {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }
}
