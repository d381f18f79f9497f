import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../test/fake-courier'
import { renderApp } from '../test/render-app'

const toast = () => screen.getByRole('alert')

describe('error toasts offer the next step', () => {
  it('a submit refused for a missing key: "Open Settings", which goes there', async () => {
    const fake = new FakeCourier()
    fake.failNext('runs.submit', { code: 'NOT_CONFIGURED', message: 'demo has no API key yet' })
    await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(toast().textContent).toContain('Could not start the run: Add your API key in Settings. demo has no API key yet'))
    expect(toast().closest('[data-toast-tone]')?.getAttribute('data-toast-tone')).toBe('error')
    fireEvent.click(within(toast()).getByRole('button', { name: 'Open Settings' }))
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull() // the toast went with the click
  })

  it('a submit that failed on the way: "Retry" sends it again, and the new attempt replaces the old toast', async () => {
    const fake = new FakeCourier()
    fake.failNext('runs.submit', { code: 'INTERNAL', message: 'Could not reach Comfy Courier (Failed to fetch).' })
    fake.failNext('runs.submit', { code: 'PROVIDER_UNAVAILABLE', message: 'HTTP 503' })
    await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(toast().textContent).toContain('Failed to fetch'))
    fireEvent.click(within(toast()).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(toast().textContent).toContain('HTTP 503'))
    expect(screen.getAllByRole('alert')).toHaveLength(1)
    fireEvent.click(within(toast()).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(3))
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull())
    expect(fake.runs.size).toBe(1)
  })

  it('a refusal with no next step has only "Dismiss notification"', async () => {
    const fake = new FakeCourier()
    fake.failNext('runs.submit', { code: 'PROVIDER_REFUSED', message: 'insufficient balance' })
    await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(toast().textContent).toContain('insufficient balance'))
    expect(within(toast()).getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent)).toEqual(['Dismiss notification'])
  })

  it('a failed cancel offers "Retry"', async () => {
    const fake = new FakeCourier()
    const { store } = await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(fake.runs.size).toBe(1))
    const [run] = [...fake.runs.values()]
    fake.failNext('runs.cancel', { code: 'PROVIDER_TIMEOUT', message: 'no answer in 30 s' })
    await act(() => store.getState().runs.cancel(run!.id))
    expect(toast().textContent).toContain('Could not cancel the run')
    fireEvent.click(within(toast()).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(fake.callsTo('runs.cancel')).toHaveLength(2))
  })
})
