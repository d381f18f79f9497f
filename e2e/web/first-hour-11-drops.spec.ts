import type { Locator, Page } from '@playwright/test'
import { PNG } from 'pngjs'
import { expect, test } from '../fixtures/web-app'
import { FIRST_HOUR_VIEWPORTS, expectInViewport } from './support/in-viewport'
import { generate } from './support/generate'

// Issue 15, item 11 (and 13): a file dropped where no input takes it is no longer swallowed in silence: the app
// says why, and where it would go. A saved output goes on as an input without a trip through the file system:
// dragged from its thumbnail onto an image input, or with "Use as input" in the lightbox.

function pngBase64(): string {
  const png = new PNG({ width: 8, height: 8 })
  for (let i = 0; i < png.data.length; i += 4) png.data.set([30, 120, 220, 255], i)
  return PNG.sync.write(png).toString('base64')
}

/** Drops one PNG on `target`, as a drag from the desktop does (a DataTransfer made in the page). */
async function dropPng(page: Page, target: Locator, name: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: 'image/png' }))
      return transfer
    },
    { name, base64: pngBase64() },
  )
  await target.dispatchEvent('dragenter', { dataTransfer })
  await target.dispatchEvent('dragover', { dataTransfer })
  await target.dispatchEvent('drop', { dataTransfer })
}

for (const viewport of FIRST_HOUR_VIEWPORTS) {
  test.describe(`drops at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('an image dropped on a deployment with no image input says so', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
      await dropPng(page, page.getByLabel('Prompt', { exact: true }), 'sky.png')
      const toast = page.getByRole('alert').filter({ hasText: '“sky.png” was not used' })
      await expect(toast.locator('.toast__text')).toHaveText(
        '“sky.png” was not used: Dreamscape SDXL has no image or file input. Choose a deployment that takes one, then drop it on that input.',
      )
      await expectInViewport(page, toast)
      await page.screenshot({ path: `/tmp/first-hour-11-${viewport.width}.png` })
      // Nothing was uploaded, and the app is still there (the browser did not open the file instead).
      await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
    })

    test('an image dropped beside the image inputs says which inputs take it', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await page.getByLabel('Deployment').selectOption({ label: 'Every Input' })
      await dropPng(page, page.getByRole('heading', { name: 'Generate', level: 1 }), 'sky.png')
      await expect(page.getByRole('alert').filter({ hasText: '“sky.png” was not used' })).toContainText(
        '“sky.png” was not used: drop it on one of the inputs “Image”, “Mask (with alpha)” or “Reference images”',
      )
      // Dropped on the image input itself, it uploads as before.
      const zone = page.locator('[data-field-id="input_image"] .dropzone')
      await dropPng(page, zone, 'sea.png')
      await expect(page.locator('[data-field-id="input_image"] [data-upload-state]')).toHaveAttribute('data-upload-state', /uploading|done/)
    })

    test('outside Generate, a dropped file says where files go', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await page.getByRole('link', { name: 'Gallery' }).click()
      await dropPng(page, page.getByRole('heading', { name: 'Gallery', level: 1 }), 'sky.png')
      await expect(page.getByRole('alert').locator('.toast__text')).toHaveText(
        '“sky.png” was not used: files go on an input of the Generate form. Open Generate and drop it on an image or file input.',
      )
    })
  })
}

/** One Demo picture made, then the form switched to Every Input (which has three inputs that take images). */
async function pictureThenEveryInput(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await generate(page, 'Quick Sketch', 'a red kite over the dunes')
  const thumb = page.locator('.recent .run__thumb').first()
  await expect(thumb.locator('img')).toBeVisible()
  await page.getByLabel('Deployment').selectOption({ label: 'Every Input' })
}

for (const viewport of FIRST_HOUR_VIEWPORTS) {
  test.describe(`outputs as inputs at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('a thumbnail from Recent runs dragged onto an image input becomes its file', async ({ page, app }) => {
      await pictureThenEveryInput(page, app.ready.web)
      const field = page.locator('[data-field-id="input_image"]')
      const zone = field.locator('.dropzone')
      // A real mouse drag, from the thumbnail to the zone.
      await page.locator('.recent .run__thumb').first().dragTo(zone)

      const current = field.locator('[data-upload-state="done"]')
      await expect(current).toContainText(/\.png · .* · uploaded ✓/)
      await expect(current.locator('img.upload-item__thumb')).toBeVisible()
      await expectInViewport(page, current)
      // Nothing was opened in place of the app.
      await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
    })

    test('“Use as input” in the lightbox puts the picture in the input chosen, and opens Generate on it', async ({ page, app }) => {
      await pictureThenEveryInput(page, app.ready.web)
      await page.getByRole('link', { name: 'Gallery' }).click()
      await page.locator('.tile').first().click()
      const lightbox = page.getByRole('dialog')
      const use = lightbox.getByRole('button', { name: 'Use as input' })
      await expectInViewport(page, use)
      await use.click()
      await expect(use).toHaveAttribute('aria-expanded', 'true')
      const choices = lightbox.getByRole('list', { name: 'Inputs of Every Input that take it' })
      await expect(choices.getByRole('button')).toHaveText(['Image', 'Mask (with alpha)', 'Reference images'])
      await choices.getByRole('button', { name: 'Reference images' }).click()

      await expect(lightbox).toBeHidden()
      await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
      await expect(page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: 'as the “Reference images” of Every Input.' })).toBeVisible()
      const strip = page.locator('[data-field-id="reference_images"] .upload-strip')
      await expect(strip.locator('[data-upload-state="done"]')).toHaveCount(1)
      await expect(strip.locator('img.upload-item__thumb')).toBeVisible()
    })

    test('“Use as input” says plainly when the form in Generate has no input for a picture', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await generate(page, 'Quick Sketch', 'a lantern in the fog')
      await expect(page.locator('.recent .run__thumb img').first()).toBeVisible()
      await page.locator('.recent .run__thumb').first().click()
      const lightbox = page.getByRole('dialog')
      await lightbox.getByRole('button', { name: 'Use as input' }).click()
      const toast = page.getByRole('alert').filter({ hasText: 'has no image input' })
      await expect(toast.locator('.toast__text')).toHaveText(
        'Quick Sketch, the deployment open in Generate, has no image input. Choose one that takes an image there, then use this again.',
      )
      await expectInViewport(page, toast)
      await toast.getByRole('button', { name: 'Open Generate' }).click()
      await expect(lightbox).toBeHidden()
      await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
    })
  })
}
