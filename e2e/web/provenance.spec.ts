import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { FIRST_HOUR_VIEWPORTS, expectInViewport } from './support/in-viewport'

// Issue 16: a file says how it was made. Dropped on Generate, a ComfyUI or A1111 picture fills the fields that
// match; one of ours brings back its own deployment and every input; the lightbox shows what a file holds.

const FIXTURES = join(process.cwd(), 'src', 'main', 'core', 'metadata', 'fixtures')

/** Drops a file on `target` as a drag from the desktop does (a DataTransfer made in the page). */
async function dropFile(page: Page, target: Locator, name: string, base64: string, type = 'image/png'): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64, type }) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }))
      return transfer
    },
    { name, base64, type },
  )
  await target.dispatchEvent('dragover', { dataTransfer })
  await target.dispatchEvent('drop', { dataTransfer })
}

const fixture = async (name: string) => (await readFile(join(FIXTURES, name))).toString('base64')
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true })

for (const viewport of FIRST_HOUR_VIEWPORTS) {
  test.describe(`files that remember how they were made, at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('a ComfyUI PNG and an A1111 PNG dropped on Generate fill the fields that match, and say what did not fit', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
      const heading = page.getByRole('heading', { name: 'Generate', level: 1 })

      await dropFile(page, heading, 'ComfyUI_00001_.png', await fixture('comfyui-saveimage.png'))
      await expect(field(page, 'Prompt')).toHaveValue('a lighthouse on a cliff at dusk, “golden hour”, 8k')
      await expect(field(page, 'Negative prompt')).toHaveValue('blurry, low quality')
      await expect(field(page, 'Seed')).toHaveValue('123456789')
      await expect(field(page, 'CFG scale')).toHaveValue('7.5')
      const filled = page.getByRole('status').filter({ hasText: 'from “ComfyUI_00001_.png”' })
      await expect(filled.locator('.toast__text')).toHaveText(/^Filled Prompt, Negative prompt, Steps, CFG scale and Seed from “ComfyUI_00001_\.png”\. Not in this form: .*Model sd_xl_base_1\.0\.safetensors\.$/)
      await expectInViewport(page, filled)

      await dropFile(page, heading, '00012-1234567890.png', await fixture('a1111-parameters.png'))
      await expect(field(page, 'Prompt')).toHaveValue('a photo of a cat in a café, masterpiece')
      await expect(field(page, 'Negative prompt')).toHaveValue('blurry, lowres')
      await expect(field(page, 'Seed')).toHaveValue('1234567890')
      await expect(field(page, 'CFG scale')).toHaveValue('7')
      // The form is still the one the user chose.
      await expect(page.getByLabel('Deployment')).toHaveValue(/./)
      await expect(page.getByLabel('Deployment').locator('option:checked')).toHaveText('Dreamscape SDXL')
    })

    test('a Demo output dropped back on Generate restores its deployment and every input, and the lightbox says how it was made', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
      await field(page, 'Negative prompt').fill('fog, text')
      await field(page, 'Seed').fill('777')
      await generate(page, 'Dreamscape SDXL', 'a harbour at night, oil painting')
      const thumb = page.locator('.recent .run__thumb').first()
      await expect(thumb.locator('img')).toBeVisible()

      // The saved file, as the user would have it on disk, dropped on another form.
      const outputId = await thumb.getAttribute('data-output-id')
      const base64 = await page.evaluate(async (id) => {
        const response = await fetch(`/media/${id}`)
        const bytes = new Uint8Array(await response.arrayBuffer())
        let text = ''
        for (const byte of bytes) text += String.fromCharCode(byte)
        return btoa(text)
      }, outputId)
      await page.getByLabel('Deployment').selectOption({ label: 'Quick Sketch' })
      await dropFile(page, page.getByRole('heading', { name: 'Generate', level: 1 }), 'harbour.png', base64)
      await expect(page.getByLabel('Deployment').locator('option:checked')).toHaveText('Dreamscape SDXL')
      await expect(field(page, 'Prompt')).toHaveValue('a harbour at night, oil painting')
      await expect(field(page, 'Negative prompt')).toHaveValue('fog, text')
      await expect(field(page, 'Seed')).toHaveValue('777')
      await expect(page.getByRole('status').filter({ hasText: 'The settings of “harbour.png” are back' })).toBeVisible()

      // In the lightbox: what the file holds, and Use these settings from there.
      await field(page, 'Prompt').fill('something else')
      await thumb.click()
      const lightbox = page.getByRole('dialog')
      const made = lightbox.getByRole('region', { name: 'How it was made' })
      await expect(made).toContainText('Written by Comfy Courier: the deployment it was made with, and every input.')
      await made.scrollIntoViewIfNeeded()
      await page.screenshot({ path: `/tmp/provenance-lightbox-${viewport.width}.png` })
      await made.getByRole('button', { name: 'Use these settings' }).click()
      await expect(lightbox).toBeHidden()
      await expect(field(page, 'Prompt')).toHaveValue('a harbour at night, oil painting')
    })
  })
}
