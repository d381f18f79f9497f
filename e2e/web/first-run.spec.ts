import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { decodePng } from '../../test/support/png'
import { expect, test } from '../fixtures/web-app'

type Trace = { status: string; progress: number }[]

/** Records every status and progress a run row shows, as it changes, so the spec can see the run move. */
async function traceRunRows(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __runTrace: Trace }
    w.__runTrace = []
    const note = (el: Element) => {
      const status = el.getAttribute('data-run-status')
      if (status) w.__runTrace.push({ status, progress: Number(el.getAttribute('data-progress') ?? 0) })
    }
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof Element && r.target.hasAttribute('data-run-id')) note(r.target)
        for (const n of r.addedNodes) if (n instanceof Element) n.querySelectorAll('[data-run-id]').forEach(note)
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-run-status', 'data-progress'] })
  })
}

async function pngsUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])
  return entries.filter((e) => e.isFile() && e.name.endsWith('.png')).map((e) => join(e.parentPath, e.name))
}

// A fresh data folder: the first-run welcome comes first.
test.use({ onboarded: false })

test('a new user generates an image with the Demo provider and finds it saved', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

  // The welcome: the Demo is the first choice, the library folder is already filled in; Finish opens Generate.
  await expect(page.getByRole('heading', { name: 'Welcome to Comfy Courier', level: 1 })).toBeFocused()
  await expect(page.getByRole('radio', { name: /Try the Demo/ })).toBeChecked()
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByLabel('Library folder')).toHaveValue(app.libraryDir)
  await page.getByRole('button', { name: 'Finish' }).click()
  await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
  await expect(page.getByRole('radio', { name: 'Demo' })).toBeChecked()
  await expect(page.getByText('Runs on this computer, free and offline, with no account needed.')).toBeVisible()

  await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
  const prompt = 'a lighthouse at dusk, volumetric light, seen from the sea'
  await page.getByLabel('Prompt', { exact: true }).fill(prompt)
  await traceRunRows(page)
  await page.getByRole('button', { name: 'Generate', exact: true }).click()

  const row = page.locator('[data-run-id]').first()
  // The acceptance bound: from Generate to succeeded within 10 s.
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 10_000 })
  const trace = await page.evaluate(() => (window as unknown as { __runTrace: Trace }).__runTrace)
  const statuses = [...new Set(trace.map((t) => t.status))]
  expect(statuses).toEqual(expect.arrayContaining(['queued', 'running', 'succeeded']))
  expect(statuses.indexOf('queued')).toBeLessThan(statuses.indexOf('running'))
  expect(statuses.indexOf('running')).toBeLessThan(statuses.indexOf('succeeded'))
  const running = trace.filter((t) => t.status === 'running').map((t) => t.progress)
  expect(new Set(running).size).toBeGreaterThan(1) // progress moved while running…
  const progress = trace.map((t) => t.progress)
  expect(progress).toEqual([...progress].sort((a, b) => a - b)) // …and never went back
  await expect(row.locator('img')).toBeVisible() // the saved image shows on the run's card
  await page.evaluate(() => document.querySelectorAll('*').forEach((el) => el.scrollTop > 0 && el.scrollTo(0, 0)))
  await page.screenshot({ path: 'docs/screenshot.png' })

  // The image is in the gallery, loaded through the web host, and opens large.
  await page.getByRole('link', { name: 'Gallery' }).click()
  const tile = page.locator('.gallery [data-output-id]').first()
  await expect(tile).toBeVisible()
  const thumb = tile.locator('img')
  await expect(thumb).toHaveAttribute('alt', prompt)
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)

  // It exists on disk as a real PNG under the library folder.
  const files = await pngsUnder(app.libraryDir)
  expect(files).toHaveLength(1)
  const png = decodePng(await readFile(files[0]!))
  expect(png.width).toBeGreaterThan(0)

  await tile.click()
  const viewer = page.getByRole('dialog')
  await expect(viewer).toBeVisible()
  await expect(viewer).toContainText(prompt)
  await page.keyboard.press('Escape')
  await expect(viewer).toBeHidden()

  // It survives restarting the app.
  const again = await app.restart()
  await page.goto(again.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByRole('link', { name: 'Gallery' }).click()
  await expect(page.locator('.gallery [data-output-id]')).toHaveCount(1)
  await page.getByRole('link', { name: 'Runs' }).click()
  await expect(page.locator('[data-run-id]').first()).toHaveAttribute('data-run-status', 'succeeded')
})
