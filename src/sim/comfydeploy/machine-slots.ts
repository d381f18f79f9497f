/** A ComfyDeploy machine's default `concurrency_limit` (comfydeploy.md §10). */
export const COMFYDEPLOY_MACHINE_CONCURRENCY = 2

/**
 * How many runs each ComfyDeploy machine works on at once (its `concurrency_limit`, comfydeploy.md §10–§11):
 * the runs beyond wait `not-started`, in the order they were queued, until one of the machine's runs ends.
 * A provider that took every run at once would let a script firing 400 runs finish far sooner than any
 * real service lets it.
 */
export class MachineSlots {
  private readonly busy = new Map<string, number>()
  private readonly waiting = new Map<string, Array<() => void>>()

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a machine's concurrency must be a whole number ≥ 1, got ${limit}`)
  }

  /**
   * Resolves once `machine` has a free slot for this run, with the function that frees it again (call it
   * once, when the run ends). Rejects with the signal's reason when `signal` aborts first; the run then
   * holds no slot.
   */
  enter(machine: string, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error)
    if ((this.busy.get(machine) ?? 0) < this.limit) return Promise.resolve(this.occupy(machine))
    return new Promise((resolve, reject) => {
      const line = this.waiting.get(machine) ?? []
      this.waiting.set(machine, line)
      const admit = () => {
        signal.removeEventListener('abort', leave)
        resolve(this.occupy(machine))
      }
      const leave = () => {
        const at = line.indexOf(admit)
        if (at >= 0) line.splice(at, 1)
        reject(signal.reason)
      }
      signal.addEventListener('abort', leave, { once: true })
      line.push(admit)
    })
  }

  /** Runs working on `machine` now. */
  inUse(machine: string): number {
    return this.busy.get(machine) ?? 0
  }

  private occupy(machine: string): () => void {
    this.busy.set(machine, (this.busy.get(machine) ?? 0) + 1)
    let freed = false
    return () => {
      if (freed) return
      freed = true
      this.busy.set(machine, (this.busy.get(machine) ?? 1) - 1)
      // The first run waiting takes it at once, before any run queued later can.
      this.waiting.get(machine)?.shift()?.()
    }
  }
}
