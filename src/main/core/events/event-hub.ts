import type { Logger } from '../log/logger'

/** Where a hub built without a logger (a unit test's) reports a listener that threw: still never silent. */
const stderrLog: Pick<Logger, 'error'> = { error: (message, fields) => console.error(message, fields) }

/** A tiny typed publish/subscribe hub; a listener that throws is logged and isolated from the others. */
export class EventHub<E extends { type: string }> {
  private readonly listeners = new Set<(event: E) => void>()

  constructor(private readonly log: Pick<Logger, 'error'> = stderrLog) {}

  subscribe(listener: (event: E) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  publish(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        // One broken subscriber (a closed SSE stream, a destroyed window) must not starve the rest, and
        // must not reach the event loop either: nothing catches it there in web mode, so it would end
        // the process. The type names the event; its payload (the user's inputs) stays out of the log.
        this.log.error('event listener failed', { event: event.type, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}
