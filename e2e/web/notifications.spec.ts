import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'

type Shown = { title: string; body: string; icon: string | null; tag: string }
type TestWindow = Window & { __shown: Shown[]; __clickLast(): void; __hidden: boolean; __permission: NotificationPermission }

/**
 * The browser's Notification API and the tab's visibility, stood in for: the page sees a background tab
 * whose user allows notifications (after a click), and each notification it makes is recorded.
 */
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as TestWindow
    w.__shown = []
    w.__hidden = false
    w.__permission = 'default'
    const made: { onclick: (() => void) | null }[] = []
    class FakeNotification {
      static get permission() {
        return w.__permission
      }
      static requestPermission() {
        w.__permission = 'granted'
        return Promise.resolve(w.__permission)
      }
      onclick: (() => void) | null = null
      constructor(title: string, options: NotificationOptions = {}) {
        w.__shown.push({ title, body: options.body ?? '', icon: options.icon ?? null, tag: options.tag ?? '' })
        made.push(this)
      }
      close() {}
    }
    w.__clickLast = () => made.at(-1)?.onclick?.()
    Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true })
    Object.defineProperty(document, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible'), configurable: true })
  })
})

test('a run that ends while the tab is in the background is announced with its picture, and the click opens it', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await page.getByRole('link', { name: 'Settings' }).click()
  const card = page.getByRole('region', { name: 'Browser notifications' })
  await expect(card).toContainText('Off: turn them on')
  await card.getByRole('button', { name: 'Turn on notifications' }).click()
  await expect(card).toContainText('On: when a run ends while this tab is in the background')

  // Seen while the tab is in front: nothing is announced.
  await page.getByRole('link', { name: 'Generate' }).click()
  await generate(page, 'Dreamscape SDXL', 'a red kite over the dunes')
  // Ended means saved: a run is announced on the update where core says its outputs are on disk
  // (`outputs: 'saved'`), not on `succeeded`. Its row carries that, so the page has seen it once the row shows it.
  await expect(page.locator('[data-run-status="succeeded"][data-outputs="saved"]')).toHaveCount(1, { timeout: 20_000 })

  // The user switches away; the next run ends meanwhile.
  await page.evaluate(() => ((window as unknown as TestWindow).__hidden = true))
  await generate(page, 'Dreamscape SDXL', 'a lighthouse at dusk, seen from the sea')
  await expect.poll(() => page.evaluate(() => (window as unknown as TestWindow).__shown), { timeout: 20_000 }).toHaveLength(1)
  const [shown] = await page.evaluate(() => (window as unknown as TestWindow).__shown)
  expect(shown).toMatchObject({ title: 'Dreamscape SDXL finished · 1 output', body: 'a lighthouse at dusk, seen from the sea' })
  expect(shown!.icon).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/[^?]+\?thumb=1$/)
  // The thumbnail the notification points at is a real image the browser can fetch.
  const icon = await page.request.get(shown!.icon!)
  expect(icon.status()).toBe(200)
  expect(icon.headers()['content-type']).toBe('image/webp')

  await page.evaluate(() => ((window as unknown as TestWindow).__hidden = false))
  await page.evaluate(() => (window as unknown as TestWindow).__clickLast())
  await expect(page.getByRole('dialog').getByRole('img', { name: /lighthouse/ })).toBeVisible()
  expect(await page.evaluate(() => (window as unknown as TestWindow).__shown)).toHaveLength(1)
})
