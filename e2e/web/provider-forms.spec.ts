import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { PNG } from 'pngjs'
import { expect, test } from '../fixtures/web-app'

/** A small real PNG, made here so the upload carries a decodable image. */
function pngFile(name: string, colour: [number, number, number]) {
  const png = new PNG({ width: 32, height: 32 })
  for (let i = 0; i < png.data.length; i += 4) png.data.set([...colour, 255], i)
  return { name, mimeType: 'image/png', buffer: PNG.sync.write(png) }
}

/** A 0.1 s silent WAV. */
function wavFile() {
  const samples = 800
  const buffer = Buffer.alloc(44 + samples * 2)
  buffer.write('RIFF', 0)
  buffer.writeUInt32LE(36 + samples * 2, 4)
  buffer.write('WAVEfmt ', 8)
  buffer.writeUInt32LE(16, 16)
  buffer.writeUInt16LE(1, 20)
  buffer.writeUInt16LE(1, 22)
  buffer.writeUInt32LE(8000, 24)
  buffer.writeUInt32LE(16000, 28)
  buffer.writeUInt16LE(2, 32)
  buffer.writeUInt16LE(16, 34)
  buffer.write('data', 36)
  buffer.writeUInt32LE(samples * 2, 40)
  return { name: 'tone.wav', mimeType: 'audio/wav', buffer }
}

async function openGenerate(page: Page, web: string, provider: string, deployment: string) {
  await page.goto(web)
  await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  await page.getByRole('radio', { name: provider }).check()
  await page.getByLabel('Deployment').selectOption({ label: deployment })
}

const field = (page: Page, id: string) => page.locator(`[data-field-id="${id}"]`)

/** The API as the page itself calls it (same cookie), to look at what the app knows. */
async function api<T>(page: Page, method: string, args: unknown): Promise<T> {
  const origin = new URL(page.url()).origin
  const answer = (await (await page.request.post(`${origin}/api/${method}`, { data: args })).json()) as { ok: boolean; value: T }
  expect(answer.ok).toBe(true)
  return answer.value
}

test('ComfyDeploy: a form with every input kind, uploads included, runs to success', async ({ page, simApp, sim }) => {
  await openGenerate(page, simApp.ready.web, 'ComfyDeploy', 'Every Input')
  await page.getByLabel('Prompt', { exact: true }).fill('every input kind, from the browser')
  await page.getByLabel('Title', { exact: true }).fill('E2E')
  await page.getByLabel('Scheduler', { exact: true }).selectOption({ index: 1 })
  await page.getByLabel('Image file', { exact: true }).setInputFiles(pngFile('reference.png', [200, 40, 40]))
  await page.getByLabel('Mask (with alpha) file', { exact: true }).setInputFiles(pngFile('mask.png', [0, 0, 0]))
  await page.getByLabel('Reference images file', { exact: true }).setInputFiles([pngFile('a.png', [0, 200, 0]), pngFile('b.png', [0, 0, 200])])
  await page
    .getByLabel('Video file', { exact: true })
    .setInputFiles({ name: 'loop.webm', mimeType: 'video/webm', buffer: await readFile(join(process.cwd(), 'src/sim/media/fixtures/motion-loop.webm')) })
  await page.getByLabel('Audio file', { exact: true }).setInputFiles(wavFile())
  await page.getByLabel('File file', { exact: true }).setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"a":1}') })
  await page.getByLabel('LoRA', { exact: true }).fill('https://example.com/style.safetensors')
  await page.getByLabel('CFG scale', { exact: true }).fill('8')
  await page.getByLabel('Steps', { exact: true }).fill('30')
  await page.getByLabel('Upscale', { exact: true }).check()
  for (const id of ['input_image', 'mask_image', 'input_video', 'input_audio', 'input_file']) {
    await expect(field(page, id).locator('[data-upload-state="done"]')).toBeVisible()
  }
  await expect(field(page, 'reference_images').locator('[data-upload-state="done"]')).toHaveCount(2)

  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  const row = page.locator('[data-run-id]').first()
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 20_000 })

  // What the service received: uploaded files became the service's URLs, every value arrived typed.
  const [run] = await api<{ providerRunId: string }[]>(page, 'runs.list', { limit: 1 })
  const remote = (await (await fetch(`${sim.url}/api/run/${run!.providerRunId}`, { headers: { authorization: 'Bearer e2e-cd-key' } })).json()) as {
    workflow_inputs: Record<string, unknown>
  }
  const inputs = remote.workflow_inputs
  for (const id of ['input_image', 'mask_image', 'input_video', 'input_audio', 'input_file']) {
    expect(String(inputs[id])).toMatch(new RegExp(`^${sim.url}/media/uploads/`))
  }
  const batch = JSON.parse(String(inputs.reference_images)) as string[]
  expect(batch).toHaveLength(2)
  expect(inputs).toMatchObject({ prompt: 'every input kind, from the browser', title: 'E2E', cfg: 8, steps: 30, upscale: true })
})

