import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { expectInViewport, THEMED_VIEWPORTS } from './support/in-viewport'

for (const { scheme, ...viewport } of THEMED_VIEWPORTS) {
  test.describe(`${viewport.width}×${viewport.height} ${scheme}`, () => {
    test.use({ viewport, colorScheme: scheme })

    test('a batch is one contact-sheet row with each seed, and a cancelled batch says honestly that nothing is coming', async ({ page, app }) => {
      test.setTimeout(90_000)
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

      // A slow batch (to cancel) and a quick one (to finish).
      await generate(page, 'Slow Render', 'a harbour at night that will be cancelled', 3)
      await generate(page, 'Dreamscape SDXL', 'a lighthouse at dusk, four seeds', 4)

      // Generate's Recent runs: each batch is one entry, a contact sheet of its seeds, not a card per run.
      const recent = page.getByRole('region', { name: 'Recent runs' })
      const quick = recent.getByRole('listitem', { name: /^Batch of 4 runs · Dreamscape SDXL/ })
      await expect(quick).toBeVisible()
      const quickCells = quick.locator('[data-run-id]')
      await expect(quickCells).toHaveCount(4)
      await expect(quick.locator('[data-run-status="succeeded"][data-outputs="saved"]')).toHaveCount(4, { timeout: 30_000 })
      const seeds = await quickCells.locator('.sheet-cell__seed').allTextContents()
      for (const seed of seeds) expect(seed).toMatch(/^Seed \d+$/)
      expect(new Set(seeds).size).toBe(4)
      // Four cards of a run each stood about 100 px tall here; the whole batch now takes less than that for three,
      // and stays inside the card.
      const quickBox = await quick.boundingBox()
      const recentBox = await recent.boundingBox()
      expect(quickBox?.height ?? 999).toBeLessThan(320)
      expect((quickBox?.x ?? 0) + (quickBox?.width ?? 0)).toBeLessThanOrEqual((recentBox?.x ?? 0) + (recentBox?.width ?? 0))
      await expect(recent.getByRole('listitem', { name: /^Batch of 3 runs · Slow Render/ })).toBeVisible()
      await page.screenshot({ path: `/tmp/shots/6-generate-${viewport.width}.png` })

      await page.getByRole('link', { name: 'Runs', exact: true }).click()
      const slow = page.locator('.view').getByRole('listitem', { name: /^Batch of 3 runs · Slow Render/ })
      await slow.getByRole('button', { name: 'Cancel all' }).click()
      await expect(slow.locator('[data-run-status="cancelled"]')).toHaveCount(3, { timeout: 20_000 })

      // Its bar shows a cancelled part, not a full green one, and nothing promises outputs.
      const bar = slow.getByRole('progressbar', { name: /^Progress of batch/ })
      await expect(bar).toHaveAttribute('aria-valuetext', '3 cancelled')
      await expect(bar.locator('[data-part="cancelled"]')).toBeVisible()
      await expect(bar.locator('[data-part="ok"]')).toHaveCount(0)
      await expect(slow.getByRole('button', { name: 'Show in Gallery' })).toHaveCount(0)
      await expect(slow).toContainText('This batch was cancelled before it made any outputs.')

      // The finished batch: a compact row of seeds, inside the window, each picture one click away.
      const done = page.locator('.view').getByRole('listitem', { name: /^Batch of 4 runs · Dreamscape SDXL/ })
      await done.scrollIntoViewIfNeeded()
      await expectInViewport(page, done)
      expect((await done.boundingBox())?.height ?? 999).toBeLessThan(260)
      await expect(done.getByRole('button', { name: 'Show in Gallery' })).toBeVisible()
      const doneBar = done.getByRole('progressbar', { name: /^Progress of batch/ })
      await expect(doneBar).toHaveAttribute('aria-valuetext', '4 succeeded')
      await expect(done.getByRole('button', { name: /^Open the output of seed \d+$/ })).toHaveCount(4)
      await page.screenshot({ path: `/tmp/shots/6-runs-${viewport.width}.png` })
      // The contact sheets and the parted bars pass axe like the rest of the app (a11y.spec.ts has no batch).
      const { violations } = await new AxeBuilder({ page }).include('.view').analyze()
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])

      // Failed lists no cancelled run; Cancelled has a filter of its own.
      const filters = page.getByRole('group', { name: 'Show' })
      await filters.getByRole('button', { name: 'Failed' }).click()
      await expect(page.getByText('No run has failed.')).toBeVisible()
      await expect(page.locator('.view [data-run-status="cancelled"]')).toHaveCount(0)
      await filters.getByRole('button', { name: 'Cancelled' }).click()
      await expect(page.locator('.view [data-run-status="cancelled"]')).toHaveCount(3)
      await expect(page.locator('.view [data-run-status="succeeded"]')).toHaveCount(0)
      await expectInViewport(page, filters)
    })
  })
}
