import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { TunnelMode, TunnelStatus } from '@shared/delivery'
import type { Logger } from '../log/logger'
import { openLocaltunnel } from './localtunnel-client'
import { NO_NGROK_AUTHTOKEN, openNgrok, type NgrokLoader } from './ngrok-client'
import { TunnelSetupError, type OpenTunnel } from './open-tunnel'

export const PUBLIC_LOCALTUNNEL_HOST = 'https://localtunnel.me'

/** localtunnel.me shows browsers a reminder page instead of the app unless this header is sent. */
export const BYPASS_REMINDER_HEADER = 'bypass-tunnel-reminder'
/** ngrok's free plan shows browsers an interstitial page unless this header is sent. */
export const NGROK_SKIP_WARNING_HEADER = 'ngrok-skip-browser-warning'

export interface TunnelWish {
  mode: TunnelMode
  host: string | null
  publicUrl: string | null
  /** ngrok mode: the user's authtoken (a secret: never logged, never in the status) and reserved domain. */
  ngrok?: { authtoken: string | null; domain: string | null }
  /** False while no configured provider needs a public URL: nothing is exposed without a reason. */
  needed: boolean
}

export interface TunnelSupervisorOptions {
  listenerPort: () => number
  /** The listener's per-start id, answered by its `GET /healthz`: proves the public URL reaches this app. */
  instanceId: string
  log: Logger
  onChange: (status: TunnelStatus) => void
  /**
   * The URL runs were given stopped being live: the tunnel went down (`next` null) or came back elsewhere.
   * Runs told `previous` will not get their webhooks any more and should be polled.
   */
  onUrlChanged: (previous: string, next: string | null) => void
  /** Bound on opening one tunnel (default 15 s). */
  openTimeoutMs?: number
  /** Cap of the reconnect backoff (default 60 s); the first retry waits 0.5–1 × `firstBackoffMs`, then doubles. */
  maxBackoffMs?: number
  /** The first retry's wait before jitter (default 1 s). */
  firstBackoffMs?: number
  /** How often, while up, the public URL is checked end to end (default 20 s; 0 = never). */
  healthIntervalMs?: number
  /** Deadline of one health check (default 5 s). */
  healthTimeoutMs?: number
  /** Where ngrok mode gets `@ngrok/ngrok` (default: imported on first use; tests pass a fake). */
  loadNgrok?: NgrokLoader
}

type HealthVerdict = { ok: true } | { ok: false; reason: string; foreign: boolean }

/** Failed checks in a row that count as a silent death. A foreign answer counts at once. */
const HEALTH_FAILURES_TO_DROP = 2
/** After one failed check the next one comes sooner than the interval, to confirm or clear it quickly. */
const HEALTH_RECHECK_MS = 5000
const HEALTH_BODY_CAP = 64 * 1024

/**
 * Owns the public URL. Opens the tunnel when one is needed, reports `connecting | up | down`, checks while
 * up that the public URL still reaches this very app, reconnects with jittered backoff after any failure,
 * and says when the URL changed so older runs can fall back to polling. Nothing else in the app depends on
 * it being up.
 */
export class TunnelSupervisor {
  private wish: TunnelWish = { mode: 'off', host: null, publicUrl: null, needed: false }
  private state: TunnelStatus = { mode: 'off', state: 'off', publicUrl: null, error: null, retryAt: null, address: null }
  private tunnel: OpenTunnel | null = null
  /** Abandons a tunnel still being opened (stop, or a new wish). */
  private opening: AbortController | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private healthTimer: NodeJS.Timeout | null = null
  /** Abandons a health check in flight. */
  private healthAbort: AbortController | null = null
  private healthFailures = 0
  /** Failed opens (and silent deaths) since the tunnel last proved healthy: drives the backoff. */
  private failures = 0
  /** Bumped by every configure and stop: callbacks from an older generation are ignored. */
  private generation = 0

  constructor(private readonly opts: TunnelSupervisorOptions) {}

  status(): TunnelStatus {
    return { ...this.state }
  }

  publicUrl(): string | null {
    return this.state.state === 'up' ? this.state.publicUrl : null
  }

  configure(wish: TunnelWish): void {
    const same =
      wish.mode === this.wish.mode &&
      wish.host === this.wish.host &&
      wish.publicUrl === this.wish.publicUrl &&
      wish.needed === this.wish.needed &&
      (wish.ngrok?.authtoken ?? null) === (this.wish.ngrok?.authtoken ?? null) &&
      (wish.ngrok?.domain ?? null) === (this.wish.ngrok?.domain ?? null)
    if (same && this.state.state !== 'off') return
    this.wish = wish
    const generation = ++this.generation
    this.teardown()
    this.failures = 0
    if (!wish.needed || wish.mode === 'off') return this.set({ state: 'off', publicUrl: null, error: null })
    if (wish.mode === 'url') {
      // Your own proxy is taken as given: probing it from inside the network often fails for reasons
      // (no hairpin NAT, auth in front) that say nothing about whether the services can reach it.
      if (!wish.publicUrl) return this.set({ state: 'down', publicUrl: null, error: 'no public URL set: add yours in Settings' })
      return this.set({ state: 'up', publicUrl: wish.publicUrl.replace(/\/+$/, ''), error: null })
    }
    if (wish.mode === 'ngrok' && !wish.ngrok?.authtoken) return this.set({ state: 'down', publicUrl: null, error: NO_NGROK_AUTHTOKEN })
    void this.connect(generation)
  }

