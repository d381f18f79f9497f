import { act, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Run } from '@shared/run'
import { bootstrap, type App } from '../bootstrap'
import { FakeCourier } from '../test/fake-courier'

interface Shown {
  title: string
  body: string
  icon: string | undefined
  click(): void
}

/** The browser's Notification API and the tab's visibility, stood in for (jsdom has neither). */
function standInBrowser(permission: NotificationPermission) {
  const shown: Shown[] = []
  class FakeNotification {
    static permission = permission
    static requestPermission = () => Promise.resolve(permission)
    onclick: (() => void) | null = null
    constructor(title: string, options: NotificationOptions = {}) {
      shown.push({ title, body: options.body ?? '', icon: options.icon, click: () => this.onclick?.() })
    }
    close() {}
  }
  let hidden = false
  // jsdom has no window.focus; the click calls it to bring the tab forward.
  vi.spyOn(window, 'focus').mockImplementation(() => {})
  Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true })
  Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible'), configurable: true })
  return { shown, hide: (on: boolean) => (hidden = on) }
}

let app: App | null = null

async function boot(fake: FakeCourier): Promise<App> {
  app = bootstrap(fake, { storage: null })
  const { store } = app
  await waitFor(() => expect(store.getState().app.state).toBe('loaded'))
  return app
}

beforeEach(() => {
  window.history.replaceState(null, '', '/')
})

afterEach(() => {
  vi.restoreAllMocks()
  app?.dispose()
  app = null
  Reflect.deleteProperty(window, 'Notification')
  Reflect.deleteProperty(document, 'visibilityState')
})

const runningRun = (fake: FakeCourier): Run => fake.seedRun({ prompt: 'a kite over the dunes' }, { status: 'running', progress: 0.5, finishedAt: null })

describe('browser notifications', () => {
  it('share the window’s one event subscription with the store', async () => {
    standInBrowser('granted')
    const fake = new FakeCourier()
    await boot(fake)
    expect(fake.listenerCount).toBe(1)
  })

  it('announce a run that ends while the tab is hidden; a click opens it', async () => {
    const browser = standInBrowser('granted')
    const fake = new FakeCourier()
    const run = runningRun(fake)
    const { store } = await boot(fake)
    browser.hide(true)
    act(() => void fake.fail(run.id, { code: 'RUN_FAILED', message: 'KSampler ran out of memory' }))
    await waitFor(() => expect(browser.shown).toHaveLength(1))
    expect(browser.shown[0]).toMatchObject({ title: 'Text to image failed', body: 'KSampler ran out of memory' })

    browser.hide(false)
    act(() => browser.shown[0]?.click())
    expect(store.getState().nav.view).toBe('runs')
    expect(store.getState().runs.highlight).toBe(run.id)
  })

  it('announce a succeeded run once its output is saved, with its thumbnail', async () => {
    const browser = standInBrowser('granted')
    const fake = new FakeCourier()
    const run = runningRun(fake)
    await boot(fake)
    browser.hide(true)
    act(() => void fake.emit({ type: 'run.updated', run: { ...run, status: 'succeeded', progress: 1, outputs: 'pending', updatedAt: fake.now() } }))
    await Promise.resolve()
    expect(browser.shown).toEqual([])

    act(() => void fake.advance(run.id))
    await waitFor(() => expect(browser.shown).toHaveLength(1))
    expect(browser.shown[0]).toMatchObject({ title: 'Text to image finished · 1 output', body: 'a kite over the dunes' })
    expect(browser.shown[0]?.icon).toBe(`courier-media://thumb/out-${run.id}-1`)
  })

  it('stay quiet while the tab is in front', async () => {
    const browser = standInBrowser('granted')
    const fake = new FakeCourier()
    const seen = runningRun(fake)
    await boot(fake)
    act(() => void fake.fail(seen.id, { code: 'RUN_FAILED', message: 'seen in Runs' }))
    await Promise.resolve()
    expect(browser.shown).toEqual([])
  })
})
