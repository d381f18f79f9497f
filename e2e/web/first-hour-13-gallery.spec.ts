import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { generate } from './support/generate'
import { expectInViewport } from './support/in-viewport'

/** Tiles whose whole cell (preview and caption) is inside both the window and the grid's scroll box. */
async function wholeTilesInView(page: Page): Promise<number> {
  return page.locator('.gallery-scroll').evaluate((grid) => {
    const box = grid.getBoundingClientRect()
    const bottom = Math.min(box.bottom, window.innerHeight)
    const right = Math.min(box.right, window.innerWidth)
    return [...grid.querySelectorAll('.tile-cell')].filter((cell) => {
      const r = cell.getBoundingClientRect()
      return r.top >= box.top - 0.5 && r.left >= box.left - 0.5 && r.bottom <= bottom + 0.5 && r.right <= right + 0.5
    }).length
  })
}

/** WCAG contrast of an element's text on its own (opaque) background. */
async function contrastOf(page: Page, selector: string): Promise<{ ratio: number; fontSize: number }> {
  return page.locator(selector).first().evaluate((el) => {
    const style = getComputedStyle(el)
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number)
    const [fr = 0, fg = 0, fb = 0] = rgb(style.color)
    const [br = 0, bg = 0, bb = 0, alpha = 1] = rgb(style.backgroundColor)
    // A see-through background puts the text on whatever picture is under it: no contrast can be promised.
    if (alpha < 1) return { ratio: 1, fontSize: parseFloat(style.fontSize) }
    const lum = (r: number, g: number, b: number) =>
      [r, g, b].map((v) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0)
    const [a, b] = [lum(fr, fg, fb), lum(br, bg, bb)].sort((x, y) => y - x)
    return { ratio: (a! + 0.05) / (b! + 0.05), fontSize: parseFloat(style.fontSize) }
  })
}

const sizes = [
  { viewport: { width: 1280, height: 800 }, scheme: 'dark' as const, wholeAtMedium: 12 },
  { viewport: { width: 1024, height: 700 }, scheme: 'light' as const, wholeAtMedium: 10 },
]

