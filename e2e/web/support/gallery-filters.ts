import type { Page } from '@playwright/test'

/**
 * Shows only outputs of one kind, as a user would at any window size: where the gallery is narrow its
 * filters fold behind one "Filters" button, which is opened for the choice and closed again after it.
 */
export async function filterGalleryByKind(page: Page, kind: string): Promise<void> {
  const folded = page.getByRole('button', { name: /^Filters/ })
  const fold = await folded.isVisible()
  if (fold) await folded.click()
  await page.locator(`[data-kind-filter="${kind}"]`).click()
  if (fold) await page.keyboard.press('Escape')
}
