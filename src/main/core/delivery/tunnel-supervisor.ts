import type { TunnelMode, TunnelStatus } from '@shared/delivery'
import type { Logger } from '../log/logger'
import { openLocaltunnel, type OpenTunnel } from './localtunnel-client'

export const PUBLIC_LOCALTUNNEL_HOST = 'https://localtunnel.me'

export interface TunnelWish {
  mode: TunnelMode
  host: string | null
  publicUrl: string | null
  /** False while no configured provider needs a public URL: nothing is exposed without a reason. */
  needed: boolean
}

/**
 * Owns the public URL. Opens the tunnel when one is needed, reports `connecting | up | down`, reconnects
 * with jittered backoff after any failure, and says when the URL changed so older runs can fall back to
 * polling. Nothing else in the app depends on it being up.
 */
export class TunnelSupervisor {
  private wish: TunnelWish = { mode: 'off', host: null, publicUrl: null, needed: false }
  private state: TunnelStatus = { mode: 'off', state: 'off', publicUrl: null, error: null }
  private tunnel: OpenTunnel | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private failures = 0
  private generation = 0

  constructor(
    private readonly opts: {
      listenerPort: () => number
      log: Logger
      onChange: (status: TunnelStatus) => void
      onUrlChanged: (previous: string, next: string | null) => void
      openTimeoutMs?: number
      maxBackoffMs?: number
    },
  ) {}

  status(): TunnelStatus {
    return { ...this.state }
  }

  publicUrl(): string | null {
    return this.state.state === 'up' ? this.state.publicUrl : null
  }

  configure(wish: TunnelWish): void {
    const same =
      wish.mode === this.wish.mode && wish.host === this.wish.host && wish.publicUrl === this.wish.publicUrl && wish.needed === this.wish.needed
    if (same && this.state.state !== 'off') return
    this.wish = wish
    this.teardown()
    this.failures = 0
    if (!wish.needed || wish.mode === 'off') return this.set({ state: 'off', publicUrl: null, error: null })
    if (wish.mode === 'url') {
      if (!wish.publicUrl) return this.set({ state: 'down', publicUrl: null, error: 'no public URL set: add yours in Settings' })
      return this.set({ state: 'up', publicUrl: wish.publicUrl.replace(/\/+$/, ''), error: null })
    }
    void this.connect(++this.generation)
  }

  async stop(): Promise<void> {
    this.generation++
    this.teardown()
  }

  private teardown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.tunnel?.close()
    this.tunnel = null
  }

  private set(patch: Omit<TunnelStatus, 'mode'>): void {
    const previous = this.state
    this.state = { mode: this.wish.mode, ...patch }
    if (previous.publicUrl && previous.publicUrl !== this.state.publicUrl) this.opts.onUrlChanged(previous.publicUrl, this.state.publicUrl)
    if (JSON.stringify(previous) !== JSON.stringify(this.state)) this.opts.onChange(this.status())
  }

  private async connect(generation: number): Promise<void> {
    const host = this.wish.host ?? PUBLIC_LOCALTUNNEL_HOST
    this.set({ state: 'connecting', publicUrl: this.state.publicUrl, error: null })
    try {
      const tunnel = await openLocaltunnel({ localPort: this.opts.listenerPort(), host, timeoutMs: this.opts.openTimeoutMs ?? 15_000 })
      if (generation !== this.generation) return tunnel.close()
      this.tunnel = tunnel
      this.failures = 0
      tunnel.onClosed((reason) => {
        if (generation !== this.generation) return
        this.opts.log.warn('tunnel lost', { reason })
        this.tunnel = null
        this.retry(generation, reason)
      })
      this.opts.log.info('tunnel up', { url: tunnel.url })
      this.set({ state: 'up', publicUrl: tunnel.url, error: null })
    } catch (error) {
      if (generation !== this.generation) return
      this.opts.log.warn('tunnel failed to open', { host, error: (error as Error).message })
      this.retry(generation, (error as Error).message)
    }
  }

  private retry(generation: number, reason: string): void {
    this.failures++
    const cap = this.opts.maxBackoffMs ?? 60_000
    const delay = Math.min(cap, 1000 * 2 ** Math.min(this.failures - 1, 10)) * (0.5 + Math.random() / 2)
    this.set({ state: 'down', publicUrl: null, error: `${reason}; retrying in ${Math.round(delay / 1000)} s` })
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (generation === this.generation) void this.connect(generation)
    }, delay)
  }
}
