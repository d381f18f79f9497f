/**
 * A process that fails the two ways nothing catches, with the web host's handlers installed: first a
 * rejection nobody awaits, then (once it has said it still runs) an exception thrown from a timer.
 * Usage: node --import tsx test/support/faulty-process.ts <dataDir>
 */
import { createLogger } from '../../src/main/core/log/logger'
import { logUncaughtFaults } from '../../src/main/web/process-faults'

const log = createLogger({ dataDir: process.argv[2]!, sink: () => {} })
logUncaughtFaults(process, log.child('web'))
void Promise.reject(new Error('nobody awaited this'))
setTimeout(() => {
  process.stdout.write('still running\n')
  setTimeout(() => {
    throw new Error('thrown half way through')
  })
}, 50)
