import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { takeDroppedFiles } from '../store/dropped-files'
import { demoDeployment, FakeCourier, noGenerationData } from '../test/fake-courier'
import { renderApp } from '../test/render-app'

const openFirstOutput = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
  await screen.findByRole('heading', { name: 'Gallery', level: 1 })
  await waitFor(() => expect(document.querySelector('.gallery [data-output-id]')).not.toBeNull())
  fireEvent.click(document.querySelector<HTMLElement>('.gallery [data-output-id]')!)
  return screen.findByRole('dialog')
}
const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement

describe('how a file was made', () => {
  it('our own file: the lightbox says so, and Use these settings brings back its deployment and every input', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'a red kite', seed: 9, steps: 33 })
    const output = fake.seedOutput(run)
    fake.inspections.set(output.id, {
      ...noGenerationData(),
      source: 'courier',
      prompt: 'a red kite',
      seed: 9,
      steps: 33,
      restore: { provider: 'demo', deploymentId: demoDeployment.id, inputs: { prompt: 'a red kite', seed: 9, steps: 33, cfg: 4.5 } },
    })
    await renderApp(fake)
    const lightbox = await openFirstOutput()
    expect(await within(lightbox).findByText('Written by Comfy Courier: the deployment it was made with, and every input.')).toBeTruthy()
    expect(within(lightbox).queryByRole('button', { name: 'Copy workflow' })).toBeNull()
    fireEvent.click(within(lightbox).getByRole('button', { name: 'Use these settings' }))

    await screen.findByRole('heading', { name: 'Generate', level: 1 })
    expect(screen.queryByRole('dialog')).toBeNull()
    await waitFor(() => expect(field('Prompt').value).toBe('a red kite'))
    expect(field('Steps').value).toBe('33')
    expect(field('Guidance').value).toBe('4.5')
    expect(await screen.findByText(/The settings of .* are back: the deployment it was made with, and every input as it was\./)).toBeTruthy()
  })

  it('a ComfyUI file: its workflow can be copied or saved, and its settings fill the fields that match', async () => {
    const fake = new FakeCourier()
    const output = fake.seedOutput(fake.seedRun({ prompt: 'x' }))
    fake.inspections.set(output.id, {
      ...noGenerationData(),
      source: 'comfyui',
      prompt: 'a castle in the clouds',
      seed: 1234,
      steps: 25,
      cfg: 6,
      sampler: 'dpmpp_2m',
      width: 1024,
      height: 1024,
      workflow: '{"nodes":[]}',
      apiGraph: '{"3":{"class_type":"KSampler"}}',
    })
    await renderApp(fake)
    const lightbox = await openFirstOutput()
    expect(await within(lightbox).findByText('Written by ComfyUI: its workflow, and the graph it ran.')).toBeTruthy()
    const facts = within(lightbox).getByLabelText('Generation data')
    expect(facts.textContent).toBe('Steps25CFG scale6Samplerdpmpp_2mSize1024 × 1024')
    expect(within(lightbox).getByRole('button', { name: 'Save workflow JSON' })).toBeTruthy()
    fireEvent.click(within(lightbox).getByRole('button', { name: 'Use these settings' }))

    await screen.findByRole('heading', { name: 'Generate', level: 1 })
    await waitFor(() => expect(field('Prompt').value).toBe('a castle in the clouds'))
    expect(field('Seed').value).toBe('1234')
    expect(field('Steps').value).toBe('25')
    expect(field('Guidance').value).toBe('6')
    expect(await screen.findByText(/^Filled Prompt, Steps, Guidance and Seed from .*\.png\. Not in this form: Width 1024, Height 1024, Sampler dpmpp_2m\.$/)).toBeTruthy()
  })

  it('a file dropped on Generate fills the form when it says how it was made, and is explained when it does not', async () => {
    const fake = new FakeCourier()
    fake.inspections.set('kite.png', { ...noGenerationData(), source: 'a1111', prompt: 'a kite', seed: 5 })
    const { store } = await renderApp(fake)
    await waitFor(() => expect(field('Prompt')).toBeTruthy())
    await takeDroppedFiles(store, fake, [new File(['png'], 'kite.png', { type: 'image/png' })])
    await waitFor(() => expect(field('Prompt').value).toBe('a kite'))
    expect(field('Seed').value).toBe('5')
    expect(fake.callsTo('files.inspect')).toEqual([{ fileName: 'kite.png', dataBase64: btoa('png') }])

    await takeDroppedFiles(store, fake, [new File(['png'], 'plain.png', { type: 'image/png' })])
    expect(await screen.findByText(/“plain\.png” was not used: Text to image has no image or file input\./)).toBeTruthy()
  })
})
