import type { MethodArgs, MethodName, MethodResult } from './contract'
import type { Result } from './result'
import type { CourierEvent } from './events'
import type { OutputId } from './output'

/**
 * What the renderer talks to: `window.courier` in Electron (preload bridge), or its HTTP + SSE twin in
 * web mode. Listeners receive the event alone and are removed when the signal aborts.
 */
export interface CourierClient {
  invoke<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Result<MethodResult<M>>>
  subscribe(listener: (event: CourierEvent) => void, signal: AbortSignal): void
  /** A URL the renderer can put in `<img src>` for a saved output. */
  mediaUrl(id: OutputId): string
}

export const MEDIA_SCHEME = 'courier-media'
