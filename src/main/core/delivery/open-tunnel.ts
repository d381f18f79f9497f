/** One open tunnel, as the supervisor sees it, whichever client opened it (localtunnel or ngrok). */
export interface OpenTunnel {
  url: string
  /**
   * Fires once when the client gives up on its sockets (the tunnel server went away, a reconnect was
   * refused…). Never fires after our own close(). A listener attached late still hears an earlier loss.
   */
  onClosed(listener: (reason: string) => void): void
  close(): void
}

/**
 * An open that retrying cannot fix, because a setting is wrong (ngrok refused the authtoken, or the domain
 * is not the account's). The supervisor reports it and waits for new settings instead of backing off.
 */
export class TunnelSetupError extends Error {
  override readonly name = 'TunnelSetupError'
}
