import type { Locator, Page } from '@playwright/test'
import { PNG } from 'pngjs'
import { expect, test } from '../fixtures/web-app'

/** A small real PNG, as base64, so the dropped file is a decodable image. */
function pngBase64(colour: [number, number, number]): string {
  const png = new PNG({ width: 24, height: 24 })
  for (let i = 0; i < png.data.length; i += 4) png.data.set([...colour, 255], i)
  return PNG.sync.write(png).toString('base64')
}

/** A DataTransfer made in the page holding one File, as a real drag from the desktop carries. */
function transferOf(page: Page, file: { name: string; type: string; base64: string }) {
  return page.evaluateHandle(({ name, type, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
    const transfer = new DataTransfer()
    transfer.items.add(new File([bytes], name, { type }))
    return transfer
  }, file)
}

async function drop(zone: Locator, page: Page, file: { name: string; type: string; base64: string }): Promise<void> {
  const dataTransfer = await transferOf(page, file)
  await zone.dispatchEvent('dragenter', { dataTransfer })
  await zone.dispatchEvent('dragover', { dataTransfer })
  await zone.dispatchEvent('drop', { dataTransfer })
}

/** The API as the page itself calls it (same cookie), to see what the run was sent. */
async function api<T>(page: Page, method: string, args: unknown): Promise<T> {
  const origin = new URL(page.url()).origin
  const answer = (await (await page.request.post(`${origin}/api/${method}`, { data: args })).json()) as { ok: boolean; value: T }
  expect(answer.ok).toBe(true)
  return answer.value
}

test('an image dropped on an image input uploads like a picked one, a wrong type is refused, and the run gets the upload', async ({ page, app }) => {
  await page.goto(app.ready.web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByLabel('Deployment').selectOption({ label: 'Every Input' })
  const field = page.locator('[data-field-id="input_image"]')
  const zone = field.locator('.dropzone')
  await expect(zone).toContainText('or drop an image here')

  // While a file is dragged over, the zone says whether it will take it.
  const image = { name: 'red-square.png', type: 'image/png', base64: pngBase64([220, 30, 30]) }
  const imageDrag = await transferOf(page, image)
  await zone.dispatchEvent('dragover', { dataTransfer: imageDrag })
  await expect(zone).toHaveAttribute('data-drop-state', 'fits')
  await expect(zone).toContainText('Drop to upload it')
  await zone.dispatchEvent('dragleave', { dataTransfer: imageDrag })
  await expect(zone).toHaveAttribute('data-drop-state', 'none')

  const text = { name: 'notes.txt', type: 'text/plain', base64: btoa('not a picture') }
  const textDrag = await transferOf(page, text)
  await zone.dispatchEvent('dragover', { dataTransfer: textDrag })
  await expect(zone).toHaveAttribute('data-drop-state', 'refused')
  await expect(zone).toContainText('Not an image: this input takes images')
  // Dropped anyway: refused before anything is sent, with what the input takes.
  await zone.dispatchEvent('drop', { dataTransfer: textDrag })
  const refused = field.locator('[data-upload-state="error"]')
  await expect(refused).toContainText('notes.txt is not an image. This input takes images (PNG, JPEG, WebP…)')
  await expect(refused.getByRole('button', { name: 'Retry' })).toHaveCount(0)

  // The image: uploaded to the service, shown as the input's file.
  await drop(zone, page, image)
  const done = field.locator('[data-upload-state="done"]')
  await expect(done).toContainText('red-square.png')
  await expect(done).toContainText('uploaded ✓')
  await expect(field.locator('[data-upload-state="error"]')).toHaveCount(0)

  // A file dropped beside the zones does not replace the app with the file.
  await drop(page.getByRole('heading', { name: 'Generate', level: 1 }), page, image)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()

  await page.getByLabel('Prompt', { exact: true }).press('Control+Enter')
  const row = page.locator('[data-run-id]').first()
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 20_000 })
  const [run] = await api<Array<{ inputs: Record<string, unknown> }>>(page, 'runs.list', { limit: 1 })
  expect(String(run!.inputs.input_image)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/uploads\//)
})
