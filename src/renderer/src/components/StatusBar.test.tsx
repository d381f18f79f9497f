import { act, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderApp } from '../test/render-app'

afterEach(() => {
  vi.useRealTimers()
})

describe('the status bar’s public URL', () => {
  it('counts down to the next try, and a click opens what is wrong with Retry now', async () => {
    const { fake } = await renderApp()
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    const retryAt = Date.now() + 48_000
    const error = 'tunnel connection error: connection refused: 127.0.0.1:4000 (check your firewall settings)'
    act(() => fake.setTunnel({ mode: 'localtunnel', state: 'down', publicUrl: null, error, retryAt, address: 'http://127.0.0.1:4000' }))
    const bar = screen.getByRole('contentinfo')
    const button = within(bar).getByRole('button', { name: 'The public URL is down. Trying again in 48 seconds.' })
    act(() => vi.advanceTimersByTime(1000))
    expect(button.textContent).toBe('The public URL is down. Trying again in 47 seconds.')
    expect(within(bar).getByRole('status').textContent).toBe('The public URL is down. Runs are checked by polling until it is back.')

    button.focus()
    fireEvent.click(button)
    const dialog = screen.getByRole('dialog', { name: 'Public URL' })
    expect(dialog.textContent).toContain('The tunnel server refused the connection. It may be down, or a firewall may be blocking it.')
    expect(dialog.textContent).toContain('http://127.0.0.1:4000')
    expect(dialog.textContent).toContain('In 47 seconds.')
    const retry = within(dialog).getByRole('button', { name: 'Retry now' })
    expect(document.activeElement).toBe(retry)

    await act(async () => {
      fireEvent.click(retry)
      await Promise.resolve()
    })
    expect(fake.tunnelRetries).toBe(1)
    expect(retry.textContent).toBe('Trying now…')
    expect(retry.getAttribute('aria-disabled')).toBe('true')
    fireEvent.click(retry)
    expect(fake.tunnelRetries).toBe(1)

    // Up again: the button goes, and its focus moves to Close rather than out of the dialog.
    act(() => fake.setTunnel({ mode: 'localtunnel', state: 'up', publicUrl: 'http://abc.127.0.0.1', error: null, retryAt: null, address: 'http://127.0.0.1:4000' }))
    expect(within(dialog).queryByRole('button', { name: /Retry now|Trying now/ })).toBeNull()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close' }))

    fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(within(bar).getByRole('button', { name: 'Services reach this app at http://abc.127.0.0.1' }))
  })
})
