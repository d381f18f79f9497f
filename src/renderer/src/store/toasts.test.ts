import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeCourier } from '../test/fake-courier'
import { createCourierStore } from './index'
import { TOAST_MS } from './toasts'

afterEach(() => {
  vi.useRealTimers()
})

describe('toasts', () => {
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
