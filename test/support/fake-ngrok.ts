import http from 'node:http'
import type { NgrokForwardConfig, NgrokListener, NgrokModule } from '../../src/main/core/delivery/ngrok-client'

/**
 * A stand-in for `@ngrok/ngrok` that never leaves this machine. Each `forward()` starts a small HTTP proxy
 * on 127.0.0.1 that passes every request on to `config.addr` (also on 127.0.0.1), and hands its address
 * back as the public URL: a new URL per tunnel, as ngrok gives without a reserved domain.
 */
export class FakeNgrok implements NgrokModule {
  /** Every `forward()` call, in order, as it was made (the token included: the test checks where it went). */
  readonly forwards: NgrokForwardConfig[] = []
  readonly listeners: FakeListener[] = []
  disconnects = 0
  /** What the next `forward()` calls throw, one each, before anything else. */
  readonly failures: unknown[] = []
  private gate: { promise: Promise<void>; open: () => void } | null = null

  /** `forward()` waits from now until `release()`, as the real one does while ngrok does not answer. */
  hold(): void {
    let open = () => {}
    const promise = new Promise<void>((resolve) => (open = resolve))
    this.gate = { promise, open }
  }

  release(): void {
    this.gate?.open()
    this.gate = null
  }

  /** The listeners not closed yet. */
  live(): FakeListener[] {
    return this.listeners.filter((l) => !l.closed)
  }

  async forward(config: NgrokForwardConfig): Promise<NgrokListener> {
    this.forwards.push(config)
    if (this.gate) await this.gate.promise
    if (this.failures.length > 0) throw this.failures.shift()
    const match = /^127\.0\.0\.1:(\d+)$/.exec(config.addr)
    if (!match) throw new Error(`the fake forwards to 127.0.0.1 only, not ${config.addr}`)
    const listener = await FakeListener.start(Number(match[1]), config)
    this.listeners.push(listener)
    return listener
  }

  async disconnect(url?: string | null): Promise<void> {
    this.disconnects++
    await Promise.all(this.listeners.filter((l) => url == null || l.url() === url).map((l) => l.close()))
  }

  /** Closes every proxy (test cleanup). */
  async closeAll(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()))
  }
}

export class FakeListener implements NgrokListener {
  closed = false
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    readonly config: NgrokForwardConfig,
  ) {}

  static async start(target: number, config: NgrokForwardConfig): Promise<FakeListener> {
    const server = http.createServer((req, res) => {
      const upstream = http.request(
        { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      upstream.on('error', () => {
        // ngrok's own page when the agent cannot reach the local address.
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/html' })
        res.end('<html>ERR_NGROK_8012</html>')
      })
      req.pipe(upstream)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return new FakeListener(server, (server.address() as { port: number }).port, config)
  }

  url(): string | null {
    return `http://127.0.0.1:${this.port}`
  }

  async close(): Promise<void> {
    this.closed = true
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  /** The tunnel dies and nobody says so: the URL stops answering, no status change. */
  vanish(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  /** The session loses its connection: the URL stops answering and the library reports `'closed'`. */
  async drop(): Promise<void> {
    await this.vanish()
    this.config.onStatusChange('closed')
  }
}
