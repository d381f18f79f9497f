import type { CourierClient } from '@shared/client'
import type { CourierEvent } from '@shared/events'

/** What the isolated preload hands to the page's world: the contract's `invoke`, and a raw event feed. */
export interface CourierTransport {
  invoke: CourierClient['invoke']
  /** Starts delivering events to `listener`; the returned function stops it. */
  listen(listener: (event: CourierEvent) => void): () => void
}

/**
 * Runs in the page's own JavaScript world through `contextBridge.executeInMainWorld` and defines
 * `window.courier`. It exists because an `AbortSignal` cannot cross the context bridge (it arrives as an
 * empty object, so `subscribe(listener, signal)` exposed directly could never be undone); here the signal
 * stays in the world that created it and only plain functions cross.
 *
 * Electron serializes this function's source and evaluates it in the other world, so it must be
 * self-contained: no imports, no module-level names, only its arguments and standard globals.
 * `main-world.test.ts` checks that by rebuilding it from its source text.
 */
export function installCourier(transport: CourierTransport, mediaScheme: string): void {
  const courier: CourierClient = {
    invoke: (method, args) => transport.invoke(method, args),
    subscribe: (listener, signal) => {
      if (signal.aborted) return
      const stop = transport.listen((event) => {
        try {
          listener(event)
        } catch (error) {
          // One broken listener must not stop the others; the error still reaches the console.
          queueMicrotask(() => {
            throw error
          })
        }
      })
      signal.addEventListener('abort', () => stop(), { once: true })
    },
    mediaUrl: (id) => `${mediaScheme}://output/${encodeURIComponent(id)}`,
  }
  // Frozen and non-writable, like contextBridge.exposeInMainWorld would make it: page code can read the
  // bridge but not swap a method for another script to find.
  Object.defineProperty(globalThis, 'courier', {
    value: Object.freeze(courier),
    enumerable: true,
    writable: false,
    configurable: false,
  })
}
