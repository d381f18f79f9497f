import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/**
 * The web host's gate. It listens on 127.0.0.1 only, and still refuses what a hostile page in the same
 * browser could send: a foreign Host (DNS rebinding), a foreign Origin (CSRF), and anything without the
 * token — from the cookie set when the printed URL was opened, or an `Authorization: Bearer` header.
 */
export class RequestGuard {
  readonly cookieName: string
  private readonly hosts: Set<string>
  private readonly origins: Set<string>

  constructor(
    private readonly token: string,
    port: number,
  ) {
    // Cookies are not port-scoped: two hosts on one machine must not read each other's token.
    this.cookieName = `courier_${port}`
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
    this.origins = new Set([...this.hosts].map((host) => `http://${host}`))
  }

  /** 403 reason for a request from somewhere else, or null. */
  foreign(req: IncomingMessage): string | null {
    const host = req.headers.host
    if (!host || !this.hosts.has(host.toLowerCase())) return 'unexpected Host header'
    const origin = req.headers.origin
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) return 'unexpected Origin'
    if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site request'
    return null
  }

  matches(candidate: string | undefined | null): boolean {
    if (!candidate) return false
    const a = Buffer.from(candidate)
    const b = Buffer.from(this.token)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  authorized(req: IncomingMessage): boolean {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    return this.matches(bearer) || this.matches(this.cookie(req))
  }

  private cookie(req: IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=')
      if (name === this.cookieName) return value.join('=')
    }
    return undefined
  }

  setCookie(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`
  }
}