for (const { viewport, scheme, wholeAtMedium } of sizes) {
  test.describe(`at ${viewport.width}×${viewport.height} (${scheme})`, () => {
    test.use({ viewport, colorScheme: scheme })

    test('the gallery fills the window, says what each tile is, counts what the search found, and is quick to reach by keyboard', async ({ page, app }) => {
      test.setTimeout(120_000)
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      await generate(page, 'Dreamscape SDXL', 'a lighthouse at dusk', 16)
      await generate(page, 'Motion Loop', 'a glowing orb circling')
      await generate(page, 'Quick Sketch', 'an origami crane')
      await page.getByRole('link', { name: 'Runs', exact: true }).click()
      await expect(page.locator('.run-list [data-run-status="succeeded"]')).toHaveCount(18, { timeout: 60_000 })
      await expect(page.locator('.run-list [data-outputs="pending"]')).toHaveCount(0, { timeout: 30_000 })

      await page.getByRole('link', { name: 'Gallery' }).click()
      const count = page.locator('.gallery-status__count')
      await expect(count).toHaveText('20 outputs', { timeout: 20_000 })
      const tiles = page.locator('.gallery [data-output-id]')

      // Many tiles at once at the default size; Small fits more, Large fewer, and the choice is remembered.
      const sizeGroup = page.getByRole('group', { name: 'Tile size' })
      await expect(sizeGroup.getByRole('button', { name: 'Medium' })).toHaveAttribute('aria-pressed', 'true')
      const medium = await wholeTilesInView(page)
      expect(medium).toBeGreaterThanOrEqual(wholeAtMedium)
      await page.screenshot({ path: `/tmp/first-hour-13-${viewport.width}-${scheme}.png` })
      await sizeGroup.getByRole('button', { name: 'Small' }).click()
      await expect.poll(() => wholeTilesInView(page)).toBeGreaterThan(medium)
      await sizeGroup.getByRole('button', { name: 'Large' }).click()
      await expect.poll(() => wholeTilesInView(page)).toBeLessThan(medium)
      await page.reload()
      await expect(count).toHaveText('20 outputs', { timeout: 20_000 })
      await expect(page.getByRole('group', { name: 'Tile size' }).getByRole('button', { name: 'Large' })).toHaveAttribute('aria-pressed', 'true')
      await page.getByRole('group', { name: 'Tile size' }).getByRole('button', { name: 'Medium' }).click()

      // Each tile of the batch shows its seed; its "Batch" badge is readable (4.5:1, at least 12 px).
      const lighthouse = page.locator('.tile-cell', { has: page.getByRole('button', { name: /^a lighthouse at dusk/ }) }).first()
      await expect(lighthouse.locator('.tile__meta')).toContainText(/^Seed \d+ · /)
      const badge = await contrastOf(page, '.tile__batch')
      expect(badge.ratio).toBeGreaterThanOrEqual(4.5)
      expect(badge.fontSize).toBeGreaterThanOrEqual(12)

      // The WebM and the MP4 of one run say which is which.
      const search = page.getByRole('searchbox', { name: 'Search outputs' })
      await search.fill('orb')
      await expect(count).toHaveText('2 outputs match')
      await expect(tiles).toHaveCount(2)
      await expect(page.locator('.gallery .tile__format', { hasText: /^WEBM$/ })).toHaveCount(1)
      await expect(page.locator('.gallery .tile__format', { hasText: /^MP4$/ })).toHaveCount(1)
      await expect(tiles.filter({ has: page.locator('video, img') })).toHaveCount(2)
      await expect(page.getByRole('button', { name: 'a glowing orb circling (Video, WEBM, 0:02)' })).toBeVisible()

      // The kind buttons count what the search found, not the whole library.
      await search.fill('crane')
      await expect(count).toHaveText('2 outputs match')
      const kinds = page.getByRole('group', { name: 'Kind' })
      const toggle = page.getByRole('button', { name: /^Filters/ })
      if (await toggle.isVisible()) await toggle.click()
      await expect(kinds.getByRole('button', { name: /^Images/ })).toHaveText('Images2')
      await expect(kinds.getByRole('button', { name: /^Videos/ })).toHaveCount(0)
      if (await toggle.isVisible()) await toggle.click()

      // One match reads as a sentence.
      await page.locator('.tile-cell').first().hover()
      await page.locator('.tile-cell').first().getByRole('button', { name: 'Favourite' }).click()
      if (await toggle.isVisible()) await toggle.click()
      await page.getByRole('button', { name: /Favourites only/ }).click()
      if (await toggle.isVisible()) await page.keyboard.press('Escape')
      await expect(count).toHaveText('1 output matches')
      await page.getByRole('button', { name: 'Clear filters' }).click()
      await expect(count).toHaveText('20 outputs')

      // "/" goes to the search box from anywhere in the view.
      await page.getByRole('heading', { name: 'Gallery', level: 1 }).click()
      await page.keyboard.press('/')
      await expect(search).toBeFocused()

      // From the sidebar's Gallery link, past the rest of the sidebar, the next stop is "Skip to the outputs",
      // which lands on the first tile: not a dozen filter controls first.
      await page.getByRole('link', { name: 'Gallery' }).focus()
      const skip = page.getByRole('link', { name: 'Skip to the outputs' })
      let presses = 0
      while (presses < 12 && !(await skip.evaluate((el) => el === document.activeElement))) {
        await page.keyboard.press('Tab')
        presses++
      }
      await expect(skip).toBeFocused()
      expect(presses).toBeLessThanOrEqual(4)
      await expectInViewport(page, skip)
      await page.keyboard.press('Enter')
      await expect(tiles.first()).toBeFocused()
      await expect(tiles.first()).toHaveAttribute('data-index', '0')

      // The help sheet lists "/".
      await page.keyboard.press('?')
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' }).locator('[data-shortcut="search"]')).toContainText('Go to the search box')
    })
  })
}
