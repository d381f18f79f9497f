import type { CourierClient } from '@shared/client'

declare global {
  interface Window {
    /** Provided by the Electron preload; absent in web mode, where the HTTP + SSE twin is used. */
    courier?: CourierClient
  }
}

export {}
