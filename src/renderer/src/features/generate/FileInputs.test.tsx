import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeCourier, mediaDeployment } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement
const describedText = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ')
/** The element under root matching selector, or a throw (so waitFor keeps waiting). */
function found(root: HTMLElement, selector: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector)
  if (el === null) throw new Error(`nothing matches ${selector}`)
  return el
}
const fieldBox = (id: string) => document.querySelector<HTMLElement>(`[data-field-id="${id}"]`) as HTMLElement

/** RunComfy with a key, its media deployment on screen. */
async function renderMedia(fake = new FakeCourier().configure('runcomfy')) {
  const view = await renderApp(fake)
  fireEvent.click(await screen.findByRole('radio', { name: 'RunComfy' }))
  await screen.findByLabelText('Start image')
  expect((screen.getByLabelText('Deployment') as HTMLSelectElement).value).toBe(mediaDeployment.id)
  return view
}

afterEach(() => {
  vi.restoreAllMocks()
})

const pick = (label: string, ...files: File[]) => fireEvent.change(input(`${label} file`), { target: { files } })
const png = (name: string, body = `png-bytes-of-${name}`) => new File([body], name, { type: 'image/png' })

async function generate(fake: FakeCourier, count = 1) {
  fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
  await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(count))
  await waitFor(() => expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false))
  return fake.callsTo('runs.submit')[count - 1]?.inputs ?? {}
}

