import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EventHub } from './event-hub'

type TestEvent = { type: string; secret?: string }

describe('EventHub', () => {
  const uncaught = vi.fn()
  beforeEach(() => {
    uncaught.mockClear()
    process.on('uncaughtException', uncaught)
  })
  afterEach(() => {
    process.off('uncaughtException', uncaught)
  })

  it('logs a listener that throws, with the event type only, and still tells the others', async () => {
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = []
    const hub = new EventHub<TestEvent>({ error: (message, fields) => lines.push({ message, fields }) })
    const heard: string[] = []
    hub.subscribe(() => {
      throw new Error('the window is gone')
    })
    hub.subscribe((event) => heard.push(event.type))

    hub.publish({ type: 'run.updated', secret: 'hook-token-0123456789' })
    // Any rethrow (a microtask, a timer) has had its turn by now.
    await new Promise((resolve) => setTimeout(resolve, 10))

    expect(heard).toEqual(['run.updated'])
    expect(uncaught).not.toHaveBeenCalled()
    expect(lines).toHaveLength(1)
    expect(lines[0]!.fields).toMatchObject({ event: 'run.updated' })
    expect(String(lines[0]!.fields?.error)).toContain('the window is gone')
    expect(JSON.stringify(lines)).not.toContain('hook-token-0123456789')
  })

  it('stops telling a listener once it unsubscribes', () => {
    const hub = new EventHub<TestEvent>({ error: () => {} })
    const heard: string[] = []
    const stop = hub.subscribe((event) => heard.push(event.type))
    hub.publish({ type: 'a' })
    stop()
    hub.publish({ type: 'b' })
    expect(heard).toEqual(['a'])
    expect(hub.size).toBe(0)
  })
})
