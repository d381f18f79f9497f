import { expect, test } from '../fixtures/web-app'
import { expectInViewport } from './support/in-viewport'

const views = [
  { name: 'Generate', keys: 'G then G' },
  { name: 'Runs', keys: 'G then R' },
  { name: 'Gallery', keys: 'G then L' },
  { name: 'Webhooks', keys: 'G then W' },
  { name: 'Settings', keys: 'G then S' },
]

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
  { width: 760, height: 600 },
]) {
  const narrow = viewport.width < 900
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test(narrow ? 'the sidebar folds to named icons, each with its shortcut as a tooltip' : 'the sidebar shows its labels', async ({ page, app }) => {
      await page.goto(app.ready.web)
      await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
      const sidebar = page.locator('.sidebar')
      const nav = page.getByRole('navigation', { name: 'Main' })
      const width = (await sidebar.boundingBox())!.width
      if (narrow) expect(width, 'the folded sidebar’s width').toBeLessThanOrEqual(72)
      else expect(width, 'the sidebar’s width').toBeGreaterThanOrEqual(200)

      for (const { name, keys } of views) {
        const link = nav.getByRole('link', { name, exact: true })
        await expect(link).toBeVisible()
        await expectInViewport(page, link, `the ${name} link`)
        // The tooltip names the view and its shortcut, folded or not.
        await expect(link).toHaveAttribute('title', new RegExp(`^Go to ${name}.* — ${keys}$`))
        const label = link.locator('.nav__label')
        const labelBox = (await label.boundingBox())!
        if (narrow) expect(labelBox.width, `the ${name} label is folded away`).toBeLessThanOrEqual(1)
        else expect(labelBox.width, `the ${name} label shows`).toBeGreaterThan(20)
      }
      const help = page.getByRole('button', { name: 'Keyboard shortcuts' })
      await expectInViewport(page, help, 'the Keyboard shortcuts button')
      await expect(help).toHaveAttribute('title', 'Show these keyboard shortcuts — ?')

      // The view gets the room the sidebar gave up.
      const main = (await page.getByRole('main').boundingBox())!
      expect(main.x).toBeCloseTo(width, 0)
      await page.screenshot({ path: `/tmp/first-hour-14-${viewport.width}-dark.png` })

      // The icons work like the links they are, from the mouse and the keyboard.
      await nav.getByRole('link', { name: 'Gallery', exact: true }).click()
      await expect(page.getByRole('heading', { name: 'Gallery', level: 1 })).toBeVisible()
      await expect(nav.getByRole('link', { name: 'Gallery', exact: true })).toHaveAttribute('aria-current', 'page')
      const runs = nav.getByRole('link', { name: 'Runs', exact: true })
      await runs.focus()
      await expect(runs).toBeFocused()
      await page.keyboard.press('Enter')
      await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible()
      await page.emulateMedia({ colorScheme: 'light' })
      await page.screenshot({ path: `/tmp/first-hour-14-${viewport.width}-light.png` })
    })
  })
}
