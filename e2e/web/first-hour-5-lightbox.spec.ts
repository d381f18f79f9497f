import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { expectBoxInViewport } from './support/in-viewport'

// Issue 15, item 5: the lightbox keeps its keys after a re-run, browser Back closes it, identical toasts are one
// (and never cover its side panel), and the inputs are listed by the form's labels.

const PROMPT = 'a lighthouse at dusk, volumetric light, seen from the sea'

async function openGalleryLightbox(page: Page, appUrl: string): Promise<Locator> {
  await page.goto(appUrl)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await generate(page, 'Dreamscape SDXL', PROMPT, 2)
  await page.getByRole('link', { name: 'Gallery' }).click()
  const tiles = page.locator('.gallery [data-output-id]')
  await expect(tiles).toHaveCount(2, { timeout: 30_000 })
  await tiles.first().click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.locator('.viewer__count')).toHaveText('1 / 2')
  return dialog
}

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
  { width: 760, height: 600 },
]) {
  test.describe(`the lightbox at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport, permissions: ['clipboard-read', 'clipboard-write'] })

    test('after a re-run, ←, →, F and Esc still work, and the re-run button keeps the focus', async ({ page, app }) => {
      const dialog = await openGalleryLightbox(page, app.ready.web)
      const rerun = dialog.getByRole('button', { name: 'Re-run with same seed' })
      await rerun.click()
      await expect(dialog.locator('.toast', { hasText: 'Started a new run of Dreamscape SDXL with the same seed.' })).toBeVisible()
      // Focus stays where the user left it, inside the lightbox, rather than falling to the page.
      await expect(rerun).toBeFocused()

      await page.keyboard.press('ArrowRight')
      await expect(dialog.locator('.viewer__count')).toHaveText(/^2 \/ \d+$/)
      await page.keyboard.press('ArrowLeft')
      await expect(dialog.locator('.viewer__count')).toHaveText(/^1 \/ \d+$/)
      const favourite = dialog.getByRole('button', { name: 'Favourite', exact: true })
      await expect(favourite).toHaveAttribute('aria-pressed', 'false')
      await page.keyboard.press('f')
      await expect(favourite).toHaveAttribute('aria-pressed', 'true')
      await page.keyboard.press('Escape')
      await expect(dialog).toBeHidden()
      await expect(page.locator('.gallery [data-output-id]:focus')).toHaveCount(1)
    })

    // Not a matter of the window's size: once, at the widest.
    if (viewport.width === 1280) {
      test('browser Back closes the lightbox and stays in the Gallery; after Esc, Back leaves the Gallery as before', async ({ page, app }) => {
        const dialog = await openGalleryLightbox(page, app.ready.web)
        await page.goBack()
        await expect(dialog).toBeHidden()
        await expect(page.getByRole('heading', { name: 'Gallery', level: 1 })).toBeVisible()
        expect(new URL(page.url()).hash).toBe('#/gallery')
        await expect(page.locator('.gallery [data-output-id]:focus')).toHaveCount(1)

        // Closed with Escape, it leaves no entry behind: one Back goes to the view before the Gallery.
        await page.locator('.gallery [data-output-id]').first().click()
        await expect(dialog).toBeVisible()
        await page.keyboard.press('Escape')
        await expect(dialog).toBeHidden()
        await page.goBack()
        await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()

        // "Show run" goes to Runs; Back from there comes to the Gallery at once.
        await page.goForward()
        await expect(page.getByRole('heading', { name: 'Gallery', level: 1 })).toBeVisible()
        await page.locator('.gallery [data-output-id]').first().click()
        await dialog.getByRole('button', { name: 'Re-run with new seed' }).click()
        await dialog.locator('.toast').getByRole('button', { name: 'Show run' }).click()
        await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible()
        await expect(dialog).toBeHidden()
        await page.goBack()
        await expect(page.getByRole('heading', { name: 'Gallery', level: 1 })).toBeVisible()
        await page.goBack()
        await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
      })
    }

    test('the same message three times is one toast that says so, over the picture rather than the details', async ({ page, app }) => {
      const dialog = await openGalleryLightbox(page, app.ready.web)
      const copy = dialog.getByRole('button', { name: 'Copy prompt' })
      for (let i = 0; i < 3; i++) {
        await copy.click()
        await expect(dialog.locator('.toast')).toContainText(i === 0 ? 'Prompt copied.' : `×${i + 1}`)
      }
      const toasts = dialog.locator('.toast')
      await expect(toasts).toHaveCount(1)
      await expect(toasts).toContainText('(3 times)')
      const toastBox = await toasts.boundingBox()
      const panelBox = await dialog.getByRole('region', { name: 'Details' }).boundingBox()
      expectBoxInViewport(page, toastBox)
      expect(toastBox !== null && panelBox !== null && overlaps(toastBox, panelBox)).toBe(false)
      await page.screenshot({ path: `/tmp/first-hour-5-${viewport.width}.png` })
      // Its buttons stay reachable: dismissing it keeps focus inside the lightbox.
      await toasts.getByRole('button', { name: 'Dismiss notification' }).click()
      await expect(toasts).toHaveCount(0)
      await page.keyboard.press('ArrowRight')
      await expect(dialog.locator('.viewer__count')).toHaveText('2 / 2')
    })

    // Not a matter of the window's size: once, at the widest.
    if (viewport.width === 1280) {
      test('the inputs are listed by the form’s labels, not by their keys', async ({ page, app }) => {
        const dialog = await openGalleryLightbox(page, app.ready.web)
        const inputs = dialog.getByRole('region', { name: 'Details' }).getByLabel('Inputs')
        for (const label of ['Prompt', 'Steps', 'Seed']) await expect(inputs.locator('dt', { hasText: new RegExp(`^${label}$`) })).toHaveCount(1)
        await expect(inputs).not.toContainText('positive_prompt')
        await expect(inputs).toContainText(PROMPT)
      })
    }
  })
}
