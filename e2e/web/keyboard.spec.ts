import type { Page } from '@playwright/test'
import { shortcuts, type ShortcutId } from '../../src/renderer/src/keyboard/shortcuts'
import { expect, test } from '../fixtures/web-app'

const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 1 })

/** Moves the focus off any control, as after clicking an empty part of the page. */
const focusNothing = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())

test('Ctrl+Enter generates from inside a field, through the same checks as the Generate button', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })

  // An out-of-range value: Ctrl+Enter is refused exactly as the button would be.
  await page.getByLabel('Steps', { exact: true }).fill('99')
  const prompt = page.getByLabel('Prompt', { exact: true })
  await prompt.fill('a paper boat on a puddle')
  await prompt.press('Control+Enter')
  await expect(page.getByRole('alert')).toHaveText('Fix the highlighted field to generate.')
  await expect(page.locator('[data-field-id="steps"]')).toHaveClass(/field--invalid/)
  await expect(page.locator('[data-run-id]')).toHaveCount(0)
  await expect(prompt).toHaveValue('a paper boat on a puddle') // no newline typed either

  await page.getByLabel('Steps', { exact: true }).fill('20')
  await prompt.press('Control+Enter')
  const row = page.locator('[data-run-id]').first()
  await expect(row).toContainText('a paper boat on a puddle')
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 15_000 })
  await expect(page.locator('[data-run-id]')).toHaveCount(1)
})

test('G then a letter opens each view outside text boxes, and ? shows every shortcut from the one table', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

  // In a text box the letters are text.
  const prompt = page.getByLabel('Prompt', { exact: true })
  await prompt.fill('')
  await prompt.pressSequentially('gr?')
  await expect(prompt).toHaveValue('gr?')
  await expect(heading(page, 'Generate')).toBeVisible()
  await expect(page.getByRole('dialog')).toHaveCount(0)

  await focusNothing(page)
  for (const [letter, view] of [
    ['r', 'Runs'],
    ['l', 'Gallery'],
    ['w', 'Webhooks'],
    ['s', 'Settings'],
    ['g', 'Generate'],
  ] as const) {
    await page.keyboard.press('g')
    await page.keyboard.press(letter)
    await expect(heading(page, view)).toBeVisible()
    await expect(page).toHaveURL(new RegExp(`#/${view.toLowerCase()}$`))
    await focusNothing(page)
  }

  // ? opens the sheet: a labelled modal dialog, focus inside, every shortcut of the table listed.
  await page.keyboard.press('?')
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(sheet).toBeVisible()
  await expect(sheet.getByRole('button', { name: 'Close' })).toBeFocused()
  const ids = Object.keys(shortcuts) as ShortcutId[]
  await expect(sheet.locator('[data-shortcut]')).toHaveCount(ids.length)
  for (const id of ids) await expect(sheet.locator(`[data-shortcut="${id}"] th`)).toHaveText(shortcuts[id].description)
  // This browser is not on a Mac: the modifier is Ctrl.
  await expect(sheet.locator('[data-shortcut="generate.submit"] td')).toHaveText('Ctrl+Enter')
  await expect(sheet.locator('[data-shortcut="view.runs"] td')).toHaveText('G then R')

  // Tab stays inside; Escape closes and gives the focus back.
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab')
    expect(await sheet.evaluate((el) => el.contains(document.activeElement))).toBe(true)
  }
  // No view switching behind the sheet.
  await page.keyboard.press('g')
  await page.keyboard.press('r')
  await expect(heading(page, 'Generate')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(sheet).toHaveCount(0)

  // The sidebar's button opens the same sheet, and focus returns to it.
  const button = page.getByRole('button', { name: 'Keyboard shortcuts' })
  await button.click()
  await expect(sheet).toBeVisible()
  await sheet.getByRole('button', { name: 'Close' }).click()
  await expect(sheet).toHaveCount(0)
  await expect(button).toBeFocused()
})

test('the arrow keys move through the gallery and Enter opens the output shown', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  // Quick Sketch saves two images per run.
  await page.getByLabel('Deployment').selectOption({ label: 'Quick Sketch' })
  await page.getByLabel('Prompt', { exact: true }).fill('two teacups on a windowsill')
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  await expect(page.locator('[data-run-id]').first()).toHaveAttribute('data-run-status', 'succeeded', { timeout: 15_000 })

  await focusNothing(page)
  await page.keyboard.press('g')
  await page.keyboard.press('l')
  const tiles = page.locator('.gallery [data-output-id]')
  await expect(tiles).toHaveCount(2, { timeout: 15_000 })
  const [first, second] = [tiles.nth(0), tiles.nth(1)]
  await first.focus()
  await page.keyboard.press('ArrowRight')
  await expect(second).toBeFocused()
  await page.keyboard.press('ArrowLeft')
  await expect(first).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('Enter')
  const viewer = page.getByRole('dialog')
  await expect(viewer).toHaveAttribute('data-viewer-output-id', (await second.getAttribute('data-output-id')) ?? '')
  await page.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)
  await expect(second).toBeFocused()
})
