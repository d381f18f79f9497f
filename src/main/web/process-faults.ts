import type { Logger } from '../core/log/logger'

/** The part of `process` this needs: its failure events, and a way out. */
export interface FaultySource {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown
  exit(code: number): never
}

const describeFault = (fault: unknown): string => (fault instanceof Error ? (fault.stack ?? fault.message) : String(fault))

/**
 * Sends the web host's failures that nothing caught to core's log (logs/courier.log and stderr), where
 * the user and a bug report can find them; without this Node prints them and the host is gone.
 */
export function logUncaughtFaults(source: FaultySource, log: Pick<Logger, 'error'>): void {
  // A rejected promise nobody awaited failed one piece of work, and its code unwound as it was written
  // to: the rest of the host is in a state it planned for, so it goes on serving.
  source.on('unhandledRejection', (reason) => log.error('unhandled rejection; still serving', { error: describeFault(reason) }))
  // An exception that reached the event loop stopped some code half way, in a state nothing planned for
  // (Node's docs: resuming is not safe). Stopping is: the store is crash-safe (WAL, one transaction per
  // change) and the next start resumes every unfinished run. An error line is written at once, so the
  // line is on disk before the exit.
  source.on('uncaughtException', (error) => {
    log.error('uncaught exception; stopping', { error: describeFault(error) })
    source.exit(1)
  })
}
