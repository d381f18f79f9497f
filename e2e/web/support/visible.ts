import { expect, type Locator, type Page } from '@playwright/test'

/** Whether an element's whole box lies inside the window (what the user sees without scrolling the page). */
export async function expectInViewport(page: Page, locator: Locator): Promise<void> {
  const box = await locator.boundingBox()
  const size = page.viewportSize()
  expect(box, 'the element has a box').not.toBeNull()
  expect(size).not.toBeNull()
  if (box === null || size === null) return
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.y).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(size.width + 0.5)
  expect(box.y + box.height).toBeLessThanOrEqual(size.height + 0.5)
}
