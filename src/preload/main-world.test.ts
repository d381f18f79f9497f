import { describe, expect, it } from 'vitest'
import type { CourierClient } from '@shared/client'
import type { CourierEvent } from '@shared/events'
import { err } from '@shared/result'
import { installCourier, type CourierTransport } from './main-world'

/** A transport that behaves like the preload's: a real listener set, and invoke answering from a table. */
function fakeTransport() {
  const listeners = new Set<(event: CourierEvent) => void>()
  const transport: CourierTransport = {
    invoke: (method) =>
      Promise.resolve(method === 'app.info' ? { ok: true, value: { version: '0.1.0' } } : err('UNKNOWN_METHOD', method)) as never,
    listen: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  const emit = (event: CourierEvent): void => {
    for (const listener of listeners) listener(event)
  }
  return { transport, listeners, emit }
}

const tunnelEvent: CourierEvent = {
  type: 'tunnel.changed',
  tunnel: { mode: 'off', state: 'off', publicUrl: null, error: null },
}

/**
 * Electron runs `installCourier` from its source text in the page's world, where nothing from this
 * module exists. Rebuilding it the same way with `new Function` (global scope only) fails if it ever
 * reaches for an import or a module-level name. Its `globalThis` is a throw-away object per test,
 * because the property it defines cannot be redefined.
 */
function install(transport: CourierTransport): CourierClient {
  const page = {} as { courier?: CourierClient }
  const rebuilt = new Function('globalThis', `return (${installCourier.toString()})`)(page) as typeof installCourier
  rebuilt(transport, 'courier-media')
  if (!page.courier) throw new Error('installCourier did not define courier')
  return page.courier
}

describe('installCourier (runs in the page world)', () => {
  it('is self-contained: rebuilt from its source text it still defines window.courier', () => {
    const courier = install(fakeTransport().transport)
    expect(Object.isFrozen(courier)).toBe(true)
    expect(Object.keys(courier).sort()).toEqual(['invoke', 'mediaUrl', 'subscribe'])
  })

  it('passes invoke through to the transport', async () => {
    const courier = install(fakeTransport().transport)
    await expect(courier.invoke('app.info', {})).resolves.toEqual({ ok: true, value: { version: '0.1.0' } })
  })

  it('delivers the event alone and stops when the signal aborts', () => {
    const { transport, listeners, emit } = fakeTransport()
    const courier = install(transport)
    const seen: unknown[][] = []
    const controller = new AbortController()
    courier.subscribe((...args: unknown[]) => seen.push(args), controller.signal)
    emit(tunnelEvent)
    expect(seen).toEqual([[tunnelEvent]])
    controller.abort()
    emit(tunnelEvent)
    expect(seen).toHaveLength(1)
    expect(listeners.size).toBe(0)
  })

  it('does not subscribe at all with a signal that already aborted', () => {
    const { transport, listeners } = fakeTransport()
    install(transport).subscribe(() => undefined, AbortSignal.abort())
    expect(listeners.size).toBe(0)
  })

  it('builds courier-media://output/<encoded id> URLs', () => {
    const courier = install(fakeTransport().transport)
    expect(courier.mediaUrl('a/b c' as never)).toBe('courier-media://output/a%2Fb%20c')
  })
})
