import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readImageMetadata } from '../../src/main/core/metadata/containers/image'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { expectInViewport } from './support/in-viewport'

// Issue 16, part 5: Export. A picture selected in the Gallery is copied to a folder with how it was made removed
// (creators who sell their pictures strip their workflows): the file on disk holds no text, EXIF or XMP.

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
]) {
  test.describe(`Export at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('a Demo picture exported with “Remove it” arrives without its prompt, seed or workflow', async ({ page, app }) => {
      const outside = await mkdtemp(join(tmpdir(), 'courier-export-e2e-'))
      try {
        const folder = join(outside, 'for sale')
        await page.goto(app.ready.web)
        await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
        await generate(page, 'Dreamscape SDXL', 'a paper lantern over water')
        await page.getByRole('link', { name: 'Gallery' }).click()
        const tiles = page.locator('.gallery [data-output-id]')
        await expect(tiles).toHaveCount(1, { timeout: 30_000 })
        const outputId = await tiles.first().getAttribute('data-output-id')

        // The library's own file carries the record: what is exported must not.
        const original = Buffer.from(await page.evaluate(async (id) => [...new Uint8Array(await (await fetch(`/media/${id}`)).arrayBuffer())], outputId))
        expect(readImageMetadata(original)?.text['comfy-courier']).toBeTruthy()

        await tiles.first().focus()
        await page.keyboard.press('Control+a')
        const selection = page.getByRole('group', { name: 'Selection' })
        await expect(selection).toContainText('1 selected')
        await selection.getByRole('button', { name: 'Export…' }).click()

        const dialog = page.getByRole('dialog', { name: 'Export 1 output' })
        const box = dialog.getByLabel('Folder')
        await expect(box).toBeFocused()
        const keep = dialog.getByRole('radio', { name: 'Keep how it was made (prompt, seed, workflow)' })
        const strip = dialog.getByRole('radio', { name: 'Remove it (for sharing or selling)' })
        const exportButton = dialog.getByRole('button', { name: 'Export', exact: true })
        const cancel = dialog.getByRole('button', { name: 'Cancel' })
        for (const control of [box, keep, strip, exportButton, cancel]) await expectInViewport(page, control)
        await expect(keep).toBeChecked()

        await box.fill(folder)
        await strip.check()
        await page.screenshot({ path: `/tmp/export-dialog-${viewport.width}.png` })
        await exportButton.click()
        await expect(dialog).toBeHidden({ timeout: 30_000 })

        const toast = page.getByRole('status').filter({ hasText: 'Exported 1 file to' })
        await expect(toast.locator('.toast__text')).toHaveText(`Exported 1 file to ${folder}.`)

        const names = await readdir(folder)
        expect(names).toEqual([expect.stringMatching(/^dreamscape-sdxl-seed-\d+-1\.png$/)])
        const bytes = await readFile(join(folder, names[0]!))
        const raw = readImageMetadata(bytes)
        expect(raw).not.toBeNull()
        expect(raw!.text).toEqual({})
        expect(raw!.exif).toEqual({})
        expect(raw!.xmp).toBeNull()
        expect(bytes.length).toBeLessThan(original.length)
      } finally {
        await rm(outside, { recursive: true, force: true })
      }
    })
  })
}
