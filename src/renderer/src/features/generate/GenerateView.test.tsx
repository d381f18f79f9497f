import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement
const describedText = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ')

function recentRow(runId?: string): HTMLElement {
  const panel = screen.getByRole('region', { name: 'Recent runs' })
  const row = panel.querySelector<HTMLElement>(runId ? `[data-run-id="${runId}"]` : '[data-run-id]')
  if (row === null) throw new Error('no run row in Recent runs')
  return row
}

describe('Generate', () => {
  it('builds the form from the deployment: labels, defaults, limits and help', async () => {
    await renderApp()
    const prompt = await screen.findByLabelText('Prompt')
    expect(prompt.tagName).toBe('TEXTAREA')
    expect((prompt as HTMLTextAreaElement).value).toBe('a lighthouse at dusk')
    expect(describedText(prompt)).toContain('What to draw.')

    const steps = input('Steps')
    expect(steps.type).toBe('number')
    expect([steps.value, steps.min, steps.max, steps.step]).toEqual(['20', '1', '50', '1'])
    expect(input('Guidance').step).toBe('0.5')
    expect(input('Seed').value).toBe('42')
    expect(screen.getByRole('button', { name: 'Randomize seed' })).toBeTruthy()
    expect(screen.getByLabelText('Random each run')).toBeTruthy()
    expect((screen.getByLabelText('Deployment') as HTMLSelectElement).value).toBe('txt2img')
  })

  it('labels the demo provider and disables providers without a key', async () => {
    await renderApp()
    const demo = await screen.findByRole('radio', { name: 'Demo' })
    expect((demo as HTMLInputElement).checked).toBe(true)
    const card = demo.closest('[data-provider-id]') as HTMLElement
    // Named once: the provider is called "Demo", so no "Demo" badge repeats it.
    expect(within(card).getAllByText('Demo')).toHaveLength(1)
    expect(within(card).getByText('Runs on this computer, free and offline, with no account needed.')).toBeTruthy()

    const cd = screen.getByRole('radio', { name: 'ComfyDeploy' }) as HTMLInputElement
    expect(cd.disabled).toBe(true)
    const cdCard = cd.closest('[data-provider-id]') as HTMLElement
    fireEvent.click(within(cdCard).getByRole('button', { name: 'Add API key in Settings' }))
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy()
  })

  it('randomize puts a new seed in the field', async () => {
    await renderApp(new FakeCourier(), { random: () => 0.5 })
    await screen.findByLabelText('Seed')
    fireEvent.click(screen.getByRole('button', { name: 'Randomize seed' }))
    expect(input('Seed').value).toBe(String(2 ** 31))
  })

  it('submits the inputs and shows the run live in Recent runs as events arrive', async () => {
    const { fake } = await renderApp()
    fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: 'a red fox in snow' } })
    fireEvent.change(input('Steps'), { target: { value: '30' } })
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))

    await waitFor(() => expect(recentRow().dataset.runStatus).toBe('queued'))
    expect(fake.callsTo('runs.submit')).toEqual([
      { provider: 'demo', deploymentId: 'txt2img', inputs: { prompt: 'a red fox in snow', steps: 30, cfg: 7, seed: 42 } },
    ])
    const runId = recentRow().dataset.runId as string
    expect(within(recentRow(runId)).getByText('a red fox in snow')).toBeTruthy()

    act(() => void fake.advance(runId))
    const row = recentRow(runId)
    expect(row.dataset.runStatus).toBe('running')
    expect(row.dataset.progress).toBe('0.5')
    expect(within(row).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50')
    expect(within(row).getByText(/Running/)).toBeTruthy()

    act(() => void fake.advance(runId))
    expect(recentRow(runId).dataset.runStatus).toBe('succeeded')
    expect(within(recentRow(runId)).queryByRole('progressbar')).toBeNull()
    const thumb = within(recentRow(runId)).getByRole('img', { name: 'a red fox in snow' }) as HTMLImageElement
    expect(thumb.src).toContain('courier-media://thumb/')
  })

  it('validates on the client and does not submit until the form is right', async () => {
    const { fake } = await renderApp()
    fireEvent.change(await screen.findByLabelText('Steps'), { target: { value: '99' } })
    fireEvent.change(input('Prompt'), { target: { value: '   ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))

    expect(describedText(input('Steps'))).toContain('Must be at most 50.')
    expect(describedText(input('Prompt'))).toContain('Prompt is required.')
    expect(input('Steps').getAttribute('aria-invalid')).toBe('true')
    expect(fake.callsTo('runs.submit')).toHaveLength(0)

    fireEvent.change(input('Steps'), { target: { value: '12' } })
    fireEvent.change(input('Prompt'), { target: { value: 'ok now' } })
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(1))
  })

  it('shows a submit error naming an input under that input, with the advice above', async () => {
    const fake = new FakeCourier()
    fake.failNext('runs.submit', { code: 'PROVIDER_VALIDATION', message: 'Too many steps for this GPU', field: 'steps' })
    await renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }))

    await waitFor(() => expect(describedText(input('Steps'))).toContain('Too many steps for this GPU'))
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('The service rejected an input.')
    expect(within(screen.getByRole('region', { name: 'Recent runs' })).queryByText(/Too many steps/)).toBeNull()

    // Editing the field clears the message main attached to it.
    fireEvent.change(input('Steps'), { target: { value: '10' } })
    expect(describedText(input('Steps'))).not.toContain('Too many steps')
  })

  it('shows a submit error without a field as advice plus message', async () => {
    const fake = new FakeCourier()
    fake.failNext('runs.submit', { code: 'PROVIDER_UNAVAILABLE', message: 'HTTP 503 from the service' })
    await renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The service is having trouble; try again shortly.')
    expect(alert.textContent).toContain('HTTP 503 from the service')
  })

  it('rolls a fresh seed on every submit when "Random each run" is on, and sends that seed', async () => {
    const rolls = [0.25, 0.75]
    const { fake } = await renderApp(new FakeCourier(), { random: () => rolls.shift() ?? 0 })
    fireEvent.click(await screen.findByLabelText('Random each run'))
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(1))
    await waitFor(() => expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false))
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(2))
    const seeds = fake.callsTo('runs.submit').map((c) => c.inputs.seed)
    expect(seeds).toEqual([2 ** 30, 3 * 2 ** 30])
    expect(input('Seed').value).toBe(String(3 * 2 ** 30))
  })

  it('remembers the provider, deployment and inputs across restarts', async () => {
    const first = await renderApp()
    fireEvent.change(await screen.findByLabelText('Prompt'), { target: { value: 'remember me' } })
    first.unmount()
    first.app.dispose()

    await renderApp()
    expect(((await screen.findByLabelText('Prompt')) as HTMLTextAreaElement).value).toBe('remember me')
  })

  it('submits a batch of variations with runs.submitBatch, and one run with runs.submit', async () => {
    const { fake } = await renderApp()
    const count = (await screen.findByLabelText('Variations')) as HTMLInputElement
    expect([count.value, count.min, count.max]).toEqual(['1', '1', '16'])
    // Over the limit: said at once, and Generate refuses rather than starting 16 runs silently.
    fireEvent.change(count, { target: { value: '40' } })
    expect(count.value).toBe('40')
    expect(count.getAttribute('aria-invalid')).toBe('true')
    expect(describedText(count)).toContain('You can make 1 to 16 variations at a time.')
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    expect(await screen.findByText('Fix the highlighted field to generate.')).toBeTruthy()
    expect(fake.callsTo('runs.submitBatch')).toHaveLength(0)
    fireEvent.change(count, { target: { value: '3' } })
    expect(describedText(count)).toContain('3 runs as one batch, each with its own seed')
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))

    await waitFor(() => expect(fake.callsTo('runs.submitBatch')).toHaveLength(1))
    expect(fake.callsTo('runs.submitBatch')[0]).toEqual({
      provider: 'demo',
      deploymentId: 'txt2img',
      inputs: { prompt: 'a lighthouse at dusk', steps: 20, cfg: 7, seed: 42 },
      count: 3,
    })
    expect(fake.callsTo('runs.submit')).toHaveLength(0)
    const panel = screen.getByRole('region', { name: 'Recent runs' })
    await waitFor(() => expect(panel.querySelectorAll('[data-run-id]')).toHaveLength(3))
    const seeds = [...fake.runs.values()].map((r) => r.inputs.seed)
    expect(new Set(seeds).size).toBe(3)

    fireEvent.change(count, { target: { value: '1' } })
    await waitFor(() => expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false))
    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(1))
    expect(fake.callsTo('runs.submitBatch')).toHaveLength(1)
  })

  it('"Reset to defaults" says what it did and offers Undo, which puts the typed values back', async () => {
    await renderApp()
    const prompt = (await screen.findByLabelText('Prompt')) as HTMLTextAreaElement
    fireEvent.change(prompt, { target: { value: 'my own words' } })
    const reset = screen.getByRole('button', { name: 'Reset to defaults' })
    fireEvent.click(reset)
    expect(prompt.value).toBe('a lighthouse at dusk')
    const toast = (await screen.findByText('The form is back to its defaults.')).closest('[data-toast-tone]') as HTMLElement
    expect(toast.getAttribute('role')).toBe('status')
    const undo = within(toast).getByRole('button', { name: 'Undo' })
    expect(document.activeElement).toBe(undo)
    fireEvent.click(undo)
    expect(((await screen.findByLabelText('Prompt')) as HTMLTextAreaElement).value).toBe('my own words')
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Reset to defaults' }))
  })
})
