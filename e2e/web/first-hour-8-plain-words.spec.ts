import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { filterGalleryByKind } from './support/gallery-filters'

/** Words a creator would never write: field names, knobs, node classes, transport details. */
const DEVELOPER_WORDS = /enum_options|knob|largeOutputBytes|benchmark|VAEDecode|websocket|data URI|JSON array|\bMiB\b|H\.264|VP9/i
/** Help that says nothing the control does not already show. */
const FILLER = ['A number.', 'A whole number.', 'On or off.', 'A number on a slider.', 'A whole number on a slider.', 'Multi-line text.', 'One line of text.']

/** Every help text the Generate form shows now. */
const helpTexts = (page: Page) => page.locator('.gen-form .field__help, .gen-form [data-field-id] p').allTextContents()

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
]) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('the Demo speaks plainly: no developer words or filler help, Sampler is a list, and the Contact Sheet caption arrives', async ({ page, app }) => {
      test.setTimeout(90_000)
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      const picker = page.getByLabel('Deployment')

      // Each deployment's description and every field's help read as a creator's sentences.
      const names = (await picker.locator('option').allTextContents()).filter((n) => n.trim() !== '')
      expect(names.length).toBeGreaterThan(5)
      for (const name of names) {
        await picker.selectOption({ label: name })
        const description = (await page.locator('.field__help').first().textContent()) ?? ''
        expect(description, `${name}: its description`).toMatch(/^[A-Z].*\.$/)
        expect(description, `${name}: its description`).not.toMatch(DEVELOPER_WORDS)
        for (const help of await helpTexts(page)) {
          expect(help, `${name}: a field's help`).not.toMatch(DEVELOPER_WORDS)
          expect(FILLER, `${name}: a field's help`).not.toContain(help.trim())
        }
      }

      // Every Input: Sampler is a list of its choices, and LoRA / Checkpoint say "download URL" once.
      await picker.selectOption({ label: 'Every Input' })
      const sampler = page.getByRole('combobox', { name: 'Sampler', exact: true })
      await expect(sampler).toBeVisible()
      await expect(sampler).toHaveValue('euler')
      expect(await sampler.locator('option').allTextContents()).toEqual(expect.arrayContaining(['euler', 'dpmpp_2m', 'ddim']))
      for (const id of ['lora_url', 'checkpoint_url']) {
        const text = (await page.locator(`[data-field-id="${id}"]`).textContent()) ?? ''
        expect(text.match(/download URL/gi) ?? [], `${id}: how often it says "download URL"`).toHaveLength(1)
      }
      await page.screenshot({ path: `/tmp/shots/8-every-input-${viewport.width}.png` })

      // The Contact Sheet's description promises a caption: it reaches the library as a text output.
      await generate(page, 'Contact Sheet', 'mountain lake, four seasons')
      const row = page.locator('[data-run-id]').first()
      await expect(row).toHaveAttribute('data-outputs', 'saved', { timeout: 30_000 })
      await expect(row).toHaveAttribute('data-output-count', '8')
      await page.getByRole('link', { name: 'Gallery' }).click()
      await expect(page.locator('.gallery-status__count')).toHaveText('8 outputs', { timeout: 20_000 })
      await filterGalleryByKind(page, 'text')
      await expect(page.locator('.gallery [data-output-id]')).toHaveCount(1)
      await page.screenshot({ path: `/tmp/shots/8-caption-${viewport.width}.png` })
    })
  })
}