  /** Closes the tunnel and cancels every timer, open and check in flight; the status is left as it was. */
  async stop(): Promise<void> {
    this.generation++
    this.teardown()
  }

  private teardown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.opening?.abort()
    this.opening = null
    this.stopHealth()
    this.tunnel?.close()
    this.tunnel = null
  }

  private stopHealth(): void {
    if (this.healthTimer) clearTimeout(this.healthTimer)
    this.healthTimer = null
    this.healthAbort?.abort()
    this.healthAbort = null
    this.healthFailures = 0
  }

  /** Sets the state; `retryAt` only while a retry is pending, the address from the wish. */
  private set(patch: Omit<TunnelStatus, 'mode' | 'retryAt' | 'address'> & { retryAt?: number }): void {
    const previous = this.state
    const address = patch.state === 'off' ? null : this.address()
    this.state = { mode: this.wish.mode, ...patch, retryAt: patch.retryAt ?? null, address }
    if (previous.publicUrl && previous.publicUrl !== this.state.publicUrl) this.opts.onUrlChanged(previous.publicUrl, this.state.publicUrl)
    if (JSON.stringify(previous) !== JSON.stringify(this.state)) this.opts.onChange(this.status())
  }

  /** Opens one tunnel with the client the mode names (localtunnel or ngrok). */
  private open(signal: AbortSignal): Promise<OpenTunnel> {
    const localPort = this.opts.listenerPort()
    const timeoutMs = this.opts.openTimeoutMs ?? 15_000
    if (this.wish.mode === 'ngrok') {
      return openNgrok({
        localPort,
        authtoken: this.wish.ngrok?.authtoken ?? '',
        domain: this.wish.ngrok?.domain ?? null,
        timeoutMs,
        signal,
        ...(this.opts.loadNgrok ? { load: this.opts.loadNgrok } : {}),
      })
    }
    return openLocaltunnel({ localPort, host: this.wish.host ?? PUBLIC_LOCALTUNNEL_HOST, timeoutMs, signal })
  }

  /** Where the tunnel is opened, as the user would recognise it (never the authtoken). */
  private address(): string | null {
    switch (this.wish.mode) {
      case 'off':
        return null
      case 'url':
        return this.wish.publicUrl
      case 'ngrok':
        return this.wish.ngrok?.domain ?? null
      case 'localtunnel':
        return this.wish.host ?? PUBLIC_LOCALTUNNEL_HOST
    }
  }

  /**
   * Tries to open the tunnel now instead of waiting for the backoff (the user's "Retry now"). Only while it is
   * down and a tunnel is wanted; also after a setting error, in case it was fixed outside the app (an ngrok
   * domain reserved meanwhile). The backoff keeps counting, so repeated clicks cannot hammer the server.
   */
  retryNow(): TunnelStatus {
    const tunnelMode = this.wish.mode === 'localtunnel' || this.wish.mode === 'ngrok'
    if (!this.wish.needed || !tunnelMode || this.state.state !== 'down') return this.status()
    if (this.wish.mode === 'ngrok' && !this.wish.ngrok?.authtoken) return this.status()
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.opts.log.info('tunnel retry asked for', this.origin())
    void this.connect(this.generation)
    return this.status()
  }

  /** Where the tunnel comes from, for the log: never the authtoken. */
  private origin(): Record<string, string | null> {
    if (this.wish.mode === 'ngrok') return { mode: 'ngrok', domain: this.wish.ngrok?.domain ?? null }
    return { mode: this.wish.mode, host: this.wish.host ?? PUBLIC_LOCALTUNNEL_HOST }
  }

  private async connect(generation: number): Promise<void> {
    this.set({ state: 'connecting', publicUrl: this.state.publicUrl, error: null })
    const opening = new AbortController()
    this.opening = opening
    try {
      const tunnel = await this.open(opening.signal)
      if (generation !== this.generation) return tunnel.close()
      this.opening = null
      this.tunnel = tunnel
      tunnel.onClosed((reason) => {
        if (generation !== this.generation || this.tunnel !== tunnel) return
        this.opts.log.warn('tunnel lost', { reason })
        this.tunnel = null
        this.stopHealth()
        this.retry(generation, reason)
      })
      this.opts.log.info('tunnel up', { url: tunnel.url })
      this.set({ state: 'up', publicUrl: tunnel.url, error: null })
      if (this.healthInterval() > 0) this.scheduleHealth(generation, tunnel, this.healthInterval())
      else this.failures = 0
    } catch (error) {
      if (generation !== this.generation) return
      this.opening = null
      this.opts.log.warn('tunnel failed to open', { ...this.origin(), error: (error as Error).message })
      // A wrong setting (a refused authtoken…) stays wrong: say so and wait for new settings, no retries.
      if (error instanceof TunnelSetupError) return this.set({ state: 'down', publicUrl: null, error: error.message })
      this.retry(generation, (error as Error).message)
    }
  }

  private retry(generation: number, reason: string): void {
    this.failures++
    const cap = this.opts.maxBackoffMs ?? 60_000
    const delay = Math.min(cap, (this.opts.firstBackoffMs ?? 1000) * 2 ** Math.min(this.failures - 1, 10)) * (0.5 + Math.random() / 2)
    // The reason alone: when the next try comes is `retryAt`, which a screen can count down to.
    this.set({ state: 'down', publicUrl: null, error: reason, retryAt: Date.now() + Math.round(delay) })
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (generation === this.generation) void this.connect(generation)
    }, delay)
  }

  private healthInterval(): number {
    return this.opts.healthIntervalMs ?? 20_000
  }

  private scheduleHealth(generation: number, tunnel: OpenTunnel, delay: number): void {
    if (this.healthTimer) clearTimeout(this.healthTimer)
    this.healthTimer = setTimeout(() => {
      this.healthTimer = null
      void this.checkHealth(generation, tunnel)
    }, delay)
  }

  /** One end-to-end check: the public URL, through the tunnel server and client, to our listener. */
  private async checkHealth(generation: number, tunnel: OpenTunnel): Promise<void> {
    const current = () => generation === this.generation && this.tunnel === tunnel
    if (!current()) return
    const abort = new AbortController()
    this.healthAbort = abort
    const verdict = await probeHealth(tunnel.url, this.opts.instanceId, this.opts.healthTimeoutMs ?? 5000, abort.signal)
    if (this.healthAbort === abort) this.healthAbort = null
    if (!current() || abort.signal.aborted) return
    if (verdict.ok) {
      this.healthFailures = 0
      this.failures = 0
      return this.scheduleHealth(generation, tunnel, this.healthInterval())
    }
    this.healthFailures++
    this.opts.log.warn('tunnel health check failed', { url: tunnel.url, reason: verdict.reason, inARow: this.healthFailures })
    if (!verdict.foreign && this.healthFailures < HEALTH_FAILURES_TO_DROP) {
      return this.scheduleHealth(generation, tunnel, Math.min(this.healthInterval(), HEALTH_RECHECK_MS))
    }
    // The client may still think it is connected (it often does): close it and start over.
    this.opts.log.warn('tunnel no longer reaches this app; reconnecting', { url: tunnel.url, reason: verdict.reason })
    this.stopHealth()
    this.tunnel = null
    tunnel.close()
    this.retry(generation, `the public URL stopped reaching this app: ${verdict.reason}`)
  }
}

