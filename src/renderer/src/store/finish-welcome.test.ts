import { afterEach, describe, expect, it } from 'vitest'
import { bootstrap } from '../bootstrap'
import { FakeCourier } from '../test/fake-courier'

describe('finishing the welcome', () => {
  const apps: { dispose(): void }[] = []
  afterEach(() => apps.splice(0).forEach((app) => app.dispose()))

  it('opens Generate at once, and leaves the user where they went while the providers were read', async () => {
    const courier = new FakeCourier()
    const app = bootstrap(courier, { storage: null })
    apps.push(app)
    const s = app.store
    s.getState().nav.go('webhooks')
    courier.hold('providers.list')
    const finished = s.getState().settings.finishWelcome('demo')
    // Once onboarded is saved, Generate is open, while the providers are still being read.
    await expect.poll(() => s.getState().settings.view?.onboarded).toBe(true)
    expect(s.getState().nav.view).toBe('generate')
    // The user clicks Settings before the providers are read: they stay there.
    s.getState().nav.go('settings')
    courier.release('providers.list')
    expect((await finished).ok).toBe(true)
    expect(s.getState().nav.view).toBe('settings')
  })
})
