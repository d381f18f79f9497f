import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { afterHistorySettles, gridFromHash, openHistoryLayer, viewFromHash } from './location'

const popped = () => new Promise<void>((resolve) => window.addEventListener('popstate', () => resolve(), { once: true }))

describe('openHistoryLayer', () => {
  beforeEach(() => window.history.replaceState(null, '', '#/gallery'))
  afterEach(() => vi.useRealTimers())

  it('browser Back closes the layer and stays on the same address', async () => {
    const onBack = vi.fn()
    const before = window.history.length
    const layer = openHistoryLayer(window, onBack)
    expect(window.history.length).toBe(before + 1)
    expect(window.location.hash).toBe('#/gallery')
    const back = popped()
    window.history.back()
    await back
    expect(onBack).toHaveBeenCalledTimes(1)
    expect(window.location.hash).toBe('#/gallery')
    layer.close() // already closed by Back: it takes no second step back
    await new Promise((r) => setTimeout(r, 20))
    expect(onBack).toHaveBeenCalledTimes(1)
  })

  it('closed by the app, it takes its own entry back; a view change waits for that step', async () => {
    const onBack = vi.fn()
    const layer = openHistoryLayer(window, onBack)
    const order: string[] = []
    const back = popped().then(() => order.push('stepped back'))
    layer.close()
    afterHistorySettles(() => order.push('next view'))
    await back
    await new Promise((r) => setTimeout(r, 0))
    expect(order).toEqual(['stepped back', 'next view'])
    expect(onBack).not.toHaveBeenCalled()
  })

  it('takes no step back once the user has moved on to another entry', async () => {
    const layer = openHistoryLayer(window, vi.fn())
    window.history.pushState(null, '', '#/runs')
    const spy = vi.spyOn(window.history, 'back')
    layer.close()
    expect(spy).not.toHaveBeenCalled()
    let ran = false
    afterHistorySettles(() => (ran = true))
    expect(ran).toBe(true)
    spy.mockRestore()
  })
})

describe('grid addresses', () => {
  it('reads #/grids/<id> as that grid, under Runs', () => {
    expect(gridFromHash('#/grids/g_12')).toBe('g_12')
    expect(viewFromHash('#/grids/g_12')).toBe('runs')
    expect(gridFromHash('#/grids/')).toBeNull()
    expect(gridFromHash('#/gallery')).toBeNull()
    expect(gridFromHash('#/grids/a/b')).toBeNull()
  })
})
