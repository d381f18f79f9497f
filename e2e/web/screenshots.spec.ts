import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { findFfmpeg, gifOf, recordScreen } from './support/screen-recorder'

/**
 * The README's pictures: each main view at 1280×800 in docs/screenshots/<view>.png, and a short video of one
 * Demo run from Generate to the gallery (docs/screenshots/generate-to-gallery.webm, and a GIF of it). Every shot waits for what
 * it shows to be complete (runs finished, images decoded, nothing busy) and is taken with animations off.
 */
const SHOTS = join(process.cwd(), 'docs', 'screenshots')
const SIZE = { width: 1280, height: 800 }

test.use({ viewport: SIZE, colorScheme: 'dark' })

const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 1 })

/** Every image in `scope` has arrived and decoded, every video has its first frame. */
async function mediaLoaded(scope: Locator): Promise<void> {
  await expect
    .poll(() =>
      scope.evaluate((root) => {
        const images = [...root.querySelectorAll('img')]
        const videos = [...root.querySelectorAll('video')]
        return images.every((img) => img.complete && img.naturalWidth > 0) && videos.every((v) => v.readyState >= 2)
      }),
    )
    .toBe(true)
}

async function shoot(page: Page, name: string): Promise<void> {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0)
  await page.evaluate(() => document.querySelectorAll('*').forEach((el) => el.scrollTop > 0 && el.scrollTo(0, 0)))
  await mediaLoaded(page.locator('body'))
  await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled', caret: 'hide' })
}

test.describe('a new user', () => {
  test.use({ onboarded: false })

  test('screenshots of the welcome and of every main view, with a few Demo runs done', async ({ page, app }) => {
    test.setTimeout(120_000)
    await mkdir(SHOTS, { recursive: true })
    await page.goto(app.ready.web)
    await expect(page.getByRole('heading', { name: 'Welcome to Comfy Courier' })).toBeVisible()
    await shoot(page, 'welcome')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('button', { name: 'Finish' }).click()
    await expect(heading(page, 'Generate')).toBeVisible()

    await generate(page, 'Motion Loop', 'a glowing orb circling, seamless loop')
    await generate(page, 'Quick Sketch', 'an origami crane on a wooden desk')
    await generate(page, 'Dreamscape SDXL', 'a lighthouse at dusk, volumetric light, seen from the sea', 4)
    await page.getByLabel('Variations').fill('1')
    const recent = page.getByRole('region', { name: 'Recent runs' })
    // Recent runs lists five entries, the batch being one (a contact sheet of its four runs): all six runs show.
    await expect(recent.locator('[data-run-status="succeeded"]')).toHaveCount(6, { timeout: 30_000 })
    await shoot(page, 'generate')

    await page.getByRole('link', { name: 'Runs', exact: true }).click()
    await expect(heading(page, 'Runs')).toBeVisible()
    await expect(page.locator('.run-list [data-run-status="succeeded"]')).toHaveCount(6)
    // Every file saved (no download list left), so each row shows its pictures.
    await expect(page.getByRole('list', { name: 'Downloads' })).toHaveCount(0)
    await shoot(page, 'runs')

    await page.getByRole('link', { name: 'Gallery' }).click()
    const tiles = page.locator('.gallery [data-output-id]')
    await expect(page.locator('.gallery-status__count')).toHaveText('8 outputs', { timeout: 20_000 })
    await expect(tiles).toHaveCount(8)
    await shoot(page, 'gallery')

    await tiles.filter({ has: page.getByRole('img', { name: /lighthouse/ }) }).first().click()
    const viewer = page.getByRole('dialog')
    await expect(viewer.getByRole('img', { name: /lighthouse/ })).toBeVisible()
    // Listed by the form's labels, not by the service's keys (positive_prompt).
    await expect(viewer.getByRole('region', { name: 'Details' }).getByLabel('Inputs')).toContainText('Negative prompt')
    await shoot(page, 'lightbox')
    await page.keyboard.press('Escape')

    await page.getByRole('link', { name: 'Webhooks' }).click()
    await expect(heading(page, 'Webhooks')).toBeVisible()
    const row = page.locator('tr[data-webhook-id]').first()
    await expect(row).toBeVisible()
    await row.click()
    await expect(page.getByRole('complementary', { name: /^Webhook #/ })).toBeVisible()
    await shoot(page, 'webhooks')

    await page.getByRole('link', { name: 'Settings' }).click()
    await expect(page.getByRole('region', { name: 'About' })).toBeVisible()
    await shoot(page, 'settings')

    for (const name of ['welcome', 'generate', 'runs', 'gallery', 'lightbox', 'webhooks', 'settings']) {
      expect((await stat(join(SHOTS, `${name}.png`))).size).toBeGreaterThan(10_000)
    }
  })
})

test('a short video: a prompt typed, Ctrl+Enter, the run live in Runs, its picture in the gallery', async ({ page, app }) => {
  test.setTimeout(180_000)
  const ffmpeg = findFfmpeg()
  // npm test installs Debian's ffmpeg where it can; without it the README's video cannot be made, and that is a failure.
  expect(ffmpeg, 'no ffmpeg found (looked in $FFMPEG, /usr/bin, /usr/local/bin, /opt/homebrew/bin): install it to make the video').not.toBeNull()
  await mkdir(SHOTS, { recursive: true })
  await page.goto(app.ready.web)
  await expect(heading(page, 'Generate')).toBeVisible()
  await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
  const prompt = page.getByLabel('Prompt', { exact: true })
  await prompt.fill('')
  await mediaLoaded(page.locator('body'))

  const recording = await recordScreen(page, ffmpeg!)
  // The pauses below pace the video for a person watching; nothing waits on them for correctness.
  const beat = (ms = 700) => page.waitForTimeout(ms)
  await beat(500)
  await prompt.pressSequentially('a lighthouse at dusk, seen from the sea', { delay: 35 })
  await beat()
  await prompt.press('Control+Enter')
  await expect(page.locator('[data-run-id]').first()).toBeVisible()
  await page.getByRole('link', { name: 'Runs', exact: true }).click()
  const run = page.locator('.run-list [data-run-id]').first()
  await expect(run).toHaveAttribute('data-run-status', 'succeeded', { timeout: 20_000 })
  await expect(run.locator('img').first()).toBeVisible()
  await beat()
  await page.getByRole('link', { name: 'Gallery' }).click()
  const tile = page.locator('.gallery [data-output-id]').first()
  await expect(tile).toBeVisible()
  await mediaLoaded(tile)
  await beat()
  await tile.click()
  await expect(page.getByRole('dialog').getByRole('img', { name: /lighthouse/ })).toBeVisible()
  await mediaLoaded(page.getByRole('dialog'))
  await beat(1500)

  const target = join(SHOTS, 'generate-to-gallery.webm')
  await recording.saveAs(target)
  const { size } = await stat(target)
  expect(size).toBeGreaterThan(20_000)
  expect(size).toBeLessThan(1_500_000)
  // The README shows the GIF inline and links the WebM.
  const gif = join(SHOTS, 'generate-to-gallery.gif')
  await gifOf(ffmpeg!, target, gif)
  expect((await stat(gif)).size).toBeGreaterThan(20_000)
})
