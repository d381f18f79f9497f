import { readFile } from 'node:fs/promises'
import type { Locator, Page } from '@playwright/test'
import { unzipSync } from 'fflate'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { FIRST_HOUR_VIEWPORTS, expectInViewport } from './support/in-viewport'
import { filterGalleryByKind } from './support/gallery-filters'

// Issue 15, item 9: the browser version has no dead ends. No Open / Reveal it could never do; Download for every
// output, named from deployment, seed and number; text and JSON shown in the lightbox; a selection or a batch as a ZIP.

async function contactSheet(page: Page, appUrl: string): Promise<Locator> {
  await page.goto(appUrl)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await generate(page, 'Contact Sheet', 'mountain lake, four seasons')
  await page.getByRole('link', { name: 'Gallery' }).click()
  const tiles = page.locator('.gallery [data-output-id]')
  // Six pictures, a JSON manifest of them and the caption as a text file.
  await expect(tiles).toHaveCount(8, { timeout: 30_000 })
  return tiles
}

/** What a clicked link downloads: its suggested name and its bytes. */
async function downloadFrom(page: Page, link: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
  const path = await download.path()
  return { name: download.suggestedFilename(), bytes: await readFile(path) }
}

for (const viewport of FIRST_HOUR_VIEWPORTS) {
  test.describe(`the browser version at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('the lightbox offers Download (named after deployment, seed and number) instead of Open and Reveal', async ({ page, app }) => {
      const tiles = await contactSheet(page, app.ready.web)
      await filterGalleryByKind(page, 'image')
      await tiles.first().click()
      const dialog = page.getByRole('dialog')
      await expect(dialog).toHaveAttribute('data-kind', 'image')
      await expect(dialog.getByRole('button', { name: 'Open', exact: true })).toHaveCount(0)
      await expect(dialog.getByRole('button', { name: 'Reveal in folder' })).toHaveCount(0)
      const download = dialog.getByRole('link', { name: 'Download' })
      await download.scrollIntoViewIfNeeded()
      await expectInViewport(page, download)
      const seed = (await dialog.locator('.lightbox__facts dt', { hasText: /^Seed$/ }).locator('+ dd').textContent())?.trim() ?? ''
      expect(seed).toMatch(/^\d+$/)
      const file = await downloadFrom(page, download)
      expect(file.name).toMatch(new RegExp(`^contact-sheet-seed-${seed}-\\d\\.(png|webp|jpg|jpeg)$`))
      expect(file.bytes.length).toBeGreaterThan(100)
    })

    test('a JSON output is shown in the lightbox as text, and downloads under its own name', async ({ page, app }) => {
      const tiles = await contactSheet(page, app.ready.web)
      await filterGalleryByKind(page, 'file')
      await expect(tiles).toHaveCount(1)
      await tiles.first().click()
      const dialog = page.getByRole('dialog')
      await expect(dialog.getByRole('region', { name: 'Details' })).toContainText('application/json')
      const contents = dialog.locator('pre[aria-label^="Contents of"]')
      await expect(contents).toBeVisible()
      await expectInViewport(page, contents)
      // Laid out with two-space indents, as text: the manifest names the run's pictures.
      await expect(contents).toHaveText(/^\{\n {2}"run_id": "/)
      await expect(contents).toContainText('"deployment": "Contact Sheet"')
      await page.screenshot({ path: `/tmp/first-hour-9-json-${viewport.width}.png` })
      const file = await downloadFrom(page, dialog.getByRole('link', { name: 'Download' }))
      expect(file.name).toMatch(/^contact-sheet-seed-\d+-\d\.json$/)
      expect((JSON.parse(file.bytes.toString('utf8')) as { deployment: string }).deployment).toBe('Contact Sheet')
    })

    test('a selection, and a batch, download as one ZIP', async ({ page, app }) => {
      const tiles = await contactSheet(page, app.ready.web)
      await tiles.first().focus()
      await page.keyboard.press('Control+a')
      const selection = page.getByRole('group', { name: 'Selection' })
      await expect(selection).toContainText('8 selected')
      const zipLink = selection.getByRole('link', { name: 'Download as ZIP' })
      await expectInViewport(page, zipLink)
      const zip = await downloadFrom(page, zipLink)
      expect(zip.name).toBe('contact-sheet-8-outputs.zip')
      const names = Object.keys(unzipSync(new Uint8Array(zip.bytes)))
      expect(names).toHaveLength(8)
      for (const name of names) expect(name).toMatch(/^contact-sheet-seed-\d+-\d\.(png|webp|jpg|jpeg|json|txt)$/)
      await page.screenshot({ path: `/tmp/first-hour-9-zip-${viewport.width}.png` })
      await page.keyboard.press('Escape')

      // A batch of two variations: its chip's "Download the batch as a ZIP".
      await page.getByRole('link', { name: 'Generate' }).click()
      await generate(page, 'Dreamscape SDXL', 'a paper lantern over water', 2)
      await page.getByRole('link', { name: 'Gallery' }).click()
      await expect(page.locator('.gallery-status__count')).toHaveText('10 outputs', { timeout: 30_000 })
      await page.getByRole('button', { name: /^Only batch / }).first().click()
      await expect(tiles).toHaveCount(2)
      const batchLink = page.getByRole('link', { name: 'Download the batch as a ZIP' })
      await expectInViewport(page, batchLink)
      const batch = await downloadFrom(page, batchLink)
      expect(batch.name).toBe('dreamscape-sdxl-2-outputs.zip')
      const batchNames = Object.keys(unzipSync(new Uint8Array(batch.bytes)))
      expect(batchNames).toHaveLength(2)
      for (const name of batchNames) expect(name).toMatch(/^dreamscape-sdxl-seed-\d+-1\.png$/)
    })
  })
}
