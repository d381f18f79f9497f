import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'

/** The API as the page itself calls it (same cookie), to look at what the app knows. */
async function api<T>(page: Page, method: string, args: unknown): Promise<T> {
  const origin = new URL(page.url()).origin
  const answer = (await (await page.request.post(`${origin}/api/${method}`, { data: args })).json()) as { ok: boolean; value: T }
  expect(answer.ok).toBe(true)
  return answer.value
}

test('the tunnel goes down mid-run: the run finishes by polling, and the tunnel comes back on its own', async ({ page, tunnelApp, tunnel }) => {
  test.setTimeout(120_000)
  await page.goto(tunnelApp.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

  // Up through the loopback tunnel server, with the URL it handed out.
  const bar = page.locator('.statusbar [data-tunnel-state]')
  await expect(bar).toHaveAttribute('data-tunnel-state', 'up', { timeout: 20_000 })
  const [client] = tunnel.server().clients()
  expect(client).toBeDefined()
  await expect(bar).toContainText(`Services reach this app at ${client!.url}`)

  // A slow run (about 5 s at the simulator's 0.2 time scale), told to call that URL.
  await page.getByRole('radio', { name: 'ComfyDeploy' }).check()
  await page.getByLabel('Deployment').selectOption({ label: 'Slow Render' })
  await page.getByLabel('Prompt', { exact: true }).fill('a harbour at night, the tunnel about to drop')
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  const row = page.locator('[data-run-id]').first()
  await expect(row).toHaveAttribute('data-run-status', 'running', { timeout: 20_000 })
  // Its updates so far crossed the tunnel as webhooks.
  await expect
    .poll(async () => (await api<{ outcome: string }[]>(page, 'webhooks.list', { limit: 50 })).some((w) => w.outcome === 'applied'), { timeout: 10_000 })
    .toBe(true)
  const [before] = await api<{ polling: boolean }[]>(page, 'runs.list', { limit: 1 })
  expect(before!.polling).toBe(false)

  // The tunnel server goes away while the run is running.
  await tunnel.close()
  await expect(bar).toHaveAttribute('data-tunnel-state', 'down', { timeout: 15_000 })
  await expect(bar).toContainText('The public URL is down.')

  // The run still gets there: it was switched to polling when its URL died.
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 })
  const [after] = await api<{ status: string; polling: boolean }[]>(page, 'runs.list', { limit: 1 })
  expect(after).toMatchObject({ status: 'succeeded', polling: true })
  await expect(bar).toHaveAttribute('data-tunnel-state', /down|connecting/)

  // The tunnel server is back on the same port: the supervisor's backoff finds it and the bar says up.
  await tunnel.start()
  await expect(bar).toHaveAttribute('data-tunnel-state', 'up', { timeout: 45_000 })
  const [again] = tunnel.server().clients()
  expect(again).toBeDefined()
  await expect(bar).toContainText(`Services reach this app at ${again!.url}`)
})
