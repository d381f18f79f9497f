import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { Logger } from '../core/log/logger'
import { logUncaughtFaults, type FaultySource } from './process-faults'

/** A process stand-in: failures are emitted by hand, and `exit` is recorded instead of taken. */
class FakeProcess extends EventEmitter implements FaultySource {
  readonly exits: number[] = []
  exit(code: number): never {
    this.exits.push(code)
    return undefined as never
  }
}

function recordingLog() {
  const lines: Array<{ message: string; fields?: Record<string, unknown> }> = []
  const log: Pick<Logger, 'error'> = { error: (message, fields) => void lines.push({ message, fields }) }
  return { log, lines }
}

describe('logUncaughtFaults', () => {
  it('logs an unhandled rejection with its stack and keeps the host serving', () => {
    const source = new FakeProcess()
    const { log, lines } = recordingLog()
    logUncaughtFaults(source, log)
    source.emit('unhandledRejection', new Error('a forgotten promise'))
    expect(source.exits).toEqual([])
    expect(lines).toHaveLength(1)
    expect(lines[0]!.message).toBe('unhandled rejection; still serving')
    expect(String(lines[0]!.fields?.error)).toContain('a forgotten promise')
  })

  it('logs an uncaught exception with its stack, then stops with a failure code', () => {
    const source = new FakeProcess()
    const { log, lines } = recordingLog()
    logUncaughtFaults(source, log)
    source.emit('uncaughtException', new Error('half way through'))
    expect(lines).toHaveLength(1)
    expect(lines[0]!.message).toBe('uncaught exception; stopping')
    expect(String(lines[0]!.fields?.error)).toContain('half way through')
    expect(source.exits).toEqual([1])
  })
})
