import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from './test/fake-courier'
import { renderApp } from './test/render-app'

describe('App shell', () => {
  it('marks itself loaded once the start-up fetches are done', async () => {
    const { container, fake } = await renderApp()
    expect(container.querySelector('[data-app-state="loaded"]')).not.toBeNull()
    const methods = new Set(fake.calls.map((c) => c.method))
    for (const m of ['app.info', 'providers.list', 'runs.list', 'outputs.list', 'tunnel.status', 'settings.get'] as const) {
      expect(methods.has(m)).toBe(true)
    }
    expect(fake.listenerCount).toBe(1)
  })

  it('shows the tunnel state in the status bar, live', async () => {
    const { fake } = await renderApp()
    const bar = screen.getByRole('contentinfo')
    expect(within(bar).getByRole('button', { name: 'The public URL is off, so runs are checked by polling.' })).toBeTruthy()
    act(() => fake.setTunnel({ mode: 'localtunnel', state: 'off', publicUrl: null, error: null }))
    expect(within(bar).getByRole('button', { name: 'The public URL opens once you connect a service.' })).toBeTruthy()
    act(() => fake.setTunnel({ mode: 'localtunnel', state: 'connecting', publicUrl: null, error: null }))
    expect(within(bar).getByRole('button', { name: 'Opening the public URL…' })).toBeTruthy()
    act(() => fake.setTunnel({ mode: 'localtunnel', state: 'up', publicUrl: 'https://abc.loca.lt', error: null }))
    expect(within(bar).getByRole('button', { name: 'Services reach this app at https://abc.loca.lt' })).toBeTruthy()
    act(() => fake.setTunnel({ mode: 'localtunnel', state: 'down', publicUrl: null, error: 'server unreachable' }))
    expect(within(bar).getByRole('button', { name: 'The public URL is down until its settings are fixed.' })).toBeTruthy()
  })

  it('navigates between views and keeps the view in the URL hash', async () => {
    await renderApp()
    fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
    expect(screen.getByRole('heading', { name: 'Gallery', level: 1 })).toBeTruthy()
    expect(window.location.hash).toBe('#/gallery')
    expect(screen.getByRole('link', { name: 'Gallery' }).getAttribute('aria-current')).toBe('page')
  })

  it('still loads, and says what failed, when a start-up call fails', async () => {
    const fake = new FakeCourier()
    fake.failNext('runs.list', { code: 'INTERNAL', message: 'database is locked' })
    const { container } = await renderApp(fake)
    expect(container.querySelector('[data-app-state="loaded"]')).not.toBeNull()
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('Something went wrong inside Comfy Courier.')
    expect(alert.textContent).toContain('database is locked')
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }))
    await screen.findByRole('heading', { name: 'Generate', level: 1 })
    await act(async () => {})
    expect(screen.queryByRole('alert')).toBeNull()
  })
})
