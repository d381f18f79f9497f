import { expect, type Page } from '@playwright/test'

/** Fills the Generate form of a Demo deployment and submits it, waiting until the form is ready again. */
export async function generate(page: Page, deployment: string, prompt: string, variations = 1): Promise<void> {
  await page.getByLabel('Deployment').selectOption({ label: deployment })
  await page.getByLabel('Prompt', { exact: true }).fill(prompt)
  await page.getByLabel('Variations').fill(String(variations))
  const button = page.getByRole('button', { name: 'Generate', exact: true })
  await button.click()
  await expect(button).toBeEnabled()
}
