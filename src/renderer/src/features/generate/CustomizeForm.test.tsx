import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier, loraDeployment, mediaCandidates, mediaDeployment } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const DIALOG = `Customize form for ${mediaDeployment.name}`

/** RunComfy with a key, its media deployment on screen. */
async function renderMedia(fake = new FakeCourier().configure('runcomfy')) {
  const view = await renderApp(fake)
  fireEvent.click(await screen.findByRole('radio', { name: 'RunComfy' }))
  await screen.findByLabelText('Start image')
  return view
}

/** Opens the dialog and waits for the workflow's inputs to be listed. */
async function openCustomize(name = DIALOG, waitForRow: string | null = '6.text') {
  fireEvent.click(screen.getByRole('button', { name: 'Customize form' }))
  const dialog = await screen.findByRole('dialog', { name })
  if (waitForRow !== null) await within(dialog).findByRole('checkbox', { name: `Show ${waitForRow}` })
  return dialog
}

const rowIds = (dialog: HTMLElement) =>
  within(dialog)
    .getAllByRole('listitem')
    .map((li) => li.getAttribute('aria-label'))
const checkedIds = (dialog: HTMLElement) =>
  within(dialog)
    .getAllByRole('listitem')
    .filter((li) => li.dataset.checked === 'true')
    .map((li) => li.getAttribute('aria-label'))
const check = (dialog: HTMLElement, id: string, on: boolean) => {
  const box = within(dialog).getByRole('checkbox', { name: `Show ${id}` }) as HTMLInputElement
  if (box.checked !== on) fireEvent.click(box)
}
const formFieldIds = () => [...document.querySelectorAll<HTMLElement>('form[aria-label^="Inputs for"] [data-field-id]')].map((el) => el.dataset.fieldId)

async function save(dialog: HTMLElement) {
  fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
}

const GRAPH = JSON.stringify({
  '3': { class_type: 'KSampler', inputs: { seed: 5, steps: 20, cfg: 7.5, model: ['4', 0], positive: ['6', 0] } },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sdxl.safetensors' } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat on a sofa', clip: ['4', 1] }, _meta: { title: 'Positive' } },
})

