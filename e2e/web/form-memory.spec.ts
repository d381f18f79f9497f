import { expect, test } from '../fixtures/web-app'

test('the Generate form remembers what was typed, per deployment, across a reload', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  const deployment = page.getByLabel('Deployment')
  const prompt = page.getByLabel('Prompt', { exact: true })

  await deployment.selectOption({ label: 'Dreamscape SDXL' })
  await prompt.fill('a greenhouse in the rain, warm light inside')
  await page.getByLabel('Negative prompt', { exact: true }).fill('people')
  await page.getByLabel('Steps', { exact: true }).fill('33')
  await page.getByLabel('Seed', { exact: true }).fill('12345')
  await page.getByLabel('Random each run').check()

  await deployment.selectOption({ label: 'Quick Sketch' })
  await prompt.fill('a fox asleep under a desk lamp')

  await page.reload()
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  // The deployment last used comes back with its values…
  await expect(deployment.locator('option:checked')).toHaveText('Quick Sketch')
  await expect(prompt).toHaveValue('a fox asleep under a desk lamp')
  // …and each other deployment keeps its own.
  await deployment.selectOption({ label: 'Dreamscape SDXL' })
  await expect(prompt).toHaveValue('a greenhouse in the rain, warm light inside')
  await expect(page.getByLabel('Negative prompt', { exact: true })).toHaveValue('people')
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('33')
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('12345')
  await expect(page.getByLabel('Random each run')).toBeChecked()

  // "Reset to defaults" forgets them, also across a reload.
  await page.getByRole('button', { name: 'Reset to defaults' }).click()
  await expect(prompt).toHaveValue('a lighthouse at dusk, volumetric light')
  await page.reload()
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await expect(deployment.locator('option:checked')).toHaveText('Dreamscape SDXL')
  await expect(prompt).toHaveValue('a lighthouse at dusk, volumetric light')
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('25')
})
