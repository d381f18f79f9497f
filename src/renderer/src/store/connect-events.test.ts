import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeCourier } from '../test/fake-courier'
import { connectEvents } from './connect-events'
import { createCourierStore } from './index'

/** A window whose frames come only when the test draws one (a hidden tab draws none). */
function windowWithFrames() {
  let callbacks = new Map<number, FrameRequestCallback>()
  let next = 1
  const win = {
    requestAnimationFrame: (callback: FrameRequestCallback) => {
      callbacks.set(next, callback)
      return next++
    },
    cancelAnimationFrame: (id: number) => void callbacks.delete(id),
  } as unknown as Window
  const draw = () => {
    const due = callbacks
    callbacks = new Map()
    due.forEach((callback) => callback(performance.now()))
  }
  return { win, draw }
}

describe('main’s events, gathered per frame', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  const start = () => {
    const fake = new FakeCourier()
    const store = createCourierStore({ courier: fake, storage: null, random: () => 0.5 })
    const { win, draw } = windowWithFrames()
    const controller = new AbortController()
    connectEvents(fake, store, controller.signal, 'frame', win)
    const changes = vi.fn()
    store.subscribe(changes)
    return { fake, store, draw, changes, controller }
  }

  it('folds every event that arrived before the frame, in order, as one change of the store', () => {
    const { fake, store, draw, changes } = start()
    fake.receiveWebhook({ outcome: 'rejected', reason: 'bad signature' })
    fake.receiveWebhook({ outcome: 'applied' })
    fake.setTunnel({ mode: 'localtunnel', state: 'up', publicUrl: 'https://a.example', error: null })
    expect(store.getState().webhooks.items).toEqual([]) // not before the frame
    draw()
    expect(changes).toHaveBeenCalledTimes(1)
    expect(store.getState().webhooks.items.map((w) => w.outcome)).toEqual(['applied', 'rejected'])
    expect(store.getState().tunnel.status?.publicUrl).toBe('https://a.example')
    fake.receiveWebhook({ outcome: 'stale' })
    draw()
    expect(changes).toHaveBeenCalledTimes(2)
    expect(store.getState().webhooks.items).toHaveLength(3)
  })

  it('folds them within a tenth of a second where no frame is drawn (a hidden tab)', () => {
    const { fake, store, changes } = start()
    fake.receiveWebhook({ outcome: 'applied' })
    vi.advanceTimersByTime(99)
    expect(store.getState().webhooks.items).toEqual([])
    vi.advanceTimersByTime(1)
    expect(store.getState().webhooks.items).toHaveLength(1)
    expect(changes).toHaveBeenCalledTimes(1)
  })

  it('folds nothing more once the app is closed', () => {
    const { fake, store, draw, controller } = start()
    fake.receiveWebhook({ outcome: 'applied' })
    controller.abort()
    draw()
    vi.advanceTimersByTime(1000)
    expect(store.getState().webhooks.items).toEqual([])
  })
})
