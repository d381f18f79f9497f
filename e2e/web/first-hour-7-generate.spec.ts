import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { THEMED_VIEWPORTS } from './support/in-viewport'

/** The element's box, which must exist. */
async function box(el: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await el.boundingBox()
  expect(b, 'the element has a box').not.toBeNull()
  return b ?? { x: 0, y: 0, width: 0, height: 0 }
}

/** Fails unless the element is wholly inside the viewport and above the status bar. */
async function expectInView(page: Page, el: Locator): Promise<void> {
  const b = await box(el)
  const size = page.viewportSize()
  const statusBar = await box(page.locator('.statusbar'))
  expect(b.x).toBeGreaterThanOrEqual(0)
  expect(b.y).toBeGreaterThanOrEqual(0)
  expect(b.x + b.width).toBeLessThanOrEqual((size?.width ?? 0) + 0.5)
  expect(b.y + b.height).toBeLessThanOrEqual(statusBar.y + 0.5)
}

for (const { scheme, ...viewport } of THEMED_VIEWPORTS) {
  test.describe(`${viewport.width}×${viewport.height} ${scheme}`, () => {
    test.use({ viewport, colorScheme: scheme })

    test('Reset offers Undo, Variations says its limit, and the Generate bar is one row that hides nothing', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
      const prompt = page.getByLabel('Prompt', { exact: true })
      const generate = page.getByRole('button', { name: 'Generate', exact: true })
      const variations = page.getByLabel('Variations')
      const bar = page.locator('.gen-form > .form-actions')

      // The bar beside Generate is one row, wholly in view above the status bar.
      await expectInView(page, generate)
      await expectInView(page, variations)
      await expectInView(page, bar)
      expect((await box(bar)).height).toBeLessThan(90)

      // Typing in the Prompt: it is never hidden under the bar.
      await prompt.click()
      await prompt.fill('my own words about a lighthouse')
      const promptBox = await box(prompt)
      expect(promptBox.y + promptBox.height).toBeLessThanOrEqual((await box(bar)).y + 0.5)
      await page.screenshot({ path: `/tmp/shots/7-generate-${viewport.width}.png` })

      // Reset is not beside Generate, and it can be undone from a toast that takes the focus.
      await expect(bar.getByRole('button', { name: 'Reset to defaults' })).toHaveCount(0)
      const reset = page.getByRole('button', { name: 'Reset to defaults' })
      await reset.click()
      await expect(prompt).toHaveValue('a lighthouse at dusk, volumetric light')
      const toast = page.locator('[data-toast-tone="info"]')
      await expect(toast).toContainText('The form is back to its defaults.')
      const undo = toast.getByRole('button', { name: 'Undo' })
      await expect(undo).toBeFocused()
      await expectInView(page, undo)
      await page.screenshot({ path: `/tmp/shots/7-undo-${viewport.width}.png` })
      await page.keyboard.press('Enter')
      await expect(prompt).toHaveValue('my own words about a lighthouse')
      await expect(reset).toBeFocused()

      // Twenty variations: the limit is said at once and nothing starts.
      await variations.fill('20')
      await expect(variations).toHaveAttribute('aria-invalid', 'true')
      await expect(page.getByText('You can make 1 to 16 variations at a time.')).toBeVisible()
      await expect(variations).toHaveValue('20')
      await generate.click()
      await expect(page.getByRole('alert').filter({ hasText: 'Fix the highlighted field to generate.' })).toBeVisible()
      await expect(page.locator('[data-run-id]')).toHaveCount(0)
      await expectInView(page, bar)
      expect((await box(bar)).height).toBeLessThan(130)
      await page.screenshot({ path: `/tmp/shots/7-limit-${viewport.width}.png` })
    })
  })
}
