import type { Locator } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { expectInViewport } from './support/in-viewport'

const COUNTDOWN = /^The public URL is down\. Trying again in (\d+) seconds?\.$/

/** The seconds the status bar counts down to, or null while it shows something else. */
async function secondsLeft(bar: Locator): Promise<number | null> {
  const match = COUNTDOWN.exec(((await bar.textContent()) ?? '').trim())
  return match ? Number(match[1]) : null
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
]) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('a tunnel that went down counts down in plain words, and a click says what is wrong and retries now', async ({ page, tunnelApp, tunnel }) => {
      test.setTimeout(120_000)
      await page.goto(tunnelApp.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      const bar = page.getByRole('contentinfo').getByRole('button', { name: /public URL|Services reach this app/ })
      await expect(bar).toHaveAttribute('data-tunnel-state', 'up', { timeout: 20_000 })
      await expect(bar).toHaveText(`Services reach this app at ${tunnel.server().clients()[0]!.url}`)

      // The tunnel server goes away; the supervisor's waits grow until there are a few seconds to count.
      await tunnel.close()
      await expect(bar).toHaveAttribute('data-tunnel-state', /down|connecting/, { timeout: 15_000 })
      await expect.poll(() => secondsLeft(bar), { timeout: 45_000 }).toBeGreaterThanOrEqual(6)
      const first = (await secondsLeft(bar))!
      // No developer words in the bar: main's reason waits behind the click.
      await expect(bar).not.toContainText(/retrying|ECONN|refused| s\b/)
      // It ticks by itself: a second later it says one second less.
      await expect.poll(() => secondsLeft(bar), { timeout: 3000 }).toBeLessThan(first)
      await expectInViewport(page, bar)
      await page.screenshot({ path: `/tmp/first-hour-3-bar-${viewport.width}.png` })

      // A click opens what is wrong, the address tried, and Retry now (which has the focus).
      await bar.click()
      const panel = page.getByRole('dialog', { name: 'Public URL' })
      await expect(panel).toBeVisible()
      await expectInViewport(page, panel)
      await expect(panel.getByRole('heading', { name: 'What went wrong' })).toBeVisible()
      await expect(panel).toContainText('The tunnel server refused the connection. It may be down, or a firewall may be blocking it.')
      await expect(panel).toContainText(`Address tried${tunnel.url}`)
      await expect(panel).toContainText(/The public URL is down\. Trying again in \d+ seconds?\./)
      const retry = panel.getByRole('button', { name: 'Retry now' })
      await expect(retry).toBeFocused()
      await page.screenshot({ path: `/tmp/first-hour-3-panel-${viewport.width}.png` })

      // The server is back; Retry now reaches it long before the countdown would have.
      await tunnel.start()
      const left = (await secondsLeft(bar))!
      expect(left).toBeGreaterThanOrEqual(4)
      await page.keyboard.press('Enter')
      await expect(bar).toHaveAttribute('data-tunnel-state', 'up', { timeout: (left - 2) * 1000 })
      await expect(panel).toContainText(`Services reach this app at ${tunnel.server().clients()[0]!.url}`)
      // The button went with the trouble: the focus stays in the panel, on Close.
      await expect(panel.getByRole('button', { name: 'Close' })).toBeFocused()
      await page.keyboard.press('Escape')
      await expect(panel).toBeHidden()
      await expect(bar).toBeFocused()
    })
  })
}
