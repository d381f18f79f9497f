import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'

/** What axe found at these impacts, one line per rule and element, so a failure says where to look. */
async function seriousProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`))
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  // Wait for what the user would see to settle: nothing loading, no spinner turning.
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0)
  expect(await seriousProblems(page), `${what}: serious or critical axe violations`).toEqual([])
}

const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 1 })

// A new user: the welcome is scanned first, then every view once there is something in it.
test.use({ onboarded: false })

for (const scheme of ['dark', 'light'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme })

    test(`every view, the welcome, the lightbox and the help sheet pass axe (${scheme})`, async ({ page, app }) => {
      test.setTimeout(120_000)
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      // The theme follows the OS: the page's own background says which palette is on.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
      expect(background).toBe(scheme === 'dark' ? 'rgb(15, 17, 21)' : 'rgb(244, 245, 248)')

      // The welcome, both steps, with a refused key's message showing.
      await expect(page.getByRole('heading', { name: 'Welcome to Comfy Courier' })).toBeVisible()
      await expectAccessible(page, 'welcome, step 1')
      await page.getByRole('radio', { name: /Connect ComfyDeploy/ }).check()
      await page.getByRole('button', { name: 'Test connection' }).click()
      await expect(page.locator('[data-check="failed"]')).toBeVisible()
      await expectAccessible(page, 'welcome, a key missing')
      await page.getByRole('radio', { name: /Try the Demo/ }).check()
      await page.getByRole('button', { name: 'Continue' }).click()
      await expect(page.getByLabel('Library folder')).toBeVisible()
      await expectAccessible(page, 'welcome, step 2')
      await page.getByRole('button', { name: 'Finish' }).click()

      // Generate, with a run done.
      await expect(heading(page, 'Generate')).toBeVisible()
      await page.getByLabel('Deployment').selectOption({ label: 'Quick Sketch' })
      await page.getByLabel('Prompt', { exact: true }).fill('a teapot shaped like a snail')
      await page.getByRole('button', { name: 'Generate', exact: true }).click()
      await expect(page.locator('[data-run-id]').first()).toHaveAttribute('data-run-status', 'succeeded', { timeout: 20_000 })
      await expectAccessible(page, 'Generate')
      // With the form's checks showing, too.
      await page.getByLabel('Seed', { exact: true }).fill('-1')
      await page.getByRole('button', { name: 'Generate', exact: true }).click()
      await expect(page.getByRole('alert')).toHaveText('Fix the highlighted field to generate.')
      await expectAccessible(page, 'Generate, a field to fix')

      await page.getByRole('link', { name: 'Runs', exact: true }).click()
      await expect(heading(page, 'Runs')).toBeVisible()
      await expect(page.locator('.run-list [data-run-status="succeeded"]')).toHaveCount(1)
      await expect(page.locator('.run-list [data-run-id] img').first()).toBeVisible()
      await expectAccessible(page, 'Runs')

      await page.getByRole('link', { name: 'Gallery' }).click()
      const tiles = page.locator('.gallery [data-output-id]')
      await expect(tiles).toHaveCount(2, { timeout: 15_000 })
      await expectAccessible(page, 'Gallery')
      // In a narrow window the filters fold into a menu: scanned open.
      const wide = page.viewportSize()!
      await page.setViewportSize({ width: 760, height: 600 })
      await page.getByRole('button', { name: /^Filters/ }).click()
      await expect(page.locator('#gallery-filter-menu')).toBeVisible()
      await expectAccessible(page, 'Gallery, the filter menu')
      await page.keyboard.press('Escape')
      await page.setViewportSize(wide)
      await tiles.first().click()
      await expect(page.getByRole('dialog')).toBeVisible()
      await expect(page.getByRole('dialog').getByRole('region', { name: 'Details' })).toContainText('a teapot shaped like a snail')
      await expectAccessible(page, 'lightbox')
      await page.keyboard.press('Escape')

      // Spend, with the Demo's run at simulated prices: budgets, both charts, the tables.
      await page.getByRole('link', { name: 'Spend', exact: true }).click()
      await expect(heading(page, 'Spend')).toBeVisible()
      await expect(page.getByRole('table', { name: 'By provider' })).toBeVisible()
      await expect(page.locator('.spend-chart canvas')).toHaveCount(2)
      await expectAccessible(page, 'Spend')

      await page.getByRole('link', { name: 'Webhooks' }).click()
      await expect(heading(page, 'Webhooks')).toBeVisible()
      const first = page.locator('tr[data-webhook-id]').first()
      await expect(first).toBeVisible({ timeout: 15_000 })
      await first.click()
      await expect(page.getByRole('complementary', { name: /^Webhook #/ })).toBeVisible()
      await expectAccessible(page, 'Webhooks')
      // A narrower window: the webhook opens in a drawer over the list, and the sidebar folds to its icons.
      await page.setViewportSize({ width: 1024, height: 700 })
      await first.getByRole('button', { name: /^Webhook #\d+ at/ }).click()
      await expect(page.getByRole('dialog', { name: /^Webhook #/ })).toBeVisible()
      await expectAccessible(page, 'Webhooks, the drawer')
      await page.keyboard.press('Escape')
      await page.setViewportSize({ width: 760, height: 600 })
      await expect(page.getByRole('dialog')).toHaveCount(0)
      await expectAccessible(page, 'Webhooks, a narrow window')
      await page.setViewportSize(wide)

      await page.getByRole('link', { name: 'Settings' }).click()
      await expect(heading(page, 'Settings')).toBeVisible()
      await expect(page.getByRole('region', { name: 'About' })).toBeVisible()
      // A toast over it: what "Copy diagnostics" says (copied, or why not).
      await page.getByRole('button', { name: 'Copy diagnostics' }).click()
      await expect(page.locator('[data-toast-tone]')).toBeVisible()
      await expectAccessible(page, 'Settings')

      // The status bar's public URL, in full.
      await page.getByRole('contentinfo').getByRole('button', { name: /public URL/ }).click()
      await expect(page.getByRole('dialog', { name: 'Public URL' })).toBeVisible()
      await expectAccessible(page, 'the Public URL dialog')
      await page.keyboard.press('Escape')

      await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
      await expectAccessible(page, 'help sheet')
    })
  })
}
