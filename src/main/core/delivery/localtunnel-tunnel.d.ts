// localtunnel's Tunnel class (lib/Tunnel.js) is not in @types/localtunnel; only what we use is declared.
declare module 'localtunnel/lib/Tunnel.js' {
  import { EventEmitter } from 'node:events'
  interface TunnelInfo {
    name: string
    url: string
    max_conn: number
    remote_host: string | null
    remote_ip?: string
    remote_port: number
    local_port: number
    local_host?: string
  }
  class Tunnel extends EventEmitter {
    constructor(opts: { port: number; host?: string; local_host?: string; subdomain?: string })
    opts: { port: number; host: string; local_host?: string; subdomain?: string }
    url?: string
    clientId?: string
    closed: boolean
    _getInfo(body: unknown): TunnelInfo
    _init(cb: (error: Error | null, info?: TunnelInfo) => void): void
    open(cb: (error?: Error | null) => void): void
    close(): void
  }
  export = Tunnel
}
