import { describe, expect, it, vi } from 'vitest'
import type { CourierEvent } from '@shared/events'
import { OutputId } from '@shared/output'
import { httpCourier } from './http-courier'

interface Sent {
  url: string
  init: RequestInit | undefined
}

function fakeFetch(answer: () => Promise<Response>) {
  const sent: Sent[] = []
  const fn = (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ url: String(input), init })
    return answer()
  }
  return { sent, fetch: fn as typeof fetch }
}

class FakeEventSource {
  static last: FakeEventSource | null = null
  onopen: (() => void) | null = null
  onmessage: ((m: MessageEvent) => void) | null = null
  onerror: (() => void) | null = null
  readyState = 1
  closed = false
  constructor(
    readonly url: string,
    readonly init?: EventSourceInit,
  ) {
    FakeEventSource.last = this
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
}

describe('httpCourier', () => {
  it('posts the args to /api/{method} with the cookie and returns the result', async () => {
    const { sent, fetch } = fakeFetch(async () => Response.json({ ok: true, value: [] }))
    const courier = httpCourier({ fetch })
    const res = await courier.invoke('runs.list', { limit: 5 })
    expect(res).toEqual({ ok: true, value: [] })
    expect(sent[0]?.url).toBe('/api/runs.list')
    expect(sent[0]?.init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"limit":5}' })
    expect(new Headers(sent[0]?.init?.headers).get('content-type')).toBe('application/json')
  })

  it('passes failures through, field included, and maps unknown codes to INTERNAL', async () => {
    let body: unknown = { ok: false, error: { code: 'BAD_INPUT', message: 'seed too big', field: 'seed' } }
    const courier = httpCourier({ fetch: fakeFetch(async () => Response.json(body, { status: 400 })).fetch })
    expect(await courier.invoke('app.info', {})).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: 'seed too big', field: 'seed' } })
    body = { ok: false, error: { code: 'WHAT', message: 'm' } }
    expect(await courier.invoke('app.info', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'm' } })
  })

  it('turns a network failure or a non-JSON answer into INTERNAL', async () => {
    const down = httpCourier({ fetch: fakeFetch(async () => Promise.reject(new TypeError('Failed to fetch'))).fetch })
    const r1 = await down.invoke('app.info', {})
    expect(r1.ok === false && r1.error.code).toBe('INTERNAL')
    const html = httpCourier({ fetch: fakeFetch(async () => new Response('<html>', { status: 502 })).fetch })
    const r2 = await html.invoke('app.info', {})
    expect(r2.ok === false && r2.error.message).toMatch(/HTTP 502/)
  })

  it('streams events from /api/events, drops malformed ones, closes on abort, and reports reconnects', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    let reconnects = 0
    const courier = httpCourier({ EventSource: FakeEventSource as unknown as typeof EventSource, onReconnect: () => reconnects++ })
    const got: CourierEvent[] = []
    const controller = new AbortController()
    courier.subscribe((e) => got.push(e), controller.signal)
    const source = FakeEventSource.last as FakeEventSource
    expect(source.url).toBe('/api/events')

    const tunnel = { mode: 'off', state: 'off', publicUrl: null, error: null }
    source.onopen?.()
    source.onmessage?.(new MessageEvent('message', { data: JSON.stringify({ type: 'tunnel.changed', tunnel }) }))
    source.onmessage?.(new MessageEvent('message', { data: '{"type":"nope"}' }))
    source.onmessage?.(new MessageEvent('message', { data: 'not json' }))
    expect(got).toEqual([{ type: 'tunnel.changed', tunnel }])
    expect(warn).toHaveBeenCalledTimes(2)
    warn.mockRestore()

    source.onopen?.()
    expect(reconnects).toBe(1)
    controller.abort()
    expect(source.closed).toBe(true)
  })

  it('opens a new stream when the old one gave up for good, and stops once aborted', () => {
    vi.useFakeTimers()
    try {
      const controller = new AbortController()
      httpCourier({ EventSource: FakeEventSource as unknown as typeof EventSource }).subscribe(() => {}, controller.signal)
      const first = FakeEventSource.last as FakeEventSource
      first.readyState = 2
      first.onerror?.()
      vi.advanceTimersByTime(1000)
      const second = FakeEventSource.last as FakeEventSource
      expect(second).not.toBe(first)
      controller.abort()
      expect(second.closed).toBe(true)
      second.onerror?.()
      vi.advanceTimersByTime(60_000)
      expect(FakeEventSource.last).toBe(second)
    } finally {
      vi.useRealTimers()
    }
  })

  it('serves media from /media/{id}', () => {
    expect(httpCourier().mediaUrl(OutputId.parse('a b/c'))).toBe('/media/a%20b%2Fc')
  })
})
