/** A tiny typed publish/subscribe hub; a listener that throws is isolated from the others. */
export class EventHub<E> {
  private readonly listeners = new Set<(event: E) => void>()

  subscribe(listener: (event: E) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  publish(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (error) {
        // One broken subscriber (a closed SSE stream, a destroyed window) must not starve the rest.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}
