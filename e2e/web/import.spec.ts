import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { expect, test } from '../fixtures/web-app'

// Issue 16, part 4: a folder of someone's pictures (a ComfyUI output folder, A1111's) added to the library,
// indexed in place with a progress bar, then found by a word of a prompt and opened with its workflow.

const FIXTURES = join(process.cwd(), 'src', 'main', 'core', 'metadata', 'fixtures')
const REAL_FILES = ['comfyui-saveimage.png', 'comfyui-single-lossy.webp', 'a1111-parameters.png', 'a1111-utf16be.jpg']
const TOTAL = 200

/** 200 files: the ComfyUI and A1111 fixtures, and small generated PNGs (each a different colour, so none is a duplicate), some in nested folders. */
async function makeFolder(root: string): Promise<string> {
  const folder = join(root, 'ComfyUI', 'output')
  await mkdir(join(folder, 'batch', 'more'), { recursive: true })
  for (const name of REAL_FILES) await copyFile(join(FIXTURES, name), join(folder, name))
  for (let i = 0; i < TOTAL - REAL_FILES.length; i++) {
    const background = { r: i % 256, g: (i * 37) % 256, b: (i * 91) % 256 }
    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background } }).png().toBuffer()
    const sub = i % 3 === 0 ? 'batch/more/' : i % 2 === 0 ? 'batch/' : ''
    await writeFile(join(folder, `${sub}ComfyUI_${String(i).padStart(5, '0')}_.png`), png)
  }
  return folder
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
]) {
  test.describe(`import a folder, at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('import a folder of 200 mixed files, search one by a prompt word, open it in the lightbox and see its workflow', async ({ page, app }) => {
      test.setTimeout(120_000)
      const root = await mkdtemp(join(tmpdir(), 'courier-e2e-import-'))
      try {
        const folder = await makeFolder(root)
        await page.goto(app.ready.web)
        await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

        await page.getByRole('link', { name: 'Settings' }).click()
        await page.getByLabel('Folder to add').fill(folder)
        await page.getByRole('button', { name: 'Add', exact: true }).click()
        const done = page.locator('.library-import[data-import-state="done"]')
        await expect(done).toContainText(`${TOTAL} files added, 0 duplicates, 0 failed`, { timeout: 90_000 })
        const row = page.getByRole('table', { name: 'Imported folders' }).getByRole('row').nth(1)
        await expect(row.getByRole('cell').nth(0)).toHaveText(folder)
        await expect(row.getByRole('cell').nth(1)).toHaveText(String(TOTAL))

        await page.getByRole('link', { name: 'Gallery' }).click()
        // In a narrow window the filter menus fold behind "Filters".
        const folded = page.getByRole('button', { name: 'Filters' })
        if (await folded.isVisible()) await folded.click()
        await expect(page.getByRole('group', { name: 'Source' }).getByRole('button', { name: /Imported/ })).toContainText(String(TOTAL))
        if (await folded.isVisible()) await folded.click()
        await page.getByRole('searchbox', { name: 'Search outputs' }).fill('lighthouse')
        const tiles = page.locator('.gallery [data-output-id]')
        // The ComfyUI PNG and WebP hold the same prompt; none of the generated pictures does.
        await expect(tiles).toHaveCount(2)
        await tiles.first().click()

        const lightbox = page.getByRole('dialog')
        await expect(lightbox.getByRole('heading', { name: 'ComfyUI' })).toBeVisible()
        await expect(lightbox.getByText(folder, { exact: true })).toBeVisible()
        await expect(lightbox.getByRole('button', { name: /Re-run/ })).toHaveCount(0)
        await expect(lightbox.locator('.lightbox__prompt-text')).toContainText('a lighthouse on a cliff at dusk')
        const made = lightbox.getByRole('region', { name: 'How it was made' })
        await expect(made).toContainText('Written by ComfyUI')
        await expect(made.getByRole('button', { name: 'Copy workflow' })).toBeVisible()
      } finally {
        await rm(root, { recursive: true, force: true })
      }
    })
  })
}