describe('Generate: file inputs', () => {
  it('uploads a picked image as base64 and sends the value uploads.create returned', async () => {
    const { fake } = await renderMedia()
    const file = input('Start image file')
    expect(file.type).toBe('file')
    expect(file.accept).toBe('image/*')
    expect(screen.getAllByText('Choose file…').length).toBeGreaterThan(0)

    pick('Start image', png('cat.png', 'hello-png'))
    await waitFor(() => expect(input('Start image').value).toBe('https://uploads.example/cat.png'))
    expect(fake.callsTo('uploads.create')).toEqual([
      { provider: 'runcomfy', fileName: 'cat.png', mime: 'image/png', dataBase64: btoa('hello-png'), uploadId: expect.any(String) },
    ])
    const done = within(fieldBox('10.image')).getByText('cat.png').closest('[data-upload-state]') as HTMLElement
    expect(done.dataset.uploadState).toBe('done')
    expect(done.textContent).toContain('9 B')

    const inputs = await generate(fake)
    expect(inputs['10.image']).toBe('https://uploads.example/cat.png')

    // Remove empties the field, and an optional empty image is left out.
    fireEvent.click(within(fieldBox('10.image')).getByRole('button', { name: 'Remove' }))
    expect(input('Start image').value).toBe('')
    expect((await generate(fake, 2))['10.image']).toBeUndefined()
  })

  it('shows the upload in flight, then an error with its advice, and Retry sends it again', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    await renderMedia(fake)
    fake.hold('uploads.create')
    fake.failNext('uploads.create', { code: 'PROVIDER_UNAVAILABLE', message: 'HTTP 503 from storage' })
    pick('Start image', png('dog.png'))

    const uploading = await within(fieldBox('10.image')).findByRole('status')
    expect(uploading.dataset.uploadState).toBe('uploading')
    expect(uploading.textContent).toContain('Uploading dog.png (20 B)')
    // Generate waits for the upload rather than sending the form without it.
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    expect((await screen.findByRole('alert')).textContent).toContain('dog.png is still uploading')
    expect(fake.callsTo('runs.submit')).toHaveLength(0)

    act(() => fake.release('uploads.create'))
    await waitFor(() => expect(screen.queryByText(/dog\.png is still uploading/)).toBeNull())
    const failed = await waitFor(() => found(fieldBox('10.image'), '[data-upload-state="error"]'))
    expect(failed.textContent).toContain('The service is having trouble; try again shortly.')
    expect(failed.textContent).toContain('HTTP 503 from storage')
    expect(input('Start image').value).toBe('')

    fireEvent.click(within(failed).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(input('Start image').value).toBe('https://uploads.example/dog.png'))
    expect(fake.callsTo('uploads.create')).toHaveLength(2)
    expect(fieldBox('10.image').querySelector('[data-upload-state="error"]')).toBeNull()
  })

  it('shows how much of the file the service has taken while it uploads', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    await renderMedia(fake)
    fake.hold('uploads.create')
    pick('Start image', png('cat.png'))
    const uploading = await within(fieldBox('10.image')).findByRole('status')
    await waitFor(() => expect(fake.callsTo('uploads.create')).toHaveLength(1))
    const [call] = fake.callsTo('uploads.create')
    expect(call?.uploadId).toBeTruthy()
    // Progress for another upload is ignored; ours moves the bar.
    act(() => fake.emit({ type: 'upload.progress', progress: { uploadId: 'someone-else', sentBytes: 5, totalBytes: 10 } }))
    expect(uploading.querySelector('progress')).toBeNull()
    act(() => fake.emit({ type: 'upload.progress', progress: { uploadId: call!.uploadId!, sentBytes: 64, totalBytes: 256 } }))
    const bar = within(uploading).getByRole('progressbar', { name: 'Upload of cat.png' }) as HTMLProgressElement
    expect(bar.value).toBe(64)
    expect(bar.max).toBe(256)
    act(() => fake.release('uploads.create'))
    await waitFor(() => expect(input('Start image').value).toBe('https://uploads.example/cat.png'))
  })

  it('refuses a file over 25 MiB before sending it, and says what to do instead', async () => {
    const { fake } = await renderMedia()
    const big = png('huge.png')
    Object.defineProperty(big, 'size', { value: 26 * 1024 * 1024 })
    pick('Start image', big)
    const failed = await waitFor(() => found(fieldBox('10.image'), '[data-upload-state="error"]'))
    expect(failed.textContent).toContain('huge.png is 26.0 MiB; files over 25 MiB cannot be uploaded from here.')
    expect(within(failed).queryByRole('button', { name: 'Retry' })).toBeNull()
    expect(fake.callsTo('uploads.create')).toHaveLength(0)
  })

  it('uploads several images and sends them as a JSON array; each can be removed', async () => {
    const { fake } = await renderMedia()
    const file = input('Style images file')
    expect(file.multiple).toBe(true)
    pick('Style images', png('a.png'), png('b.png'))
    const strip = await screen.findByRole('list', { name: 'Style images: 2 images' })
    expect(within(strip).getByText('a.png')).toBeTruthy()
    expect(within(strip).getByText('b.png')).toBeTruthy()
    expect(fake.callsTo('uploads.create').map((c) => c.fileName)).toEqual(['a.png', 'b.png'])

    // A pasted URL joins the list on Enter (without submitting the form).
    fireEvent.change(input('Style images'), { target: { value: 'https://cdn.example/c.webp' } })
    fireEvent.keyDown(input('Style images'), { key: 'Enter' })
    expect(fake.callsTo('runs.submit')).toHaveLength(0)
    await screen.findByRole('list', { name: 'Style images: 3 images' })

    const inputs = await generate(fake)
    expect(inputs['11.images']).toBe(JSON.stringify(['https://uploads.example/a.png', 'https://uploads.example/b.png', 'https://cdn.example/c.webp']))

    fireEvent.click(within(screen.getByRole('list', { name: 'Style images: 3 images' })).getByRole('button', { name: 'Remove a.png' }))
    expect((await generate(fake, 2))['11.images']).toBe(JSON.stringify(['https://uploads.example/b.png', 'https://cdn.example/c.webp']))
  })

  it('shows a thumbnail of each picked image (a blob: URL the CSP allows) and frees it on remove', async () => {
    const created: string[] = []
    const revoked: string[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      expect(blob).toBeInstanceOf(File)
      created.push(`blob:thumb-${created.length + 1}`)
      return created[created.length - 1] as string
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url))
    await renderMedia()
    pick('Style images', png('a.png'), png('b.png'))
    const strip = await screen.findByRole('list', { name: 'Style images: 2 images' })
    expect([...strip.querySelectorAll('img')].map((img) => img.getAttribute('src'))).toEqual(['blob:thumb-1', 'blob:thumb-2'])
    fireEvent.click(within(strip).getByRole('button', { name: 'Remove b.png' }))
    expect(revoked).toEqual(['blob:thumb-2'])
    await screen.findByRole('list', { name: 'Style images: 1 image' })
  })

  it('offers video, audio and any-file pickers that upload and show name and size, or take a URL', async () => {
    const { fake } = await renderMedia()
    expect(input('Motion video file').accept).toBe('video/*')
    expect(input('Soundtrack file').accept).toBe('audio/*')
    expect(input('Mask file file').accept).toBe('')

    pick('Motion video', new File(['x'.repeat(2048)], 'waves.mp4', { type: 'video/mp4' }))
    await waitFor(() => expect(input('Motion video').value).toBe('https://uploads.example/waves.mp4'))
    expect(within(fieldBox('12.video')).getByText(/waves\.mp4/).closest('[data-upload-state]')?.textContent).toContain('2.0 KiB')

    // A file of the wrong kind is refused before upload.
    pick('Soundtrack', new File(['x'], 'notes.txt', { type: 'text/plain' }))
    expect(await within(fieldBox('13.audio')).findByText(/notes\.txt is not an audio file\./)).toBeTruthy()

    fireEvent.change(input('Mask file'), { target: { value: 'https://files.example/mask.bin' } })
    const inputs = await generate(fake)
    expect(inputs['12.video']).toBe('https://uploads.example/waves.mp4')
    expect(inputs['14.file']).toBe('https://files.example/mask.bin')
    expect(inputs['13.audio']).toBeUndefined()
    expect(fake.callsTo('uploads.create')).toHaveLength(1)
  })

  it('a file dropped on the zone uploads like a picked one; a drag says whether the input takes it', async () => {
    const { fake } = await renderMedia()
    const zone = found(fieldBox('10.image'), '.dropzone')
    /** What a drag from the desktop carries: the types while dragging, the files on drop. */
    const carrying = (...files: File[]) => ({ dataTransfer: { files, items: files.map((f) => ({ kind: 'file', type: f.type })), types: ['Files'] } })

    fireEvent.dragOver(zone, carrying(new File(['x'], 'notes.txt', { type: 'text/plain' })))
    expect(zone.dataset.dropState).toBe('refused')
    expect(zone.textContent).toContain('Not an image: this input takes images (PNG, JPEG, WebP…)')
    fireEvent.dragLeave(zone, { relatedTarget: document.body })
    expect(zone.dataset.dropState).toBe('none')

    fireEvent.dragOver(zone, carrying(png('sky.png')))
    expect(zone.dataset.dropState).toBe('fits')
    expect(zone.textContent).toContain('Drop to upload it')
    fireEvent.drop(zone, carrying(png('sky.png', 'sky-bytes')))
    expect(zone.dataset.dropState).toBe('none')
    await waitFor(() => expect(input('Start image').value).toBe('https://uploads.example/sky.png'))
    expect(fake.callsTo('uploads.create')).toEqual([expect.objectContaining({ fileName: 'sky.png', dataBase64: btoa('sky-bytes') })])

    // Dropped anyway, a wrong type is refused with what the input takes, and nothing is sent.
    fireEvent.drop(zone, carrying(new File(['x'], 'notes.txt', { type: 'text/plain' })))
    expect(await within(fieldBox('10.image')).findByText(/notes\.txt is not an image\. This input takes images/)).toBeTruthy()
    expect(fake.callsTo('uploads.create')).toHaveLength(1)
  })

  it('an output dragged from its thumbnail goes on as the input’s file; one of another kind, or too large, is refused', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    const run = fake.seedRun({ prompt: 'a kite' })
    const picture = fake.seedOutput(run, { path: '2026-12-06/demo/r1-1.png', bytes: 4096 })
    const clip = fake.seedOutput(run, { path: '2026-12-06/demo/r1-2.mp4', kind: 'video', mime: 'video/mp4' })
    const huge = fake.seedOutput(run, { path: '2026-12-06/demo/r1-3.png', bytes: 26 * 1024 * 1024 })
    await renderMedia(fake)
    /** What a thumbnail's drag carries (output-drag.ts): the id, read on drop, and the kind as a type. */
    const dragging = (id: string, kind: string) => {
      const data: Record<string, string> = { 'application/x-courier-output': id, [`application/x-courier-kind-${kind}`]: kind }
      return { dataTransfer: { files: [], items: [], types: Object.keys(data), getData: (type: string) => data[type] ?? '' } }
    }
    const zone = found(fieldBox('10.image'), '.dropzone')

    fireEvent.dragOver(zone, dragging(clip.id, 'video'))
    expect(zone.dataset.dropState).toBe('refused')
    expect(zone.textContent).toContain('Not an image: this input takes images (PNG, JPEG, WebP…)')
    fireEvent.dragOver(zone, dragging(picture.id, 'image'))
    expect(zone.dataset.dropState).toBe('fits')
    expect(zone.textContent).toContain('Drop to use this output')
    fireEvent.drop(zone, dragging(picture.id, 'image'))
    await waitFor(() => expect(input('Start image').value).toBe('https://uploads.example/r1-1.png'))
    expect(fake.callsTo('uploads.fromOutput')).toEqual([{ provider: 'runcomfy', outputId: picture.id, uploadId: expect.any(String) }])
    const done = within(fieldBox('10.image')).getByText('r1-1.png').closest('[data-upload-state]') as HTMLElement
    expect(done.dataset.uploadState).toBe('done')
    expect(done.querySelector('img')?.getAttribute('src')).toContain(picture.id)
    expect((await generate(fake))['10.image']).toBe('https://uploads.example/r1-1.png')

    // The video goes where videos go; too large a picture is refused before anything is sent.
    fireEvent.drop(found(fieldBox('12.video'), '.dropzone'), dragging(clip.id, 'video'))
    await waitFor(() => expect(input('Motion video').value).toBe('https://uploads.example/r1-2.mp4'))
    fireEvent.drop(zone, dragging(huge.id, 'image'))
    expect(await within(fieldBox('10.image')).findByText('r1-3.png is 26.0 MiB; files over 25 MiB cannot be used as an input from here.')).toBeTruthy()
    expect(fake.callsTo('uploads.fromOutput')).toHaveLength(2)
  })

  it('a typed URL must be one the service can fetch', async () => {
    const { fake } = await renderMedia()
    fireEvent.change(input('Start image'), { target: { value: 'file:///etc/passwd' } })
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    expect(describedText(input('Start image'))).toContain('Enter an image URL starting with https://, or choose a file.')
    expect(fake.callsTo('runs.submit')).toHaveLength(0)
  })

  it('keeps a slider and its number box in step, within min/max/step', async () => {
    const { fake } = await renderMedia()
    const slider = input('Denoise slider')
    const box = input('Denoise')
    expect(slider.type).toBe('range')
    expect([slider.min, slider.max, slider.step, slider.value]).toEqual(['0', '1', '0.05', '0.6'])
    expect(box.type).toBe('number')
    expect(box.value).toBe('0.6')

    fireEvent.change(slider, { target: { value: '0.85' } })
    expect(input('Denoise').value).toBe('0.85')
    fireEvent.change(input('Denoise'), { target: { value: '0.25' } })
    expect(input('Denoise slider').value).toBe('0.25')
    // A half-typed number leaves the slider where it can be.
    fireEvent.change(input('Denoise'), { target: { value: '' } })
    expect(input('Denoise slider').value).toBe('0')

    fireEvent.change(input('Frames slider'), { target: { value: '48' } })
    fireEvent.change(input('Denoise'), { target: { value: '0.4' } })
    const inputs = await generate(fake)
    expect(inputs).toMatchObject({ '20.denoise': 0.4, '21.frames': 48, '30.sampler': 'euler', '38:42.seed': 7 })
  })

  it('shows a server error under an input whose id has dots or colons (RunComfy node ids)', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    fake.failNext('runs.submit', { code: 'PROVIDER_VALIDATION', message: 'Prompt is too long for node 6', field: '6.text' })
    fake.failNext('runs.submit', { code: 'PROVIDER_VALIDATION', message: 'seed must fit in 32 bits', field: '38:42.seed' })
    await renderMedia(fake)

    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(describedText(input('Prompt'))).toContain('Prompt is too long for node 6'))
    expect(fieldBox('6.text').classList.contains('field--invalid')).toBe(true)
    expect(screen.getByRole('alert').textContent).toContain('The service rejected an input.')

    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(describedText(input('Seed'))).toContain('seed must fit in 32 bits'))
    expect(describedText(input('Prompt'))).not.toContain('too long')
  })
})

