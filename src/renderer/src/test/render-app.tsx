import { cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, beforeEach } from 'vitest'
import { App } from '../App'
import { bootstrap, type App as AppRuntime } from '../bootstrap'
import { RuntimeProvider } from '../store/context'
import { afterHistorySettles } from '../store/location'
import { FakeCourier } from './fake-courier'

let running: AppRuntime[] = []

beforeEach(() => {
  window.history.replaceState(null, '', '/')
  window.localStorage.clear()
})

afterEach(async () => {
  cleanup()
  running.forEach((app) => app.dispose())
  running = []
  // A lightbox closed by the cleanup takes its history entry back; that step must land before the next test's
  // address is set, or it would move the next test's app to this one's view.
  await new Promise<void>((resolve) => afterHistorySettles(resolve))
})

export interface RenderOptions {
  random?: () => number
  storage?: Storage | null
}

/** Boots the real store against a fake courier and renders the whole app, as main.tsx does. */
export async function renderApp(fake = new FakeCourier(), options: RenderOptions = {}) {
  const app = bootstrap(fake, { storage: options.storage === undefined ? window.localStorage : options.storage, random: options.random, eventDelivery: 'each' })
  running.push(app)
  const view = render(
    <RuntimeProvider runtime={app}>
      <App />
    </RuntimeProvider>,
  )
  await waitFor(() => {
    if (view.container.querySelector('[data-app-state="loaded"]') === null) throw new Error('app not loaded yet')
  })
  return { ...view, fake, store: app.store, app }
}
