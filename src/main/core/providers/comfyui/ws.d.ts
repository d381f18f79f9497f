/**
 * The part of `ws` (8.x) used here. `@types/ws` is not installed: a dependency added for two classes is
 * not worth a second one, and these few signatures are all the code relies on.
 */
declare module 'ws' {
  import type { EventEmitter } from 'node:events'
  import type { IncomingMessage, Server } from 'node:http'
  import type { Duplex } from 'node:stream'

  type RawData = Buffer | ArrayBuffer | Buffer[]

  export class WebSocket extends EventEmitter {
    static readonly OPEN: 1
    readonly readyState: number
    constructor(address: string | URL, options?: { headers?: Record<string, string>; handshakeTimeout?: number })
    on(event: 'open', listener: () => void): this
    on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this
    on(event: 'error', listener: (error: Error) => void): this
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this
    once(event: 'open', listener: () => void): this
    once(event: 'close', listener: () => void): this
    send(data: string | Buffer): void
    close(code?: number): void
    terminate(): void
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: { noServer: true } | { server: Server })
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, callback: (ws: WebSocket, request: IncomingMessage) => void): void
    close(callback?: () => void): void
    readonly clients: Set<WebSocket>
  }
}
