import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { bootstrap } from '../bootstrap'
import { FakeCourier } from '../test/fake-courier'
import { createCourierStore } from './index'
import { TOAST_MS } from './toasts'

describe('toasts', () => {
  const apps: { dispose(): void }[] = []
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => {
    apps.splice(0).forEach((app) => app.dispose())
    vi.useRealTimers()
  })

  const store = () => {
    const app = bootstrap(new FakeCourier(), { storage: null })
    apps.push(app)
    return app.store
  }

  it('the same message shown again is the same toast, counted, newest last, and its time starts again', () => {
    const s = store()
    const first = s.getState().toasts.show({ tone: 'info', text: 'Image copied.' })
    s.getState().toasts.show({ tone: 'info', text: 'Prompt copied.' })
    vi.advanceTimersByTime(TOAST_MS - 100)
    const again = s.getState().toasts.show({ tone: 'info', text: 'Image copied.' })
    s.getState().toasts.show({ tone: 'info', text: 'Image copied.' })
    expect(again).toBe(first)
    expect(s.getState().toasts.items.map((t) => [t.text, t.count])).toEqual([
      ['Prompt copied.', 1],
      ['Image copied.', 3],
    ])
    vi.advanceTimersByTime(200)
    expect(s.getState().toasts.items.map((t) => t.text)).toEqual(['Image copied.'])
    vi.advanceTimersByTime(TOAST_MS)
    expect(s.getState().toasts.items).toEqual([])
  })

  it('the same text in another tone is another toast, and the newest action wins', () => {
    const s = store()
    const first = vi.fn()
    const second = vi.fn()
    s.getState().toasts.show({ tone: 'info', text: 'Started a new run.', action: { label: 'Show run', run: first } })
    s.getState().toasts.show({ tone: 'info', text: 'Started a new run.', action: { label: 'Show run', run: second } })
    s.getState().toasts.show({ tone: 'error', text: 'Started a new run.' })
    const items = s.getState().toasts.items
    expect(items).toHaveLength(2)
    items[0]?.action?.run()
    expect(second).toHaveBeenCalled()
    expect(first).not.toHaveBeenCalled()
  })
})

describe('toasts that are held', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('an info toast goes after a while, but stays while it is held (the pointer or the focus on it)', () => {
    vi.useFakeTimers()
    const store = createCourierStore({ courier: new FakeCourier(), storage: null, random: () => 0.5 })
    const toasts = () => store.getState().toasts
    const id = toasts().show({ tone: 'info', text: 'The form is back to its defaults.', action: { label: 'Undo', run: () => {} } })
    toasts().hold(id, true)
    vi.advanceTimersByTime(TOAST_MS * 3)
    expect(toasts().items.map((t) => t.id)).toEqual([id])
    toasts().hold(id, false)
    vi.advanceTimersByTime(TOAST_MS - 1)
    expect(toasts().items).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(toasts().items).toHaveLength(0)
  })

  it('an error toast stays until dismissed, whatever hold says', () => {
    vi.useFakeTimers()
    const store = createCourierStore({ courier: new FakeCourier(), storage: null, random: () => 0.5 })
    const toasts = () => store.getState().toasts
    const id = toasts().show({ tone: 'error', text: 'Could not start the run.' })
    toasts().hold(id, true)
    toasts().hold(id, false)
    vi.advanceTimersByTime(TOAST_MS * 2)
    expect(toasts().items).toHaveLength(1)
    toasts().dismiss(id)
    expect(toasts().items).toHaveLength(0)
  })
})
