import Tunnel from 'localtunnel/lib/Tunnel.js'

export interface OpenTunnel {
  url: string
  /** Fires once when the client gives up its sockets (server gone, or closed by us). */
  onClosed(listener: (reason: string) => void): void
  close(): void
}

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
        const body = (await response.json().catch(() => null)) as { message?: string } | null
        if (!response.ok || !body) throw new Error(body?.message ?? `tunnel server answered HTTP ${response.status}`)
        cb(null, this._getInfo(body))
      })
      .catch((error: Error) => cb(this.signal.aborted ? new Error('tunnel server did not answer in time') : error))
  }
}

export function openLocaltunnel(opts: { localPort: number; host: string; timeoutMs: number }): Promise<OpenTunnel> {
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  // 127.0.0.1, not "localhost": the listener is bound to IPv4 loopback and localhost may resolve to ::1.
  const tunnel = new BoundedTunnel({ port: opts.localPort, host: opts.host, local_host: '127.0.0.1' }, timeout)
  let closedListener: ((reason: string) => void) | null = null
  let closed = false
  const fireClosed = (reason: string) => {
    if (closed) return
    closed = true
    closedListener?.(reason)
  }
  // An unhandled 'error' on this emitter would crash the process; every error becomes "closed".
  tunnel.on('error', (error: Error) => {
    fireClosed(`tunnel connection error: ${error.message}`)
    tunnel.close()
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      tunnel.close()
      reject(new Error(`the tunnel did not open within ${opts.timeoutMs / 1000} s`))
    }, opts.timeoutMs)
    tunnel.open((error) => {
      clearTimeout(timer)
      if (error || !tunnel.url) {
        tunnel.close()
        return reject(error ?? new Error('the tunnel server gave no URL'))
      }
      resolve({
        url: tunnel.url.replace(/\/+$/, ''),
        onClosed: (listener) => {
          closedListener = listener
        },
        close: () => {
          closed = true
          tunnel.close()
        },
      })
    })
  })
}
