import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { expectInViewport } from './support/in-viewport'

/** The API as the page itself calls it (same cookie). */
async function api<T>(page: Page, method: string, args: unknown): Promise<T> {
  const origin = new URL(page.url()).origin
  const answer = (await (await page.request.post(`${origin}/api/${method}`, { data: args })).json()) as { ok: boolean; value: T }
  expect(answer.ok, `${method} answered ok`).toBe(true)
  return answer.value
}

/** A day's worth of webhooks: one run's, then replays of its first one until more than a page (200) is kept. */
async function fillWebhooks(page: Page): Promise<void> {
  await generate(page, 'Quick Sketch', 'a paper boat on a puddle after the rain')
  await expect(page.locator('[data-run-id]').first()).toHaveAttribute('data-outputs', 'saved', { timeout: 20_000 })
  const [first] = await api<Array<{ id: number }>>(page, 'webhooks.list', { limit: 1 })
  for (let i = 0; i < 205; i += 15) await Promise.all(Array.from({ length: 15 }, () => api(page, 'webhooks.replay', { id: first!.id })))
}

const sizes = [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
  { width: 760, height: 600 },
]

for (const viewport of sizes) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('every column of the webhook list fits, and a click shows the webhook where the user is looking', async ({ page, app }) => {
      test.setTimeout(120_000)
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await fillWebhooks(page)

      await page.getByRole('link', { name: 'Webhooks' }).click()
      const table = page.getByRole('table', { name: 'Received webhooks' })
      const rows = table.locator('tr[data-webhook-id]')
      await expect(rows).toHaveCount(200, { timeout: 15_000 })

      // Every column fits inside the table's frame: nothing to scroll sideways to, no header cut off.
      const frame = page.locator('.table-wrap')
      const overflow = await frame.evaluate((el) => el.scrollWidth - el.clientWidth)
      expect(overflow, 'the table scrolls sideways by this many pixels').toBeLessThanOrEqual(1)
      const frameBox = (await frame.boundingBox())!
      for (const name of ['Time', 'Provider', 'Run', 'Status', 'Outcome', 'Reason']) {
        const header = table.getByRole('columnheader', { name })
        await expect(header).toBeVisible()
        const box = (await header.boundingBox())!
        expect(box.x + box.width, `the ${name} column ends inside the table`).toBeLessThanOrEqual(frameBox.x + frameBox.width + 0.5)
        await expectInViewport(page, header, `the ${name} header`)
      }
      // A reason too long for its column ends in "…" and shows in full on hover.
      const reasons = await table.locator('td.webhook__reason').evaluateAll((cells) =>
        cells.map((cell) => ({ text: cell.textContent?.trim() ?? '', title: cell.getAttribute('title') })),
      )
      expect(reasons).toHaveLength(200)
      for (const reason of reasons) expect(reason.title).toBe(reason.text)
      await page.screenshot({ path: `/tmp/first-hour-4-list-${viewport.width}.png` })

      // A click on a row far down the list shows that webhook on screen, not below 200 rows.
      const row = rows.nth(150)
      const id = await row.getAttribute('data-webhook-id')
      await row.scrollIntoViewIfNeeded()
      await row.getByRole('button', { name: new RegExp(`^Webhook #${id} at`) }).click()
      if (viewport.width >= 1200) {
        const pane = page.getByRole('complementary', { name: `Webhook #${id}` })
        await expect(pane).toBeVisible()
        await expectInViewport(page, pane.getByRole('heading', { name: `Webhook #${id}` }), 'the detail pane’s title')
        await expectInViewport(page, pane.getByRole('button', { name: 'Replay' }), 'the detail pane’s Replay')
        await page.screenshot({ path: `/tmp/first-hour-4-detail-${viewport.width}.png` })
      } else {
        // Below 1200 px it opens as a drawer over the list, which takes the focus.
        const drawer = page.getByRole('dialog', { name: `Webhook #${id}` })
        await expect(drawer).toBeVisible()
        await expectInViewport(page, drawer, 'the drawer')
        await expect(drawer).toBeFocused()
        await expect(drawer.getByRole('button', { name: 'Replay' })).toBeVisible()
        await expectInViewport(page, drawer.getByRole('button', { name: 'Close' }), 'the drawer’s Close')
        await page.screenshot({ path: `/tmp/first-hour-4-drawer-${viewport.width}.png` })
        // Escape closes it and gives the focus back to the row it came from.
        await page.keyboard.press('Escape')
        await expect(drawer).toBeHidden()
        const back = row.getByRole('button', { name: new RegExp(`^Webhook #${id} at`) })
        await expect(back).toBeFocused()
        // ↑ moves the selection without covering the list; Enter opens the newer webhook.
        await page.keyboard.press('ArrowUp')
        const newer = rows.nth(149)
        await expect(newer).toHaveAttribute('data-selected', 'true')
        await expect(page.getByRole('dialog')).toHaveCount(0)
        await page.keyboard.press('Enter')
        const newerId = await newer.getAttribute('data-webhook-id')
        const again = page.getByRole('dialog', { name: `Webhook #${newerId}` })
        await expect(again).toBeVisible()
        // Its Close button closes it too, and the focus goes back to that row.
        await again.getByRole('button', { name: 'Close' }).click()
        await expect(again).toBeHidden()
        await expect(newer.getByRole('button', { name: new RegExp(`^Webhook #${newerId} at`) })).toBeFocused()
      }
    })
  })
}
