import { WebSocket } from 'ws'
import { readWsMessage, type WsMessage } from './messages'

export interface SocketDeps {
  /** `http(s)://host:port[/prefix]`: the socket is `ws(s)://…/ws?clientId=…`. */
  baseUrl: string
  clientId: string
  headers: Record<string, string>
  onMessage(message: WsMessage): void
  /** The socket opened (true) or dropped (false): while it is down, runs are polled. */
  onState(up: boolean): void
  /** Waits between reconnects, growing to the last; default 0.5 s doubling to 15 s. */
  backoffMs?: readonly number[]
  /** Whether to keep reconnecting (some prompt of ours may still be running). */
  wanted(): boolean
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15_000] as const

/**
 * ComfyUI's `/ws?clientId=…`, kept open while runs need it: reconnects with backoff when it drops, and
 * reports its state so runs fall back to polling `/history` and `/queue` meanwhile. Text messages only:
 * the binary ones are live previews, which we do not show.
 */
export class ComfySocket {
  private ws: WebSocket | null = null
  private attempt = 0
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private up = false
  private opening: Promise<boolean> | null = null

  constructor(private readonly deps: SocketDeps) {}

  get isUp(): boolean {
    return this.up
  }

  /** Opens the socket if it is not open; resolves once it is (true), or after `waitMs` (false). */
  ensure(waitMs = 1500): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    if (this.up) return Promise.resolve(true)
    if (!this.ws && !this.timer) this.connect()
    this.opening ??= new Promise<boolean>((resolve) => {
      const started = Date.now()
      const check = setInterval(() => {
        if (this.up || this.closed || Date.now() - started >= waitMs) {
          clearInterval(check)
          this.opening = null
          resolve(this.up)
        }
      }, 25)
    })
    return this.opening
  }

  private connect(): void {
    this.timer = null
    const url = new URL(this.deps.baseUrl.replace(/\/+$/, '') + '/ws')
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.searchParams.set('clientId', this.deps.clientId)
    const ws = new WebSocket(url, { headers: this.deps.headers, handshakeTimeout: 10_000 })
    this.ws = ws
    ws.on('open', () => {
      this.attempt = 0
      this.up = true
      this.deps.onState(true)
    })
    ws.on('message', (data, binary) => {
      if (binary) return
      const message = readWsMessage(data.toString())
      if (message) this.deps.onMessage(message)
    })
    ws.on('error', () => {
      // 'close' follows; the reason is not worth a log line per retry.
    })
    ws.on('close', () => {
      const wasUp = this.up
      this.up = false
      this.ws = null
      if (wasUp) this.deps.onState(false)
      if (this.closed || !this.deps.wanted()) return
      const waits = this.deps.backoffMs ?? BACKOFF_MS
      const wait = waits[Math.min(this.attempt++, waits.length - 1)]!
      this.timer = setTimeout(() => this.connect(), wait)
    })
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.ws?.terminate()
    this.ws = null
    this.up = false
  }
}
