import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'

test('the gallery finds outputs by a word of their prompt, plays a video with seeking, and re-runs an output', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

  // A batch of four variations, a sketch (two images) and a Motion Loop (a WebM and an MP4 video).
  await generate(page, 'Dreamscape SDXL', 'a lighthouse at dusk, volumetric light, seen from the sea', 4)
  await generate(page, 'Quick Sketch', 'an origami crane on a wooden desk')
  await generate(page, 'Motion Loop', 'a glowing orb circling, seamless loop')

  // Runs: the batch is one group, with its overall progress.
  await page.getByRole('link', { name: 'Runs', exact: true }).click()
  const batch = page.locator('[data-batch-id]')
  await expect(batch).toHaveCount(1)
  await expect(batch.getByRole('heading', { level: 2 })).toContainText('Batch of 4 runs · Dreamscape SDXL')
  await expect(page.locator('.run-list [data-run-status="succeeded"]')).toHaveCount(6, { timeout: 30_000 })
  await expect(batch.getByRole('progressbar', { name: /^Progress of batch/ })).toHaveAttribute('aria-valuenow', '100')

  // Gallery: every output, counted, in a virtualized grid.
  await page.getByRole('link', { name: 'Gallery' }).click()
  const tiles = page.locator('.gallery [data-output-id]')
  const count = page.locator('.gallery-status__count')
  await expect(count).toHaveText('8 outputs', { timeout: 20_000 })
  await expect(tiles).toHaveCount(8)
  // Images show their thumbnails (made by main); the videos, newest, their first frame.
  const picture = page.locator('.gallery [data-output-id] img').first()
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)

  // Search by one word of a prompt (full-text, on the server).
  const search = page.getByRole('searchbox', { name: 'Search outputs' })
  await search.fill('crane')
  await expect(tiles).toHaveCount(2)
  for (const img of await tiles.locator('img').all()) await expect(img).toHaveAttribute('alt', 'an origami crane on a wooden desk')
  await expect(count).toHaveText('2 outputs match')

  // The Motion Loop's videos: a play badge with the length on each tile.
  await search.fill('orb')
  await expect(tiles).toHaveCount(2)
  await expect(tiles.first().locator('.thumb__badge')).toHaveText(/\d:\d\d/)

  // Open the WebM one (VP9 plays in every Chromium) with the keyboard.
  await tiles.first().focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  const details = dialog.getByRole('region', { name: 'Details' })
  if (!((await details.textContent()) ?? '').includes('.webm')) await page.keyboard.press('ArrowRight')
  await expect(details).toContainText('.webm')
  await expect(details).toContainText('a glowing orb circling, seamless loop')

  // It plays: time moves on.
  const video = dialog.locator('video')
  await expect(video).toHaveJSProperty('controls', true)
  await video.evaluate(async (v: HTMLVideoElement) => {
    v.loop = false
    v.muted = true
    v.currentTime = 0
    await v.play()
  })
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.3)

  // Seeking works (the file route answers ranges).
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => (v.seekable.length > 0 ? v.seekable.end(0) : 0))).toBeGreaterThan(1.5)
  const seekedTo = await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        v.pause()
        v.addEventListener('seeked', () => resolve(v.currentTime), { once: true })
        v.currentTime = 1.25
      }),
  )
  expect(seekedTo).toBeCloseTo(1.25, 1)
  await video.evaluate((v: HTMLVideoElement) => v.play())
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(1.35)
  // The player's file route answers byte ranges, which is what seeking asks for.
  const src = await video.evaluate((v: HTMLVideoElement) => v.currentSrc)
  const part = await page.request.get(src, { headers: { range: 'bytes=100-199' } })
  expect(part.status()).toBe(206)
  expect((await part.body()).length).toBe(100)

  // Escape closes and gives focus back to the tile.
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(page.locator('.gallery [data-output-id]:focus')).toHaveCount(1)

  // An image, large, with its details, then a re-run with the same seed.
  await search.fill('lighthouse')
  await expect(tiles).toHaveCount(4)
  await tiles.first().click()
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('img', { name: 'a lighthouse at dusk, volumetric light, seen from the sea' })).toBeVisible()
  // By the form's labels ("Prompt"), not the deployment's keys.
  await expect(details.getByLabel('Inputs').locator('dt', { hasText: /^Prompt$/ })).toHaveCount(1)
  // The web version offers Download, not the desktop app's Open and Reveal.
  await expect(dialog.getByRole('button', { name: 'Reveal in folder' })).toHaveCount(0)
  await expect(dialog.getByRole('link', { name: 'Download' })).toBeVisible()

  await dialog.getByRole('button', { name: 'Re-run with same seed' }).click()
  const started = dialog.locator('.toast', { hasText: 'Started a new run of Dreamscape SDXL with the same seed.' })
  await expect(started).toBeVisible()
  await started.getByRole('button', { name: 'Show run' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible()
  const rerun = page.locator('[data-run-id][data-highlighted="true"]')
  await expect(rerun).toHaveCount(1)
  await expect(rerun).toContainText('a lighthouse at dusk, volumetric light, seen from the sea')
  await expect(rerun).toHaveAttribute('data-run-status', 'succeeded', { timeout: 15_000 })
  await expect(page.locator('.run-list [data-run-id]')).toHaveCount(7)
})
