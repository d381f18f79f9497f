import AxeBuilder from '@axe-core/playwright'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'

// Issue 16: an imported folder managed from Settings → Library: rescanned (a new file joins the gallery),
// watched and unwatched, and removed from the library after a confirmation, its files left on disk.

const png = (i: number) =>
  sharp({ create: { width: 32, height: 24, channels: 3, background: { r: (i * 53) % 256, g: (i * 17) % 256, b: (i * 101) % 256 } } })
    .png()
    .toBuffer()

/** Serious or critical axe findings on the page as it is, one line each. */
async function seriousProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))
}

/** The number on the gallery's Imported filter (the filters fold behind a button in a narrow window). */
async function importedCount(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'Gallery' }).click()
  const folded = page.getByRole('button', { name: 'Filters' })
  if (await folded.isVisible()) await folded.click()
  const text = (await page.getByRole('group', { name: 'Source' }).getByRole('button', { name: /Imported/ }).textContent()) ?? ''
  if (await folded.isVisible()) await folded.click()
  return text.replace(/\D/g, '')
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
]) {
  test.describe(`manage an imported folder, at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('rescan a folder, toggle its watch, then remove it: the gallery follows and the files stay on disk', async ({ page, app }) => {
      test.setTimeout(120_000)
      const root = await mkdtemp(join(tmpdir(), 'courier-e2e-import-folders-'))
      try {
        const folder = join(root, 'renders')
        await mkdir(folder)
        for (let i = 0; i < 6; i++) await writeFile(join(folder, `render-${i}.png`), await png(i))

        await page.goto(app.ready.web)
        await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
        await page.getByRole('link', { name: 'Settings' }).click()
        await page.getByLabel('Folder to add').fill(folder)
        await page.getByRole('button', { name: 'Add', exact: true }).click()
        await expect(page.locator('.library-import[data-import-state="done"]')).toContainText('6 files added', { timeout: 60_000 })
        const row = page.getByRole('table', { name: 'Imported folders' }).getByRole('row').nth(1)
        await expect(row.getByRole('cell').nth(1)).toHaveText('6')

        // Rescan: a file put there since joins the library.
        await writeFile(join(folder, 'render-new.png'), await png(99))
        const rescan = page.getByRole('button', { name: `Rescan ${folder}` })
        await expect(rescan).toBeEnabled()
        await rescan.click()
        await expect(page.locator('.library-import[data-import-state="done"]').last()).toContainText('1 file added', { timeout: 60_000 })
        await expect(row.getByRole('cell').nth(1)).toHaveText('7')
        await expect(rescan).toBeEnabled()
        expect(await importedCount(page)).toBe('7')

        // Watch on, then off again: the checkbox follows what main answers.
        await page.getByRole('link', { name: 'Settings' }).click()
        const watch = page.getByRole('checkbox', { name: `Watch ${folder} for new files` })
        await expect(watch).not.toBeChecked()
        await watch.click()
        await expect(watch).toBeChecked()
        await expect(row).toContainText('Yes')
        await watch.click()
        await expect(watch).not.toBeChecked()
        await expect(row).toContainText('No')

        // The folder's actions fit the window, and pass axe.
        const actions = row.getByRole('cell').last()
        const box = await actions.boundingBox()
        expect(box !== null && box.x + box.width <= viewport.width).toBe(true)
        expect(await seriousProblems(page)).toEqual([])

        // Remove: the confirmation says how many outputs leave and that the files stay.
        await page.getByRole('button', { name: `Remove ${folder} from the library` }).click()
        const confirm = page.getByRole('alertdialog', { name: 'Remove this folder from the library?' })
        await expect(confirm).toContainText('7 outputs leave the gallery')
        await expect(confirm).toContainText('The files stay on disk')
        expect(await seriousProblems(page)).toEqual([])
        await confirm.getByRole('button', { name: 'Remove from library' }).click()
        await expect(confirm).toBeHidden()
        await expect(page.getByRole('table', { name: 'Imported folders' })).toHaveCount(0)

        await page.getByRole('link', { name: 'Gallery' }).click()
        await expect(page.locator('.gallery [data-output-id]')).toHaveCount(0)
        expect(((await readdir(folder)) as string[]).sort()).toEqual([...Array.from({ length: 6 }, (_, i) => `render-${i}.png`), 'render-new.png'].sort())
      } finally {
        await rm(root, { recursive: true, force: true })
      }
    })
  })
}
