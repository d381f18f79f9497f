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
 * The closing half every tunnel client shares: remembers a loss that comes before anyone listens, tells
 * the listener once, and stays quiet after our own close.
 */
export class TunnelLoss {
  private listener: ((reason: string) => void) | null = null
  private reason: string | null = null
  private closedByUs = false

  /** Records a loss and tells the listener; `before` runs first. Nothing happens after a loss or our close. */
  report(reason: string, before?: () => void): void {
    if (this.closedByUs || this.reason !== null) return
    this.reason = reason
    before?.()
    this.listener?.(reason)
  }

  /** We closed it (or gave it up while opening): no loss is reported from now on. */
  closedOnPurpose(): void {
    this.closedByUs = true
  }

  /** The tunnel as the supervisor gets it; `close` releases the client's own resources. */
  handle(url: string, close: () => void): OpenTunnel {
    return {
      url: url.replace(/\/+$/, ''),
      onClosed: (listener) => {
        this.listener = listener
        const reason = this.reason
        if (reason === null) return
        queueMicrotask(() => {
          if (!this.closedByUs) listener(reason)
        })
      },
      close: () => {
        this.closedByUs = true
        close()
      },
    }
  }
}

/**
 * An open that retrying cannot fix, because a setting is wrong (ngrok refused the authtoken, or the domain
 * is not the account's). The supervisor reports it and waits for new settings instead of backing off.
 */
export class TunnelSetupError extends Error {
  override readonly name = 'TunnelSetupError'
}
