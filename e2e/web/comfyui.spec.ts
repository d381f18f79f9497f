import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'

const WORKFLOW = {
  '1': { class_type: 'EmptyImage', inputs: { width: 96, height: 64, batch_size: 1, color: 3381759 } },
  '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 2, sigma: 1 } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'e2e' } },
}

async function addWorkflow(page: Page, web: string, name: string) {
  await page.goto(web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByRole('radio', { name: 'ComfyUI' }).check()
  await page.getByRole('button', { name: 'Add workflow' }).click()
  await page.getByLabel('Name', { exact: true }).fill(name)
  await page.getByLabel('Workflow JSON file').setInputFiles({ name: 'workflow_api.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(WORKFLOW)) })
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.getByLabel('Deployment')).toHaveValue(/^wf_/)
}

test('ComfyUI: connect, add a workflow, run it and see it in the gallery', async ({ page, comfyApp, comfySim }) => {
  // Connect: the server from COMFYUI_URL, tested from Settings.
  await page.goto(comfyApp.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByRole('link', { name: 'Settings' }).click()
  const servers = page.locator('[data-section="comfyui"]')
  await servers.getByRole('button', { name: 'Test connection' }).click()
  await expect(servers.getByRole('status')).toContainText('ComfyUI 0.8.0 on cpu')
  // A second server, added in the form (the same simulator under another name), with a token that is never shown again.
  await servers.getByRole('button', { name: 'Add server' }).click()
  const form = servers.getByRole('form', { name: 'Add ComfyUI server' })
  await form.getByLabel('Name').fill('Rented box')
  await form.getByLabel('Server URL').fill(comfySim.url)
  await form.getByLabel('Auth').selectOption('bearer')
  await form.getByLabel('Token').fill('e2e-secret-token')
  await form.getByRole('button', { name: 'Save server' }).click()
  const rented = servers.locator('li', { hasText: 'Rented box' })
  await expect(rented).toContainText('Bearer token (saved)')
  await expect(servers).not.toContainText('e2e-secret-token')
  await rented.getByRole('button', { name: 'Test connection' }).click()
  await expect(rented.getByRole('status')).toContainText('Connected to Rented box')

  await page.getByRole('link', { name: 'Generate' }).click()
  await addWorkflow(page, comfyApp.ready.web, 'Blue card')
  await page.getByLabel('Width', { exact: true }).fill('120')
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  await page.getByRole('link', { name: 'Runs', exact: true }).click()
  await expect(page.locator('.run-list [data-run-status="succeeded"]')).toHaveCount(1, { timeout: 15_000 })
  await page.getByRole('link', { name: 'Gallery' }).click()
  await expect(page.locator('.gallery-status__count')).toHaveText('1 output', { timeout: 10_000 })
})

test('ComfyUI: cancel a run', async ({ page, comfyApp, comfySim }) => {
  comfySim.nodeMs = 3000 // each node takes 3 s: the run is still going when Cancel is pressed
  await addWorkflow(page, comfyApp.ready.web, 'Slow card')
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  await page.getByRole('link', { name: 'Runs', exact: true }).click()
  const run = page.locator('.run-list .run').first()
  await expect(run).toHaveAttribute('data-run-status', /queued|running/)
  await run.getByRole('button', { name: 'Cancel' }).click()
  await expect(run).toHaveAttribute('data-run-status', 'cancelled', { timeout: 10_000 })
})
