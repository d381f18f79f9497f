import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { expectInViewport } from './support/in-viewport'

const sizes = [
  { viewport: { width: 1280, height: 800 }, scheme: 'dark' as const, folded: false },
  { viewport: { width: 1024, height: 700 }, scheme: 'light' as const, folded: true },
  { viewport: { width: 760, height: 600 }, scheme: 'dark' as const, folded: true },
  { viewport: { width: 760, height: 600 }, scheme: 'light' as const, folded: true },
]

for (const { viewport, scheme, folded } of sizes) {
  test.describe(`at ${viewport.width}×${viewport.height} (${scheme})`, () => {
    test.use({ viewport, colorScheme: scheme })

    test(`the gallery's filters ${folded ? 'fold into one menu' : 'stay in the bar'}, and every control is inside the window`, async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await generate(page, 'Motion Loop', 'a glowing orb circling')
      await generate(page, 'Quick Sketch', 'an origami crane')
      await page.getByRole('link', { name: 'Gallery' }).click()
      const count = page.locator('.gallery-status__count')
      await expect(count).toHaveText('4 outputs', { timeout: 30_000 })

      const bar = page.getByRole('search', { name: 'Filter outputs' })
      const search = bar.getByRole('searchbox', { name: 'Search outputs' })
      const toggle = bar.getByRole('button', { name: /^Filters/ })
      const provider = bar.getByRole('combobox', { name: 'Filter by provider' })
      const videos = bar.getByRole('group', { name: 'Kind' }).getByRole('button', { name: /^Videos/ })
      await expectInViewport(page, search)

      if (!folded) {
        // Wide: every filter in the bar, within the window; no menu to open.
        await expect(toggle).toBeHidden()
        for (const control of [provider, videos, bar.getByRole('group', { name: 'Date' })]) await expectInViewport(page, control)
        const box = await bar.boundingBox()
        expect(box?.height ?? 0).toBeLessThanOrEqual(100)
        await page.screenshot({ path: `/tmp/first-hour-14-${viewport.width}-${scheme}.png` })
        return
      }

      // Narrow: one row (the search box and "Filters"), the menus folded away.
      const box = await bar.boundingBox()
      expect(box?.height ?? 999).toBeLessThanOrEqual(50)
      await expectInViewport(page, toggle)
      await expect(toggle).toHaveAttribute('aria-expanded', 'false')
      await expect(provider).toBeHidden()
      await expect(videos).toBeHidden()
      await page.screenshot({ path: `/tmp/first-hour-14-${viewport.width}-${scheme}.png` })

      // Opened, the menu holds every filter, inside the window.
      await toggle.click()
      await expect(toggle).toHaveAttribute('aria-expanded', 'true')
      const menu = page.locator('#gallery-filter-menu')
      await expectInViewport(page, menu)
      await expectInViewport(page, provider)
      await expectInViewport(page, bar.getByRole('group', { name: 'Date' }))
      await page.screenshot({ path: `/tmp/first-hour-14-${viewport.width}-${scheme}-open.png` })
      await videos.click()
      await expect(count).toHaveText('2 outputs match')

      // Escape folds it and gives focus back to "Filters", which says one filter is chosen.
      await page.keyboard.press('Escape')
      await expect(menu).toBeHidden()
      await expect(toggle).toBeFocused()
      await expect(toggle).toHaveAccessibleName('Filters 1 chosen')

      // A click elsewhere folds it too.
      await toggle.click()
      await expect(menu).toBeVisible()
      await page.getByRole('heading', { name: 'Gallery', level: 1 }).click()
      await expect(menu).toBeHidden()
    })
  })
}
