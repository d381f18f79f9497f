import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '../fixtures/web-app'

/** Issue 18 on the Demo: a small grid filling live, a prompt list, and two outputs side by side. */

test('a seed × steps grid fills live, and its image appears in the gallery', async ({ page, app }) => {
  test.setTimeout(60_000)
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
  await page.getByRole('button', { name: 'X/Y grid' }).click()

  // X: two random seeds; Y: steps 4 and 8.
  await page.getByRole('button', { name: 'Add X axis' }).click()
  const x = page.getByRole('listitem', { name: 'X axis' })
  await expect(x.getByLabel('X axis input')).toHaveValue('seed')
  await x.getByLabel('How many seeds').fill('2')
  await expect(x.getByText('2 values')).toBeVisible()
  await page.getByRole('button', { name: 'Add Y axis' }).click()
  const y = page.getByRole('listitem', { name: 'Y axis' })
  await y.getByLabel('Y axis input').selectOption('steps')
  await y.getByLabel('Y axis values').fill('4, 8')
  await expect(page.getByText('X 2 × Y 2 = 4 cells')).toBeVisible()
  await expect(page.locator('.estimate')).toContainText('Free (Demo)')
  await page.screenshot({ path: '/tmp/shots/18-grid-editor.png' })
  const editorAxe = await new AxeBuilder({ page }).include('.generate-main').analyze()
  expect(editorAxe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])

  await page.getByRole('button', { name: 'Make grid of 4' }).click()
  await expect(page.getByRole('heading', { name: 'Grid of 4 · Dreamscape SDXL', level: 1 })).toBeVisible()
  await expect(page).toHaveURL(/#\/grids\/[\w-]+$/)
  const view = page.locator('.grid-view')
  await expect(page.getByRole('columnheader', { name: '4' }).or(page.getByRole('rowheader', { name: '4' })).first()).toBeVisible()
  // Live: the cells fill one by one, each with its picture, time and cost, then the grid image is made.
  await expect(view).toHaveAttribute('data-grid-done', '4', { timeout: 30_000 })
  await expect(view.locator('.grid-cell button.grid-cell__thumb')).toHaveCount(4)
  await expect(view.locator('.grid-cell__facts').first()).toContainText('Free (Demo)')
  await expect(view).toHaveAttribute('data-image-state', 'saved', { timeout: 30_000 })
  const openImage = page.getByRole('button', { name: 'Open the grid image' })
  await expect(openImage).toBeVisible()
  await page.screenshot({ path: '/tmp/shots/18-grid-view.png' })
  const serious = async () =>
    (await new AxeBuilder({ page }).include('.view').analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(await serious()).toEqual([])

  // The grid image is in the gallery, linked to its grid.
  await page.getByRole('link', { name: 'Gallery', exact: true }).click()
  const imageTile = page.locator('.gallery .tile-cell').filter({ has: page.getByRole('link', { name: /^Open the grid this image shows/ }) })
  await expect(imageTile).toHaveCount(1, { timeout: 15_000 })
  await imageTile.getByRole('link', { name: /^Open the grid this image shows/ }).click()
  await expect(page.getByRole('heading', { name: 'Grid of 4 · Dreamscape SDXL', level: 1 })).toBeVisible()
})

test('a 5-line prompt list gives 5 runs', async ({ page, app }) => {
  test.setTimeout(45_000)
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
  await page.getByRole('button', { name: 'Prompt list' }).click()
  const lines = ['a lighthouse at dusk', 'a lighthouse in a storm', 'a lighthouse in fog', 'a lighthouse under stars', 'a lighthouse at noon']
  await page.getByLabel('Prompts, one per line').fill(lines.join('\n'))
  await expect(page.getByRole('table').getByText('5 runs')).toBeVisible()
  await page.screenshot({ path: '/tmp/shots/18-prompt-list.png' })
  await page.getByRole('button', { name: 'Generate 5 runs' }).click()
  await expect(page.getByText('5 runs started as one batch.')).toBeVisible()

  await page.getByRole('link', { name: 'Runs', exact: true }).click()
  const runs = page.locator('.view [data-run-id]')
  await expect(runs).toHaveCount(5)
  await expect(page.locator('.view [data-run-status="succeeded"]')).toHaveCount(5, { timeout: 30_000 })
})

test('a search/replace grid’s image puts its set-up back in the grid editor (Use these settings)', async ({ page, app }) => {
  test.setTimeout(60_000)
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
  await page.getByLabel('Prompt', { exact: true }).fill('a dog in the snow')
  await page.getByRole('button', { name: 'X/Y grid' }).click()
  await page.getByRole('button', { name: 'Add X axis' }).click()
  const x = page.getByRole('listitem', { name: 'X axis' })
  await x.getByLabel('X axis input').selectOption('positive_prompt')
  await x.getByLabel('X axis values', { exact: true }).fill('dog, cat')
  await page.getByRole('button', { name: 'Make grid of 2' }).click()
  const view = page.locator('.grid-view')
  await expect(view).toHaveAttribute('data-image-state', 'saved', { timeout: 30_000 })
  await page.getByRole('button', { name: 'Open the grid image' }).click()
  const lightbox = page.getByRole('dialog')
  await lightbox.getByRole('button', { name: 'Use these settings' }).click()
  await expect(page.getByRole('button', { name: 'X/Y grid' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByRole('listitem', { name: 'X axis' }).getByLabel('X axis values from')).toHaveValue('sr')
  await expect(page.getByRole('listitem', { name: 'X axis' }).getByLabel('X axis values', { exact: true })).toHaveValue('dog, cat')
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('a dog in the snow')
})

test.describe('side by side at 1024×700', () => {
  test.use({ viewport: { width: 1024, height: 700 } })

  test('two outputs open side by side with their differing inputs highlighted', async ({ page, app }) => {
    test.setTimeout(45_000)
    await page.goto(app.ready.web)
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
    await page.getByLabel('Deployment').selectOption({ label: 'Dreamscape SDXL' })
    await page.getByLabel('Variations').fill('2')
    await page.getByRole('button', { name: 'Generate', exact: true }).click()

    await page.getByRole('link', { name: 'Gallery', exact: true }).click()
    const tiles = page.locator('.gallery .tile')
    await expect(tiles).toHaveCount(2, { timeout: 30_000 })
    await tiles.nth(0).click({ modifiers: ['ControlOrMeta'] })
    await tiles.nth(1).click({ modifiers: ['ControlOrMeta'] })
    await page.getByRole('group', { name: 'Selection' }).getByRole('button', { name: 'Compare' }).click()

    const dialog = page.getByRole('dialog', { name: 'Compare 2 outputs' })
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('img')).toHaveCount(2)
    const seedRow = dialog.locator('tr', { has: page.getByRole('rowheader', { name: /Seed/ }) })
    await expect(seedRow).toHaveAttribute('data-differs', 'true')
    await expect(seedRow).toContainText('Differs')
    await expect(dialog.locator('tr', { has: page.getByRole('rowheader', { name: 'Prompt', exact: true }) })).not.toHaveAttribute('data-differs', 'true')

    // Zoom is shared: both pictures move together.
    await dialog.press('+')
    await expect(dialog).toHaveAttribute('data-zoom', '125')
    const transforms = await dialog.locator('img.compare__img').evaluateAll((imgs) => imgs.map((img) => (img as HTMLElement).style.transform))
    expect(new Set(transforms).size).toBe(1)
    // The panes and the table fit the window.
    for (const pane of await dialog.locator('[data-compare-pane]').all()) {
      const box = await pane.boundingBox()
      expect(box?.height ?? 0).toBeGreaterThan(150)
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(700)
    }
    await page.screenshot({ path: '/tmp/shots/18-compare-1024.png' })
    const { violations } = await new AxeBuilder({ page }).include('.compare').analyze()
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
    await dialog.getByRole('button', { name: 'Swipe' }).click()
    const divider = dialog.getByRole('slider', { name: /^Divider/ })
    await divider.focus()
    await divider.press('ArrowLeft')
    await expect(divider).toHaveAttribute('aria-valuenow', '48')
    await page.screenshot({ path: '/tmp/shots/18-swipe-1024.png' })
  })
})
