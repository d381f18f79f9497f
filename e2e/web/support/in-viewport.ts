import { expect, type Locator, type Page } from '@playwright/test'

/** The sizes issue 15's first hour was tried at: the layout items also at 760×600. */
export const FIRST_HOUR_VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
] as const
export const NARROW_VIEWPORT = { width: 760, height: 600 } as const
/** Each of those sizes once, the middle one in the light theme, so that both palettes are looked at. */
export const THEMED_VIEWPORTS = [
  { width: 1280, height: 800, scheme: 'dark' },
  { width: 1024, height: 700, scheme: 'light' },
  { width: 760, height: 600, scheme: 'dark' },
] as const

type Box = { x: number; y: number; width: number; height: number }

/** A box (an element's, as measured) lies wholly inside the page's viewport; `what` names it in a failure. */
export function expectBoxInViewport(page: Page, box: Box | null, what = 'the element'): void {
  const size = page.viewportSize()
  expect(box, `${what} has a box`).not.toBeNull()
  expect(size, 'the page has a viewport').not.toBeNull()
  if (box === null || size === null) return
  expect(box.x, `${what}: left edge inside the viewport`).toBeGreaterThanOrEqual(0)
  expect(box.y, `${what}: top edge inside the viewport`).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width, `${what}: right edge inside the viewport`).toBeLessThanOrEqual(size.width + 0.5)
  expect(box.y + box.height, `${what}: bottom edge inside the viewport`).toBeLessThanOrEqual(size.height + 0.5)
}

/** What the user sees: the element is visible and its box lies wholly inside the page's viewport. */
export async function expectInViewport(page: Page, locator: Locator, what = 'the element'): Promise<void> {
  await expect(locator, `${what} is visible`).toBeVisible()
  expectBoxInViewport(page, await locator.boundingBox(), what)
}