/** What a `/healthz` answer says about who is behind the URL. */
function judge(status: number, body: string, instanceId: string): HealthVerdict {
  if (status !== 200) return { ok: false, foreign: false, reason: `it answered HTTP ${status}` }
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    const page = /^\s*</.test(body)
    return { ok: false, foreign: false, reason: page ? 'it answered with a web page instead of this app' : 'it answered something that is not JSON' }
  }
  const answer = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { service?: unknown; instance?: unknown }
  if (answer.service !== 'comfy-courier') return { ok: false, foreign: true, reason: 'another server answers there' }
  if (answer.instance !== instanceId) return { ok: false, foreign: true, reason: 'another Comfy Courier answers there, not this one' }
  return { ok: true }
}

/**
 * `GET {publicUrl}/healthz` on a fresh connection (no pooled socket may outlive a dead tunnel), with the
 * reminder-bypass header and a hard deadline. Never rejects.
 */
function probeHealth(publicUrl: string, instanceId: string, timeoutMs: number, signal: AbortSignal): Promise<HealthVerdict> {
  return new Promise((resolve) => {
    let url: URL
    try {
      url = new URL(`${publicUrl}/healthz`)
    } catch {
      return resolve({ ok: false, foreign: false, reason: `the public URL ${publicUrl} is not a URL` })
    }
    let done = false
    const finish = (verdict: HealthVerdict) => {
      if (done) return
      done = true
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(verdict)
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = request(
      url,
      {
        method: 'GET',
        agent: false,
        headers: {
          [BYPASS_REMINDER_HEADER]: '1',
          [NGROK_SKIP_WARNING_HEADER]: '1',
          accept: 'application/json',
          connection: 'close',
          'user-agent': 'comfy-courier-health',
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > HEALTH_BODY_CAP) {
            finish({ ok: false, foreign: true, reason: 'it answered with far more than this app sends' })
            req.destroy()
          } else chunks.push(chunk)
        })
        res.on('end', () => finish(judge(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), instanceId)))
        res.on('error', (error) => finish({ ok: false, foreign: false, reason: error.message }))
      },
    )
    req.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, foreign: false, reason: error.code ?? error.message }))
    const timer = setTimeout(() => {
      finish({ ok: false, foreign: false, reason: `no answer within ${timeoutMs / 1000} s` })
      req.destroy()
    }, timeoutMs)
    const onAbort = () => {
      finish({ ok: false, foreign: false, reason: 'cancelled' })
      req.destroy()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    req.end()
  })
}
