import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from '../fixtures/web-app'
import { expectInViewport, FIRST_HOUR_VIEWPORTS } from './support/in-viewport'

// Issue 15, item 1: a key that failed its test was saved anyway. A new user, on the simulator's services.
test.use({ onboarded: false })

async function setFaults(simUrl: string, faults: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${simUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify(faults) })
  expect(answer.ok).toBe(true)
}

for (const viewport of FIRST_HOUR_VIEWPORTS) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('a key that failed its test in the welcome is not kept; Settings tests a typed key before saving it', async ({ page, keylessSimApp, sim }) => {
      await page.goto(keylessSimApp.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

      // Welcome → Connect ComfyDeploy → a wrong key → Test connection fails.
      await setFaults(sim.url, { authFailure: true })
      await page.getByRole('radio', { name: /Connect ComfyDeploy/ }).check()
      const key = page.getByLabel('ComfyDeploy API key')
      await key.fill('cd-typo-key')
      await page.getByRole('button', { name: 'Test connection' }).click()
      const refused = page.locator('[data-check="failed"][data-error-code="PROVIDER_AUTH"]')
      await expectInViewport(page, refused)
      await expect(key).toBeFocused()

      // The user gives up on it: Try the Demo → Continue → Finish.
      await page.getByRole('radio', { name: /Try the Demo/ }).check()
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.getByRole('button', { name: 'Finish' }).click()
      await expect(page.getByRole('heading', { name: 'Generate', level: 1 })).toBeVisible()

      // Nothing was kept: not on disk, not in the picker, not in Settings or About.
      const stored = await readFile(join(keylessSimApp.dataDir, 'settings.json'), 'utf8')
      expect(stored).not.toContain('cd-typo-key')
      expect(stored).not.toContain('sealedApiKey')
      const cdCard = page.locator('[data-provider-id="comfydeploy"]')
      await expect(cdCard.getByRole('radio', { name: 'ComfyDeploy' })).toBeDisabled()
      await expect(cdCard).toContainText('Add API key in Settings')

      await page.getByRole('link', { name: 'Settings' }).click()
      const cd = page.getByRole('region', { name: 'ComfyDeploy' })
      await expect(cd.locator('[data-key-state="none"]')).toHaveText('No key')
      const about = page.getByRole('region', { name: 'About' })
      await expect(about).toContainText('ComfyDeploy: no key')
      await expect(about).not.toContainText('ComfyDeploy: ready')

      // Settings tests a typed key before it is saved (the opposite was the stumble).
      await setFaults(sim.url, { authFailure: false })
      const box = cd.getByLabel('ComfyDeploy API key')
      await box.scrollIntoViewIfNeeded()
      const test = cd.getByRole('button', { name: 'Test connection' })
      await expect(test).toBeDisabled()
      await box.fill('e2e-cd-key')
      await expect(test).toBeEnabled()
      await test.click()
      const ok = cd.locator('[data-check="ok"]')
      await expect(ok).toHaveText(/^✓ Connected to ComfyDeploy: \d+ deployments?\.$/)
      await expectInViewport(page, ok)
      // Still not saved: the test kept nothing.
      expect(await readFile(join(keylessSimApp.dataDir, 'settings.json'), 'utf8')).not.toContain('e2e-cd-key')

      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page.getByText('Settings saved.')).toBeVisible()
      await expect(cd.locator('[data-key-state="saved"]')).toHaveText('Key saved')
      await expect(cd.locator('[data-key-state="unverified"]')).toHaveCount(0)
      await expect(cd).toContainText('A key is saved and passed its connection test. Paste a new one to replace it.')
      await expect(about).toContainText('ComfyDeploy: key works')
      await page.screenshot({ path: `/tmp/first-hour-1-${viewport.width}.png` })
    })

    test('a key saved without a test is kept because the user said so, and shown as not tested everywhere', async ({ page, keylessSimApp, sim }) => {
      await page.goto(keylessSimApp.ready.web)
      await page.getByRole('button', { name: 'Skip for now' }).click()
      await page.getByRole('link', { name: 'Settings' }).click()
      // The service refuses everything: whatever is saved now has never passed a test.
      await setFaults(sim.url, { authFailure: true })
      const rc = page.getByRole('region', { name: 'RunComfy' })
      await rc.getByLabel('RunComfy API token').fill('rc-unchecked-token')
      await page.getByRole('button', { name: 'Save' }).click()
      await expect(page.getByText('Settings saved.')).toBeVisible()
      const untested = rc.locator('[data-key-state="unverified"]')
      await expect(untested).toHaveText('Not tested')
      await untested.scrollIntoViewIfNeeded()
      await expectInViewport(page, untested)
      await expect(rc).toContainText('A key is saved but has not passed a connection test yet: test it here, or paste a new one to replace it.')
      await expect(page.getByRole('region', { name: 'About' })).toContainText('RunComfy: key saved, not tested')
      await page.screenshot({ path: `/tmp/first-hour-1-untested-${viewport.width}.png` })
      await page.emulateMedia({ colorScheme: 'light' })
      await page.screenshot({ path: `/tmp/first-hour-1-untested-${viewport.width}-light.png` })
      await page.emulateMedia({ colorScheme: 'dark' })

      // The provider picker says so too, with the way to test it.
      await page.getByRole('link', { name: 'Generate' }).click()
      const card = page.locator('[data-provider-id="runcomfy"]')
      await expect(card).toContainText('Its key has not passed a test yet.')
      await expectInViewport(page, card.getByRole('button', { name: 'Test it in Settings' }))
    })
  })
}
