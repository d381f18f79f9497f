import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'
import { DRAWER_QUERY } from './WebhooksView'

const rows = () => [...document.querySelectorAll<HTMLElement>('tr[data-webhook-id]')]
const timeButton = (row: HTMLElement) => within(row).getByRole('button', { name: /^Webhook #\d+ at/ })

/** A window as narrow as `width`, as far as `matchMedia` tells (jsdom measures nothing). */
function narrowWindow(width: number) {
  const listeners = new Set<() => void>()
  window.matchMedia = ((query: string) => ({
    matches: query === DRAWER_QUERY && width < 1200,
    media: query,
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  })) as unknown as typeof window.matchMedia
}

const original = window.matchMedia
beforeEach(() => narrowWindow(1024))
afterEach(() => {
  window.matchMedia = original
})

describe('Webhooks in a narrow window', () => {
  it('opens the webhook in a drawer that takes the focus, and gives it back to the row on Escape or Close', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'a' })
    fake.receiveWebhook({ runId: run.id, status: 'running', outcome: 'applied', reason: 'now running' })
    fake.receiveWebhook({ runId: run.id, status: 'success', outcome: 'stale', reason: 'run already succeeded' })
    await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Webhooks' }))
    await waitFor(() => expect(rows()).toHaveLength(2))
    // No pane under the list: nothing is drawn where the user is not looking.
    expect(screen.queryByRole('complementary', { name: /^Webhook #/ })).toBeNull()
    expect(document.querySelector('[data-detail-webhook-id]')).toBeNull()

    const [newest, older] = rows() as [HTMLElement, HTMLElement]
    timeButton(newest).focus()
    fireEvent.click(timeButton(newest))
    const drawer = screen.getByRole('dialog', { name: 'Webhook #2' })
    expect(document.activeElement).toBe(drawer)
    expect(drawer.textContent).toContain('run already succeeded')
    fireEvent.keyDown(drawer, { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(timeButton(newest))

    // ↓ moves the selection only; the drawer waits for a click or Enter.
    fireEvent.keyDown(timeButton(newest), { key: 'ArrowDown' })
    expect(older.dataset.selected).toBe('true')
    expect(document.activeElement).toBe(timeButton(older))
    expect(screen.queryByRole('dialog')).toBeNull()
    fireEvent.click(timeButton(older))
    const second = screen.getByRole('dialog', { name: 'Webhook #1' })
    fireEvent.click(within(second).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(timeButton(older))
  })
})
