import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'
import { expectInViewport, FIRST_HOUR_VIEWPORTS } from './support/in-viewport'

// Issue 15, item 2: a service that cannot be reached is explained by what went wrong, in plain words, with
// the system's own text kept under "Details". Everything here is on loopback.

async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** Settings → ComfyDeploy: a base URL saved, a key typed (not saved), and Test connection. The failed result. */
async function testAt(page: Page, baseUrl: string) {
  const cd = page.getByRole('region', { name: 'ComfyDeploy' })
  await cd.getByLabel('ComfyDeploy base URL').fill(baseUrl)
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Settings saved.')).toBeVisible()
  await cd.getByLabel('ComfyDeploy API key').fill('cd-some-key')
  await cd.getByRole('button', { name: 'Test connection' }).click()
  return cd.locator('[data-check="failed"]')
}

for (const viewport of FIRST_HOUR_VIEWPORTS) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('a refused connection and an untrusted certificate are each said plainly, with the raw text under Details', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await page.getByRole('link', { name: 'Settings' }).click()

      // Nothing listening at the address.
      const port = await closedPort()
      const refused = await testAt(page, `http://127.0.0.1:${port}/api`)
      await expect(refused).toHaveAttribute('data-error-code', 'PROVIDER_CONNECTION_REFUSED')
      await expect(refused.locator('p').first()).toHaveText(
        '✗ Nothing answered at the service’s address: the connection was refused. Check its base URL in Settings, or try again once the service is back.',
      )
      await expect(refused).not.toContainText('The service is having trouble')
      await expectInViewport(page, refused)
      const details = refused.locator('details')
      await expect(details.locator('summary')).toHaveText('Details')
      await expect(details.locator('code')).toBeHidden()
      await details.locator('summary').click()
      await expect(details.locator('code')).toHaveText(`cannot reach 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`)
      await page.screenshot({ path: `/tmp/first-hour-2-refused-${viewport.width}.png` })
      await page.emulateMedia({ colorScheme: 'light' })
      await page.screenshot({ path: `/tmp/first-hour-2-refused-${viewport.width}-light.png` })
      await page.emulateMedia({ colorScheme: 'dark' })

      // A server whose certificate nobody vouches for.
      const fixtures = join(process.cwd(), 'src', 'main', 'core', 'downloads', 'fixtures')
      const tls = createHttpsServer({ key: await readFile(join(fixtures, 'self-signed.key')), cert: await readFile(join(fixtures, 'self-signed.crt')) }, (_req, res) =>
        res.end('[]'),
      )
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
      try {
        const untrusted = await testAt(page, `https://127.0.0.1:${(tls.address() as AddressInfo).port}/api`)
        await expect(untrusted).toHaveAttribute('data-error-code', 'PROVIDER_TLS')
        await expect(untrusted.locator('p').first()).toHaveText(
          '✗ The service’s secure connection could not be trusted, so nothing was sent. Check its base URL in Settings; if it is right, a proxy or this computer’s clock may be getting in the way.',
        )
        await expectInViewport(page, untrusted)
        await untrusted.locator('summary').click()
        await expect(untrusted.locator('details code')).toContainText('certificate')
      } finally {
        await new Promise((resolve) => tls.close(resolve))
      }
    })
  })
}
