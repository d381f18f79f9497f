import { expect, type Locator, type Page } from '@playwright/test'

/** The sizes issue 15's first hour was tried at: the layout items also at 760×600. */
export const FIRST_HOUR_VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
] as const
export const NARROW_VIEWPORT = { width: 760, height: 600 } as const

/** What the user sees: the element is visible and its box lies wholly inside the page's viewport. */
export async function expectInViewport(page: Page, locator: Locator): Promise<void> {
  await expect(locator).toBeVisible()
  const box = await locator.boundingBox()
  const size = page.viewportSize()
  expect(box, 'the element has a box').not.toBeNull()
  expect(size, 'the page has a viewport').not.toBeNull()
  if (box === null || size === null) return
  expect(box.x, 'left edge inside the viewport').toBeGreaterThanOrEqual(0)
  expect(box.y, 'top edge inside the viewport').toBeGreaterThanOrEqual(0)
  expect(box.x + box.width, 'right edge inside the viewport').toBeLessThanOrEqual(size.width + 0.5)
  expect(box.y + box.height, 'bottom edge inside the viewport').toBeLessThanOrEqual(size.height + 0.5)
}