test('RunComfy: the graph form with an image inlined as a data URI runs to a saved image', async ({ page, simApp }) => {
  await openGenerate(page, simApp.ready.web, 'RunComfy', 'Flux Portrait')
  await page.getByLabel('Prompt', { exact: true }).fill('a portrait, uploaded reference')
  await page.getByLabel('Image file', { exact: true }).setInputFiles(pngFile('ref.png', [90, 90, 200]))
  await expect(field(page, '10.image').locator('[data-upload-state="done"]')).toBeVisible()
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  const row = page.locator('[data-run-id]').first()
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 20_000 })
  await expect(row.locator('img')).toBeVisible()
  const [run] = await api<{ inputs: Record<string, string> }[]>(page, 'runs.list', { limit: 1 })
  expect(run!.inputs['10.image']).toMatch(/^data:image\/png;base64,/)
})

for (const [provider, deployment, input, label] of [
  ['ComfyDeploy', 'Dreamscape SDXL', 'steps', 'Steps'],
  ['RunComfy', 'Flux Portrait', '3.steps', 'Steps'],
] as const) {
  test(`${provider}: a 422 from the service is shown next to the input it names`, async ({ page, simApp, sim }) => {
    // The service refuses a value that only it can judge: the form accepted it, the service did not.
    const message = 'steps above 50 are not allowed on this machine'
    const knob = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: JSON.stringify({ rejectInput: { input, message } }) })
    expect(knob.status).toBe(200)
    await openGenerate(page, simApp.ready.web, provider, deployment)
    await page.getByLabel(label, { exact: true }).fill('55')
    await page.getByRole('button', { name: 'Generate', exact: true }).click()
    await expect(field(page, input)).toContainText(message)
    await expect(page.locator('[data-run-id]').first()).toHaveAttribute('data-run-status', 'failed')
  })
}

test('RunComfy: a LoRA deployment runs once its fields are named in Customize form', async ({ page, simApp }) => {
  await openGenerate(page, simApp.ready.web, 'RunComfy', 'Product Shot LoRA')
  await page.getByRole('button', { name: 'Customize form' }).click()
  const dialog = page.getByRole('dialog', { name: 'Customize form for Product Shot LoRA' })
  await expect(dialog).toBeVisible()
  for (const [name, label] of [
    ['prompt', 'Product prompt'],
    ['seed', 'Seed'],
  ]) {
    await dialog.getByLabel('Field name', { exact: true }).fill(name!)
    await dialog.getByLabel('Field label', { exact: true }).fill(label!)
    await dialog.getByRole('button', { name: 'Add field' }).click()
  }
  await dialog.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText('Custom form', { exact: true })).toBeVisible()

  await page.getByLabel('Product prompt', { exact: true }).fill('a perfume bottle on wet stone')
  await page.getByLabel('Seed', { exact: true }).fill('7')
  await page.getByRole('button', { name: 'Generate', exact: true }).click()
  const row = page.locator('[data-run-id]').first()
  await expect(row).toHaveAttribute('data-run-status', 'succeeded', { timeout: 20_000 })
  await expect(row.locator('img')).toHaveCount(2)
  const [run] = await api<{ inputs: Record<string, unknown> }[]>(page, 'runs.list', { limit: 1 })
  expect(run!.inputs).toEqual({ prompt: 'a perfume bottle on wet stone', seed: 7 })
})
