import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { expectInViewport } from './support/in-viewport'

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('a run has one short name everywhere, shows the service’s own id, and dates and sizes are said one way', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

      // The Demo is called the Demo.
      await expect(page.getByRole('radio', { name: 'Demo', exact: true })).toBeChecked()
      await expect(page.getByText('Built-in simulator')).toHaveCount(0)

      await generate(page, 'Quick Sketch', 'an origami crane')
      await page.getByRole('link', { name: 'Runs', exact: true }).click()
      const row = page.locator('.run-list [data-run-id]').first()
      await expect(row).toHaveAttribute('data-outputs', 'saved', { timeout: 30_000 })
      const runId = (await row.getAttribute('data-run-id')) ?? ''
      const short = runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)
      expect(short).toHaveLength(8)

      // The row: the short id and the Demo's own id for the run; when it started, relative.
      const ids = row.locator('.run__ids')
      await expect(ids).toHaveText(new RegExp(`^Run ${short} · Demo calls it \\S+$`))
      await expectInViewport(page, ids)
      await expect(row.locator('.run__time')).toHaveText(/^(just now|1 min ago) · /)

      // The lightbox names the run the same, and so does the file on disk.
      await row.locator('[data-output-id]').first().click()
      const details = page.getByRole('dialog').getByRole('region', { name: 'Details' })
      await expect(details).toContainText(new RegExp(`/${short}-\\d+\\.png`))
      await expect(details.locator('code', { hasText: new RegExp(`^${short}$`) })).toHaveCount(1)
      await expect(details).toContainText('Demo run')
      // Sizes in 1024s say so; dates say "just now" while recent.
      await expect(details).toContainText(/\d+(\.\d)? (B|KiB|MiB) \([\d,]+ bytes\)/)
      await expect(details).not.toContainText(/\d (KB|MB)\b/)
      await expect(details.locator('time')).toHaveText(/^(just now|1 min ago)$/)
      await page.screenshot({ path: `/tmp/first-hour-12-${viewport.width}-lightbox.png` })
      await page.keyboard.press('Escape')

      // The webhook list names the run the same way.
      await page.getByRole('link', { name: 'Webhooks' }).click()
      const hook = page.locator('tr[data-webhook-id]').first()
      await expect(hook).toBeVisible({ timeout: 15_000 })
      await expect(hook.getByRole('button', { name: `Only run ${runId}` })).toHaveText(short)
      await expect(hook.locator('time')).toHaveText(/^(just now|1 min ago)$/)
      await page.screenshot({ path: `/tmp/first-hour-12-${viewport.width}-webhooks.png` })
    })
  })
}
