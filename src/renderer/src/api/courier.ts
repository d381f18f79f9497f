import type { CourierClient } from '@shared/client'
import { httpCourier } from './http-courier'

const reconnectHandlers = new Set<() => void>()

/** The one API object the app talks to: the preload bridge in Electron, HTTP + SSE in web mode. */
export const courier: CourierClient =
  window.courier ?? httpCourier({ onReconnect: () => reconnectHandlers.forEach((handler) => handler()) })

/** Runs `handler` whenever the transport had to reconnect (web mode), until `signal` aborts. */
export function onTransportReconnect(handler: () => void, signal: AbortSignal): void {
  reconnectHandlers.add(handler)
  signal.addEventListener('abort', () => reconnectHandlers.delete(handler), { once: true })
}
