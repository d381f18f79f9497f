import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/web-app'

/** Generate on the simulated service's deployment, and wait for the run to end well. */
async function runOnce(page: Page, provider: string, deployment: string, prompt: string) {
  await page.getByRole('link', { name: 'Generate' }).click()
  await page.getByRole('radio', { name: provider }).check()
  await page.getByLabel('Deployment').selectOption({ label: deployment })
  await page.getByLabel('Prompt', { exact: true }).fill(prompt)
  // The estimate before the click: a figure for one run of a paid service.
  await expect(page.locator('.estimate')).toHaveAttribute('data-verdict', /^(ok|confirm)$/)
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  const row = page.getByRole('region', { name: 'Recent runs' }).locator('[data-run-id]').first()
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 })
  // Its cost, from the service's own timings.
  await expect(row.locator('.cost')).toContainText(/\$\d|< \$0\.01/)
  await expect(row.locator('.cost')).toContainText('GPU-s')
}

/** The API as the page itself calls it (same cookie). */
async function api<T>(page: Page, method: string, args: unknown): Promise<T> {
  const origin = new URL(page.url()).origin
  const answer = (await (await page.request.post(`${origin}/api/${method}`, { data: args })).json()) as { ok: boolean; value: T }
  expect(answer.ok).toBe(true)
  return answer.value
}

test('the Spend view shows this month on two services, with charts and a CSV download', async ({ page, simApp }) => {
  await page.goto(simApp.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await runOnce(page, 'ComfyDeploy', 'Dreamscape SDXL', 'a lighthouse, billed by the second')
  await runOnce(page, 'RunComfy', 'Flux Portrait', 'a portrait, billed by the tier')

  await page.getByRole('link', { name: 'Spend' }).click()
  await expect(page).toHaveURL(/#\/spend$/)
  await expect(page.getByRole('heading', { name: 'Spend', level: 1 })).toBeVisible()
  const byProvider = page.getByRole('table', { name: 'By provider' })
  await expect(byProvider.locator('[data-spend-key="comfydeploy"]')).toContainText('ComfyDeploy')
  await expect(byProvider.locator('[data-spend-key="runcomfy"]')).toContainText('RunComfy')
  const byDeployment = page.getByRole('table', { name: 'By deployment' })
  await expect(byDeployment).toContainText('Dreamscape SDXL')
  await expect(byDeployment).toContainText('Flux Portrait')
  // Both charts are drawn (canvases with their summaries as names).
  await expect(page.getByRole('img', { name: /^Estimated spend per day by provider/ })).toBeVisible()
  await expect(page.getByRole('img', { name: /^Estimated against actual spend per day/ })).toBeVisible()
  const box = await page.locator('.spend-chart canvas').first().boundingBox()
  expect(box?.height ?? 0).toBeGreaterThan(100)
  await expect(page.locator('.budget-card[data-provider-id="comfydeploy"]')).toBeVisible()

  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export CSV' }).click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/^comfy-courier-spend-\d{4}-\d{2}\.csv$/)
  const path = await file.path()
  const { readFile } = await import('node:fs/promises')
  const csv = (await readFile(path, 'utf8')).replace(/^\ufeff/, '')
  const lines = csv.trim().split('\r\n')
  expect(lines[0]).toBe('level,period,provider,deployment_id,deployment,runs,gpu_seconds,estimated_usd,actual_usd,note')
  expect(lines.some((l) => l.startsWith('provider,') && l.includes(',ComfyDeploy,'))).toBe(true)
  expect(lines.some((l) => l.startsWith('provider,') && l.includes(',RunComfy,'))).toBe(true)
  expect(lines.some((l) => l.startsWith('deployment,') && l.includes('Dreamscape SDXL'))).toBe(true)
  expect(lines.some((l) => l.startsWith('day-provider,'))).toBe(true)
})

test('a large batch asks for confirmation naming the estimate, and goes through once confirmed', async ({ page, simApp }) => {
  await page.goto(simApp.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  // Ask before every paid submit on ComfyDeploy (a threshold of $0), as a careful creator might.
  await api(page, 'settings.update', { budgets: { comfydeploy: { monthlyUsd: null, confirmAboveUsd: 0, hardStop: false } } })
  await page.reload()
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByRole('radio', { name: 'ComfyDeploy' }).check()
  await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
  await page.getByLabel('Prompt', { exact: true }).fill('eight lighthouses')
  await page.getByLabel('Variations').fill('8')
  const estimate = page.locator('.estimate')
  await expect(estimate).toHaveAttribute('data-verdict', 'confirm')
  await expect(estimate).toContainText('for 8 runs')

  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  const dialog = page.getByRole('alertdialog', { name: /^Spend .*\$.*\?$/ })
  await expect(dialog).toBeVisible()
  const named = Number(await dialog.locator('[data-estimate-usd]').getAttribute('data-estimate-usd'))
  expect(named).toBeGreaterThan(0)
  await expect(dialog).toContainText('Generate 8 runs of Dreamscape SDXL on ComfyDeploy is estimated at')
  await expect(dialog).toContainText('ComfyDeploy this month so far')
  // Nothing was started while the question is open.
  expect(await api<unknown[]>(page, 'runs.list', { limit: 20 })).toHaveLength(0)

  await dialog.getByRole('button', { name: /^Spend / }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('[data-batch-id]').first()).toBeVisible()
  await expect.poll(async () => (await api<unknown[]>(page, 'runs.list', { limit: 20 })).length).toBe(8)
})