describe('Errors the user fixes in Settings', () => {
  it('a failed run with a refused key offers "Open Settings", which goes there', async () => {
    const fake = new FakeCourier()
    fake.seedRun({ prompt: 'a cat' }, { status: 'failed', error: { code: 'PROVIDER_AUTH', message: 'HTTP 401 from the service' } })
    await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Runs' }))
    const row = (await screen.findByText('a cat')).closest('[data-run-id]') as HTMLElement
    expect(row.textContent).toContain('The service refused the API key: check it in Settings.')
    fireEvent.click(within(row).getByRole('button', { name: 'Open Settings' }))
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy()
    expect(window.location.hash).toBe('#/settings')
  })

  it('a submit refused for a missing key offers "Open Settings"; other codes do not', async () => {
    const fake = new FakeCourier()
    fake.failNext('runs.submit', { code: 'PROVIDER_REFUSED', message: 'insufficient balance' })
    fake.failNext('runs.submit', { code: 'NOT_CONFIGURED', message: 'comfydeploy has no API key yet' })
    await renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }))
    const refused = await screen.findByRole('alert')
    expect(refused.textContent).toContain('The service refused the run: check your balance and the deployment on its dashboard.')
    expect(refused.textContent).toContain('insufficient balance')
    expect(within(refused).queryByRole('button', { name: 'Open Settings' })).toBeNull()

    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Add your API key in Settings.'))
    fireEvent.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Open Settings' }))
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy()
  })

  it('a deployment list refused for the key offers "Open Settings" next to "Try again"', async () => {
    const fake = new FakeCourier().configure('comfydeploy')
    await renderApp(fake)
    fake.failNext('deployments.list', { code: 'PROVIDER_AUTH', message: 'HTTP 403 from ComfyDeploy' })
    fireEvent.click(await screen.findByRole('radio', { name: 'ComfyDeploy' }))
    const notice = await waitFor(() => found(document.body, '[data-error-code="PROVIDER_AUTH"]'))
    expect(notice.textContent).toContain('HTTP 403 from ComfyDeploy')
    expect(within(notice).getByRole('button', { name: 'Try again' })).toBeTruthy()
    fireEvent.click(within(notice).getByRole('button', { name: 'Open Settings' }))
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy()
  })

  it('an upload refused for the key offers "Open Settings" too', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    fake.failNext('uploads.create', { code: 'PROVIDER_AUTH', message: 'HTTP 401' })
    await renderMedia(fake)
    pick('Start image', png('cat.png'))
    const button = await within(fieldBox('10.image')).findByRole('button', { name: 'Open Settings' })
    fireEvent.click(button)
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy()
  })
})
