import Tunnel from 'localtunnel/lib/Tunnel.js'
import { TunnelLoss, type OpenTunnel } from './open-tunnel'

export type { OpenTunnel } from './open-tunnel'

/**
 * The real localtunnel client, with one change: asking the server for a tunnel is bounded and can be
 * abandoned. The stock client retries `GET /?new` every second forever and never stops, even after
 * close(); a supervisor needs a call that fails, so it can back off and say "down".
 */
class BoundedTunnel extends Tunnel {
  constructor(
    opts: { port: number; host: string; local_host: string },
    private readonly signal: AbortSignal,
  ) {
    super(opts)
  }

  override _init(cb: (error: Error | null, info?: ReturnType<Tunnel['_getInfo']>) => void): void {
    const uri = `${this.opts.host.replace(/\/+$/, '')}/${this.opts.subdomain ?? '?new'}`
    fetch(uri, { signal: this.signal, headers: { accept: 'application/json' } })
      .then(async (response) => {
        const body = (await response.json().catch(() => null)) as { message?: string; url?: unknown } | null
        if (!response.ok || !body) throw new Error(body?.message ?? `tunnel server answered HTTP ${response.status}`)
        if (typeof body.url !== 'string' || body.url === '') throw new Error('the tunnel server gave no URL')
        cb(null, this._getInfo(body))
      })
      .catch((error: Error) => {
        if (this.signal.aborted) return cb(new Error('tunnel server did not answer in time'))
        // fetch's own message ("fetch failed") hides the useful part: ECONNREFUSED, ENOTFOUND…
        const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause
        cb(cause ? new Error(`tunnel server unreachable: ${cause.code ?? cause.message ?? error.message}`) : error)
      })
  }
}

/**
 * Opens one localtunnel. Settles within `timeoutMs` whatever the server does; `signal` abandons it sooner
 * (the supervisor stopping or changing its mind). Every client `'error'` is handled here.
 */
export function openLocaltunnel(opts: { localPort: number; host: string; timeoutMs: number; signal?: AbortSignal }): Promise<OpenTunnel> {
  const deadline = new AbortController()
  const signal = opts.signal ? AbortSignal.any([deadline.signal, opts.signal]) : deadline.signal
  // 127.0.0.1, not "localhost": the listener is bound to IPv4 loopback and localhost may resolve to ::1.
  const tunnel = new BoundedTunnel({ port: opts.localPort, host: opts.host, local_host: '127.0.0.1' }, signal)
  const loss = new TunnelLoss()
  const fireClosed = (reason: string) => loss.report(reason)
  // An unhandled 'error' on this emitter would crash the process; every error becomes "closed".
  tunnel.on('error', (error: Error) => {
    fireClosed(`tunnel connection error: ${error.message}`)
    tunnel.close()
  })
  return new Promise((resolve, reject) => {
    let settled = false
    const settle = (error: Error | null) => {
      if (settled) return false
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (error) {
        loss.closedOnPurpose()
        tunnel.close()
        reject(error)
      }
      return true
    }
    const timer = setTimeout(() => {
      deadline.abort()
      settle(new Error(`the tunnel did not open within ${opts.timeoutMs / 1000} s`))
    }, opts.timeoutMs)
    const onAbort = () => settle(new Error('opening the tunnel was cancelled'))
    if (opts.signal?.aborted) return onAbort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    tunnel.open((error) => {
      if (error || !tunnel.url) return settle(error ?? new Error('the tunnel server gave no URL'))
      // Too late (timed out or cancelled while the answer was on its way): `settle` has already closed it.
      if (!settle(null)) return tunnel.close()
      resolve(loss.handle(tunnel.url, () => tunnel.close()))
    })
  })
}
