import { cleanup, render, waitFor } from '@testing-library/react'
import { afterEach, beforeEach } from 'vitest'
import { App } from '../App'
import { bootstrap, type App as AppRuntime } from '../bootstrap'
import { RuntimeProvider } from '../store/context'
import { FakeCourier } from './fake-courier'

let running: AppRuntime[] = []

beforeEach(() => {
  window.history.replaceState(null, '', '/')
  window.localStorage.clear()
})

afterEach(() => {
  cleanup()
  running.forEach((app) => app.dispose())
  running = []
})

export interface RenderOptions {
  random?: () => number
  storage?: Storage | null
}

/** Boots the real store against a fake courier and renders the whole app, as main.tsx does. */
export async function renderApp(fake = new FakeCourier(), options: RenderOptions = {}) {
  const app = bootstrap(fake, { storage: options.storage === undefined ? window.localStorage : options.storage, random: options.random })
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