describe('Customize form', () => {
  it('lists every workflow input, the form’s own checked first, and saving a subset changes the Generate form', async () => {
    const { fake } = await renderMedia()
    expect(screen.queryByText('Custom form')).toBeNull()
    const dialog = await openCustomize()

    expect(fake.callsTo('forms.candidates')).toEqual([{ provider: 'runcomfy', deploymentId: mediaDeployment.id }])
    expect(rowIds(dialog)).toEqual(mediaCandidates.map((f) => f.id))
    expect(checkedIds(dialog)).toEqual(mediaDeployment.inputs.map((f) => f.id))
    // Each row: label box, kind, default, and the node/id in muted text.
    const negative = within(dialog).getByRole('listitem', { name: '7.text' })
    expect((within(negative).getByRole('textbox', { name: 'Label for 7.text' }) as HTMLInputElement).value).toBe('Negative prompt')
    expect((within(negative).getByRole('combobox', { name: 'Kind for 7.text' }) as HTMLSelectElement).value).toBe('prompt')
    expect((within(negative).getByRole('textbox', { name: 'Default for 7.text' }) as HTMLInputElement).value).toBe('blurry')
    expect(negative.textContent).toContain('Node 7: CLIP Text Encode (Negative)')

    // Keep the prompt and the seed, add the negative prompt, and move it up under the prompt.
    for (const f of mediaDeployment.inputs) check(dialog, f.id, f.id === '6.text' || f.id === '38:42.seed')
    check(dialog, '7.text', true)
    expect(within(dialog).getByText('3 of 14 shown in the form')).toBeTruthy()
    const up = within(dialog).getByRole('button', { name: 'Move 7.text up' })
    for (let i = 0; i < 9; i++) fireEvent.click(up)
    expect(checkedIds(dialog)).toEqual(['6.text', '7.text', '38:42.seed'])
    expect((within(dialog).getByRole('button', { name: 'Move 6.text up' }) as HTMLButtonElement).disabled).toBe(true)

    await save(dialog)
    expect(fake.callsTo('forms.save')).toHaveLength(1)
    const [saved] = fake.callsTo('forms.save')
    expect(saved?.provider).toBe('runcomfy')
    expect(saved?.deploymentId).toBe(mediaDeployment.id)
    expect(saved?.fields.map((f) => f.id)).toEqual(['6.text', '7.text', '38:42.seed'])
    expect(saved?.fields[1]).toMatchObject({ label: 'Negative prompt', kind: 'prompt', defaultValue: 'blurry' })

    await waitFor(() => expect(formFieldIds()).toEqual(['6.text', '7.text', '38:42.seed']))
    expect((screen.getByLabelText('Negative prompt') as HTMLTextAreaElement).value).toBe('blurry')
    expect(screen.queryByLabelText('Start image')).toBeNull()
    expect(screen.getByText('Custom form')).toBeTruthy()

    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(1))
    expect(fake.callsTo('runs.submit')[0]?.inputs).toEqual({ '6.text': 'gentle waves', '7.text': 'blurry', '38:42.seed': 7 })
  })

  it('relabelling, re-kinding and a new default show in the form', async () => {
    const { fake } = await renderMedia()
    const dialog = await openCustomize()
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Label for 6.text' }), { target: { value: 'Scene' } })
    check(dialog, '40.filename_prefix', true)
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Default for 40.filename_prefix' }), { target: { value: 'waves' } })
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Kind for 21.frames' }), { target: { value: 'text' } })
    await save(dialog)

    const scene = await screen.findByLabelText('Scene')
    expect(scene.closest('[data-field-id]')?.getAttribute('data-field-id')).toBe('6.text')
    expect(screen.queryByLabelText('Prompt')).toBeNull()
    expect((screen.getByLabelText('Filename prefix') as HTMLInputElement).value).toBe('waves')
    expect((screen.getByLabelText('Frames') as HTMLInputElement).type).toBe('text')
    expect(fake.deployments.find((d) => d.id === mediaDeployment.id)?.customForm).toBe(true)

    // Opening it again starts from the saved form.
    const again = await openCustomize()
    expect((within(again).getByRole('textbox', { name: 'Label for 6.text' }) as HTMLInputElement).value).toBe('Scene')
    expect(checkedIds(again)).toContain('40.filename_prefix')
  })

  it('blocks saving a default that does not fit the kind, and shows a field named by the error on its row', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    await renderMedia(fake)
    const dialog = await openCustomize()
    const seedDefault = within(dialog).getByRole('textbox', { name: 'Default for 38:42.seed' })
    fireEvent.change(seedDefault, { target: { value: '1.5' } })
    expect(within(dialog).getByText('Enter a whole number, or leave it empty.')).toBeTruthy()
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    expect(within(dialog).getByRole('alert').textContent).toBe('Fix the highlighted defaults to save.')
    expect(fake.callsTo('forms.save')).toHaveLength(0)

    fireEvent.change(seedDefault, { target: { value: '9' } })
    fake.failNext('forms.save', { code: 'BAD_INPUT', message: 'two fields share the input "6.text"', field: '6.text' })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    const row = within(dialog).getByRole('listitem', { name: '6.text' })
    expect(await within(row).findByText('two fields share the input "6.text"')).toBeTruthy()
    expect(within(dialog).getByRole('alert').textContent).toContain('Some input is not valid.')
    expect(screen.getByRole('dialog', { name: DIALOG })).toBeTruthy()
  })

  it('imports a pasted workflow API JSON, which replaces the candidates', async () => {
    const { fake } = await renderMedia()
    const dialog = await openCustomize()
    fireEvent.change(within(dialog).getByLabelText('Paste JSON'), { target: { value: GRAPH } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Load' }))

    await within(dialog).findByRole('checkbox', { name: 'Show 3.steps' })
    expect(fake.callsTo('forms.candidates')[1]).toEqual({ provider: 'runcomfy', deploymentId: mediaDeployment.id, workflowApiJson: GRAPH })
    expect(rowIds(dialog)).toEqual(['3.seed', '3.steps', '3.cfg', '4.ckpt_name', '6.text'])
    // The prompt was in the form, so it stays shown with its label; the new inputs wait to be picked.
    expect(checkedIds(dialog)).toEqual(['6.text'])
    expect(within(dialog).getByRole('status').textContent).toContain('Loaded 5 inputs from the workflow')

    check(dialog, '3.steps', true)
    await save(dialog)
    await waitFor(() => expect(formFieldIds()).toEqual(['3.steps', '6.text']))
    expect((screen.getByLabelText('Steps') as HTMLInputElement).value).toBe('20')
  })

  it('imports a workflow from a .json file', async () => {
    await renderMedia()
    const dialog = await openCustomize()
    const file = new File([GRAPH], 'workflow_api.json', { type: 'application/json' })
    const picker = within(dialog).getByLabelText('Workflow API JSON file') as HTMLInputElement
    expect(picker.accept).toContain('.json')
    fireEvent.change(picker, { target: { files: [file] } })
    await within(dialog).findByRole('checkbox', { name: 'Show 4.ckpt_name' })
    expect(within(dialog).queryByRole('checkbox', { name: 'Show 10.image' })).toBeNull()
  })

  it('shows an invalid JSON’s error under the import control and keeps the list', async () => {
    await renderMedia()
    const dialog = await openCustomize()
    const paste = within(dialog).getByLabelText('Paste JSON')
    fireEvent.change(paste, { target: { value: '{"nodes": [1, 2' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Load' }))

    const alert = await within(dialog).findByRole('alert')
    expect(alert.dataset.errorCode).toBe('PROVIDER_VALIDATION')
    expect(alert.textContent).toContain('not a workflow in ComfyUI’s API format')
    // Under the import control: the box is described by it and marked invalid.
    expect(document.getElementById(paste.getAttribute('aria-describedby') ?? '')?.contains(alert)).toBe(true)
    expect(paste.getAttribute('aria-invalid')).toBe('true')
    expect(rowIds(dialog)).toEqual(mediaCandidates.map((f) => f.id))

    // Editing the text clears it.
    fireEvent.change(paste, { target: { value: GRAPH } })
    expect(within(dialog).queryByRole('alert')).toBeNull()
  })

  it('adds fields by name to a LoRA deployment; they appear in the form and a submit sends them', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    fake.deployments.push(loraDeployment)
    await renderMedia(fake)
    fireEvent.change(screen.getByLabelText('Deployment'), { target: { value: loraDeployment.id } })

    expect(await screen.findByText("This deployment doesn't publish its inputs: add them by name")).toBeTruthy()
    expect(screen.getAllByRole('button', { name: 'Customize form' })).toHaveLength(1)
    const dialog = await openCustomize(`Customize form for ${loraDeployment.name}`, null)
    expect(await within(dialog).findByText(/No inputs to pick from: this deployment publishes no workflow/)).toBeTruthy()
    expect(within(dialog).queryByRole('alert')).toBeNull()

    const add = (name: string, extra: { label?: string; kind?: string; default?: string } = {}) => {
      fireEvent.change(within(dialog).getByLabelText('Field name'), { target: { value: name } })
      if (extra.label !== undefined) fireEvent.change(within(dialog).getByLabelText('Field label'), { target: { value: extra.label } })
      if (extra.kind !== undefined) fireEvent.change(within(dialog).getByLabelText('Field kind'), { target: { value: extra.kind } })
      if (extra.default !== undefined) fireEvent.change(within(dialog).getByLabelText('Field default'), { target: { value: extra.default } })
      fireEvent.click(within(dialog).getByRole('button', { name: 'Add field' }))
    }
    add('prompt')
    add('seed', { default: '123' })
    add('ctrl_img_1', { label: 'Control image' })
    add('lora_scale', { kind: 'number', default: '0.8' })
    expect(rowIds(dialog)).toEqual(['prompt', 'seed', 'ctrl_img_1', 'lora_scale'])
    expect(checkedIds(dialog)).toEqual(['prompt', 'seed', 'ctrl_img_1', 'lora_scale'])
    expect((within(dialog).getByRole('combobox', { name: 'Kind for prompt' }) as HTMLSelectElement).value).toBe('prompt')
    expect((within(dialog).getByRole('combobox', { name: 'Kind for seed' }) as HTMLSelectElement).value).toBe('seed')
    expect((within(dialog).getByRole('combobox', { name: 'Kind for ctrl_img_1' }) as HTMLSelectElement).value).toBe('image')

    // A name already listed is refused.
    add('seed')
    expect(within(dialog).getByRole('alert').textContent).toContain('“seed” is already in the list')
    expect(rowIds(dialog)).toHaveLength(4)

    await save(dialog)
    await waitFor(() => expect(formFieldIds()).toEqual(['prompt', 'seed', 'ctrl_img_1', 'lora_scale']))
    expect(screen.getByLabelText('Control image')).toBeTruthy()
    expect(screen.getByText('Custom form')).toBeTruthy()
    expect(screen.queryByText("This deployment doesn't publish its inputs: add them by name")).toBeNull()

    fireEvent.change(screen.getByLabelText('Prompt'), { target: { value: 'warm evening light' } })
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(1))
    expect(fake.callsTo('runs.submit')[0]).toEqual({
      provider: 'runcomfy',
      deploymentId: loraDeployment.id,
      inputs: { prompt: 'warm evening light', seed: 123, lora_scale: 0.8 },
    })

    // Opening it again keeps the fields typed by name.
    const again = await openCustomize(`Customize form for ${loraDeployment.name}`, 'prompt')
    expect(checkedIds(again)).toEqual(['prompt', 'seed', 'ctrl_img_1', 'lora_scale'])
  })

  it('resets to the service’s inputs', async () => {
    const { fake } = await renderMedia()
    let dialog = await openCustomize()
    expect((within(dialog).getByRole('button', { name: "Reset to the service's inputs" }) as HTMLButtonElement).disabled).toBe(true)
    for (const f of mediaDeployment.inputs) check(dialog, f.id, f.id === '6.text')
    await save(dialog)
    await waitFor(() => expect(formFieldIds()).toEqual(['6.text']))

    dialog = await openCustomize()
    fireEvent.click(within(dialog).getByRole('button', { name: "Reset to the service's inputs" }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(fake.callsTo('forms.reset')).toEqual([{ provider: 'runcomfy', deploymentId: mediaDeployment.id }])
    await waitFor(() => expect(formFieldIds()).toEqual(mediaDeployment.inputs.map((f) => f.id)))
    expect(screen.getByLabelText('Start image')).toBeTruthy()
    expect(screen.queryByText('Custom form')).toBeNull()
  })

  it('Cancel and Escape close without saving', async () => {
    const { fake } = await renderMedia()
    let dialog = await openCustomize()
    check(dialog, '10.image', false)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()

    dialog = await openCustomize()
    expect(checkedIds(dialog)).toContain('10.image')
    fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(fake.callsTo('forms.save')).toHaveLength(0)
    expect(screen.getByLabelText('Start image')).toBeTruthy()
  })

  it('is a modal: Ctrl+Enter in its text box does not start a (paid) run', async () => {
    const { fake } = await renderMedia()
    const dialog = await openCustomize()
    const paste = within(dialog).getByLabelText('Paste JSON')
    paste.focus()
    fireEvent.keyDown(paste, { key: 'Enter', ctrlKey: true })
    fireEvent.keyDown(within(dialog).getByRole('textbox', { name: 'Label for 6.text' }), { key: 'Enter', metaKey: true })
    // What a submit would have sent is on its way within a few ticks.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(fake.callsTo('runs.submit')).toEqual([])
    expect(screen.getByRole('dialog', { name: DIALOG })).toBeTruthy()
  })

  it('is a modal: G then R does not leave Generate, and the dialog stays open with its edits', async () => {
    await renderMedia()
    const dialog = await openCustomize()
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Label for 6.text' }), { target: { value: 'Scene' } })
    const box = within(dialog).getByRole('checkbox', { name: 'Show 7.text' })
    box.focus()
    fireEvent.keyDown(box, { key: 'g' })
    fireEvent.keyDown(box, { key: 'r' })
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Generate')
    const still = screen.getByRole('dialog', { name: DIALOG })
    expect((within(still).getByRole('textbox', { name: 'Label for 6.text' }) as HTMLInputElement).value).toBe('Scene')
  })

  it('is a modal: a toast raised while it is open shows inside it, within reach of the keyboard', async () => {
    const { store } = await renderMedia()
    const dialog = await openCustomize()
    act(() => void store.getState().toasts.show({ tone: 'error', text: 'Could not reach Comfy Courier.' }))
    const toast = screen.getByText('Could not reach Comfy Courier.')
    expect(dialog.contains(toast)).toBe(true)
    expect(screen.getAllByRole('region', { name: 'Notifications' })).toHaveLength(1)
  })

  it('is not offered for the demo, nor for a ComfyDeploy deployment that publishes its inputs', async () => {
    const fake = new FakeCourier().configure('comfydeploy')
    fake.deployments.push({ ...mediaDeployment, id: 'cd-1', name: 'CD workflow', provider: 'comfydeploy' })
    await renderApp(fake)
    await screen.findByLabelText('Prompt')
    expect(screen.queryByRole('button', { name: 'Customize form' })).toBeNull()
    fireEvent.click(screen.getByRole('radio', { name: 'ComfyDeploy' }))
    await screen.findByLabelText('Start image')
    expect(screen.queryByRole('button', { name: 'Customize form' })).toBeNull()
  })
})
