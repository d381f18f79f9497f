import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'

// Every spec here starts as a new user: a fresh data folder, the welcome not yet seen.
test.use({ onboarded: false })

const welcomeHeading = (page: Page) => page.getByRole('heading', { name: 'Welcome to Comfy Courier', level: 1 })

async function setFaults(simUrl: string, faults: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${simUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify(faults) })
  expect(answer.ok).toBe(true)
}

async function storedSettings(dataDir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>
}

test('a refused ComfyDeploy key is explained beside the field and keeps the user on the step; a good one leads to Generate', async ({
  page,
  keylessSimApp,
  sim,
}) => {
  await page.goto(keylessSimApp.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await expect(welcomeHeading(page)).toBeFocused()
  // The welcome is the whole page: no views behind it to wander into.
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0)
  await expect(page.getByText('Step 1 of 2')).toBeVisible()

  // The keyboard reaches the choice: Tab to the first option, an arrow to the next.
  await page.keyboard.press('Tab')
  await expect(page.getByRole('radio', { name: /Try the Demo/ })).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByRole('radio', { name: /Connect ComfyDeploy/ })).toBeChecked()

  // The service refuses every key (its 401): the test says so, and what to do, next to the field.
  await setFaults(sim.url, { authFailure: true })
  const key = page.getByLabel('ComfyDeploy API key')
  await key.fill('cd-typo-key')
  await page.getByRole('button', { name: 'Test connection' }).click()
  const refused = page.locator('[data-check="failed"][data-error-code="PROVIDER_AUTH"]')
  await expect(refused).toContainText('The service refused the API key')
  await expect(refused).toContainText('Check that you copied the whole key')
  await expect(key).toHaveAttribute('aria-invalid', 'true')
  const describedBy = (await key.getAttribute('aria-describedby')) ?? ''
  const description = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '), describedBy)
  expect(description).toContain('The service refused the API key')
  await expect(key).toBeFocused()

  // Continue tests again and stays put while the key is refused.
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(refused).toBeVisible()
  await expect(page.getByRole('heading', { name: 'How would you like to start?' })).toBeVisible()
  await expect(page.getByText('Step 1 of 2')).toBeVisible()

  // With a key the service accepts, Continue goes on.
  await setFaults(sim.url, { authFailure: false })
  await key.fill('e2e-cd-key')
  await page.getByRole('button', { name: 'Test connection' }).click()
  await expect(page.locator('[data-check="ok"]')).toContainText('Connected to ComfyDeploy')
  await page.getByRole('button', { name: 'Continue' }).click()

  // Step 2: the library folder, with the tunnel explained.
  await expect(page.getByRole('heading', { name: 'Where should your outputs be saved?' })).toBeFocused()
  const folder = page.getByLabel('Library folder')
  await expect(folder).toHaveValue(keylessSimApp.libraryDir)
  await expect(page.getByRole('region', { name: 'How runs report back' })).toContainText('nothing else on your computer can be reached through it')
  // A folder main refuses is explained beside the box; the welcome stays.
  await folder.fill('outputs')
  await page.getByRole('button', { name: 'Finish' }).click()
  await expect(page.getByRole('alert')).toContainText('absolute path')
  await expect(folder).toHaveAttribute('aria-invalid', 'true')
  const chosen = join(keylessSimApp.dataDir, 'my outputs')
  await folder.fill(chosen)
  await page.getByRole('button', { name: 'Finish' }).click()

  // Generate, on ComfyDeploy, with its deployments.
  await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
  await expect(page.getByRole('radio', { name: 'ComfyDeploy' })).toBeChecked()
  await expect(page.getByLabel('Deployment')).toContainText('Dreamscape SDXL')
  const stored = await storedSettings(keylessSimApp.dataDir)
  expect(stored).toMatchObject({ onboarded: true, libraryDir: chosen })
  expect(JSON.stringify(stored)).toContain('e2e-cd-key') // web mode keeps keys in the 0600 file, as Settings says

  // It does not come back.
  await page.reload()
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
  await expect(welcomeHeading(page)).toHaveCount(0)
})

test('"Skip for now" opens Generate on the Demo, and the welcome is not shown again', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(welcomeHeading(page)).toBeVisible()
  await page.getByRole('button', { name: 'Skip for now' }).click()
  await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
  await expect(page.getByRole('radio', { name: 'Demo' })).toBeChecked()
  expect(await storedSettings(app.dataDir)).toMatchObject({ onboarded: true })

  const again = await app.restart()
  await page.goto(again.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()
  await expect(welcomeHeading(page)).toHaveCount(0)
})
