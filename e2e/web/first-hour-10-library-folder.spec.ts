import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '../fixtures/web-app'
import { expectInViewport, FIRST_HOUR_VIEWPORTS, NARROW_VIEWPORT } from './support/in-viewport'

// Issue 15, item 10: the library folder. A new user, so the welcome's folder step is seen too.
test.use({ onboarded: false })

const FIXED_NOTE =
  'This is set by the COURIER_LIBRARY_DIR environment variable when Comfy Courier starts, so it cannot be changed here. To choose the folder here, start Comfy Courier without COURIER_LIBRARY_DIR.'

for (const viewport of [...FIRST_HOUR_VIEWPORTS, NARROW_VIEWPORT]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test.describe('with COURIER_LIBRARY_DIR set', () => {
      test.use({ libraryDirFrom: 'env' })

      test('the folder is shown, disabled, with where it comes from, in the welcome and in Settings', async ({ page, app }) => {
        await page.goto(app.ready.web)
        await page.getByRole('button', { name: 'Continue' }).click()
        const folder = page.getByLabel('Library folder')
        await expect(folder).toBeDisabled()
        await expect(folder).toHaveValue(app.libraryDir)
        const note = page.locator('[data-fixed-by="env"]')
        await expect(note).toHaveText(FIXED_NOTE)
        await note.scrollIntoViewIfNeeded()
        await expectInViewport(page, note)
        await page.screenshot({ path: `/tmp/first-hour-10-welcome-${viewport.width}.png` })
        await page.getByRole('button', { name: 'Finish' }).click()
        await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()

        await page.getByRole('link', { name: 'Settings' }).click()
        const setting = page.getByLabel('Library folder')
        await expect(setting).toBeDisabled()
        await expect(setting).toHaveValue(app.libraryDir)
        const settingsNote = page.getByRole('region', { name: 'Library' }).locator('[data-fixed-by="env"]')
        await expect(settingsNote).toHaveText(FIXED_NOTE)
        await settingsNote.scrollIntoViewIfNeeded()
        await expectInViewport(page, settingsNote)
        await page.screenshot({ path: `/tmp/first-hour-10-settings-${viewport.width}.png` })
        // Nothing the app could not use was saved.
        expect(JSON.parse(await readFile(join(app.dataDir, 'settings.json'), 'utf8'))).not.toHaveProperty('libraryDir')
      })
    })

    test('the welcome explains the missing picker, refuses a partial path in plain words, and offers the suggested folder', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await page.getByRole('button', { name: 'Continue' }).click()
      const folder = page.getByLabel('Library folder')
      await expect(folder).toBeEnabled()
      await expect(page.getByText(/Your browser cannot show a folder picker, so the suggested folder is filled in/)).toBeVisible()

      await folder.fill('outputs')
      await page.getByRole('button', { name: 'Finish' }).click()
      const alert = page.getByRole('alert')
      await expect(alert).toHaveText(
        `The library folder must be an absolute path: its full location on this computer, starting with “/” or a drive letter, such as ${join(homedir(), 'Pictures', 'Comfy Courier')}.`,
      )
      await expect(alert).not.toContainText('Some input is not valid')
      await expectInViewport(page, alert)
      await expect(folder).toHaveAttribute('aria-invalid', 'true')
      await page.screenshot({ path: `/tmp/first-hour-10-refused-${viewport.width}.png` })

      await page.getByRole('button', { name: 'Use the suggested folder' }).click()
      await expect(folder).toHaveValue(join(homedir(), 'Pictures', 'Comfy Courier'))
      await expect(alert).toHaveCount(0)
      // A folder of the test's own, so nothing is made in the real Pictures folder.
      const chosen = join(app.dataDir, 'my outputs')
      await folder.fill(chosen)
      await page.getByRole('button', { name: 'Finish' }).click()
      await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
      await page.getByRole('link', { name: 'Settings' }).click()
      await expect(page.getByLabel('Library folder')).toHaveValue(chosen)
      await expect(page.getByLabel('Library folder')).toBeEnabled()
    })
  })
}
