import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'
import { prettyBody } from './WebhooksView'

const openWebhooks = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Webhooks' }))
  await screen.findByRole('heading', { name: 'Webhooks', level: 1 })
}

const rows = () => [...document.querySelectorAll<HTMLElement>('[data-webhook-id]')]

describe('Webhooks', () => {
  it('explains where webhooks come from when there are none', async () => {
    await renderApp()
    await openWebhooks()
    expect(await screen.findByText('No webhooks received yet.')).toBeTruthy()
    expect(screen.getByText(/calls Comfy Courier back through it/)).toBeTruthy()
  })

  it('lists webhooks, expands the raw body, replays, and shows new ones live', async () => {
    const fake = new FakeCourier()
    fake.receiveWebhook({ status: 'success', outcome: 'stale', reason: 'run already succeeded' })
    const { store } = await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(1))
    const row = rows()[0] as HTMLElement
    expect(within(row).getByText('stale')).toBeTruthy()
    expect(within(row).getByText('run already succeeded')).toBeTruthy()
    expect(within(row).getByText('ComfyDeploy')).toBeTruthy()

    const toggle = within(row).getByRole('button', { expanded: false })
    fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    expect(document.querySelector('pre')?.textContent).toBe('{\n  "run_id": "abc",\n  "status": "running",\n  "progress": 0.5\n}')

    fireEvent.click(within(row).getByRole('button', { name: 'Replay' }))
    await waitFor(() => expect(rows()).toHaveLength(2))
    expect(fake.callsTo('webhooks.replay')).toEqual([{ id: 1 }])
    expect(screen.getByText('replay of #1')).toBeTruthy()

    act(() => void fake.receiveWebhook({ outcome: 'rejected', reason: 'unknown token' }))
    expect(rows()).toHaveLength(3)
    expect(rows()[0]?.dataset.outcome).toBe('rejected')
    expect(store.getState().webhooks.items.map((w) => w.id)).toEqual([3, 2, 1])
  })

  it('shows a body that is not JSON as received', () => {
    expect(prettyBody('status=ok&x=1')).toBe('status=ok&x=1')
  })
})
