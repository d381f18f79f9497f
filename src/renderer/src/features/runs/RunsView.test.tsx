import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openRuns = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Runs' }))
  await screen.findByRole('heading', { name: 'Runs', level: 1 })
}

const row = (id: string) => {
  const el = document.querySelector<HTMLElement>(`[data-run-id="${id}"]`)
  if (el === null) throw new Error(`no row for ${id}`)
  return el
}

describe('Runs', () => {
  it('says what to do when there are no runs', async () => {
    await renderApp()
    await openRuns()
    expect(screen.getByText('No runs yet — go to Generate to start one.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Go to Generate' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
  })

  it('lists runs newest first with prompt, status and outputs', async () => {
    const fake = new FakeCourier()
    const old = fake.seedRun({ seed: 1, negative_prompt: 'blurry', prompt: 'an old harbour' }, { outputCount: 1 })
    fake.seedOutput(old)
    const failed = fake.seedRun(
      { text: 'only a string' },
      { status: 'failed', progress: 0.3, error: { code: 'RUN_FAILED', message: 'KSampler: out of memory' } },
    )
    await renderApp(fake)
    await openRuns()

    const ids = [...document.querySelectorAll<HTMLElement>('.run-list [data-run-id]')].map((el) => el.dataset.runId)
    expect(ids).toEqual([failed.id, old.id])
    // The first input whose key mentions "prompt", a positive one before a negative one.
    expect(within(row(old.id)).getByText('an old harbour', { selector: '.run__prompt' })).toBeTruthy()
    expect(within(row(old.id)).getByRole('img', { name: 'an old harbour' })).toBeTruthy()
    expect(row(failed.id).dataset.runStatus).toBe('failed')
    expect(row(failed.id).textContent).toContain('The workflow failed on the service.')
    expect(row(failed.id).textContent).toContain('KSampler: out of memory')
    expect(within(row(failed.id)).getByText('only a string')).toBeTruthy()
    expect(within(row(failed.id)).queryByRole('button', { name: 'Cancel' })).toBeNull()
  })

  it('cancels an active run and shows it cancelled', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'slow one' }, { status: 'running', progress: 0.2, finishedAt: null, polling: true })
    await renderApp(fake)
    await openRuns()

    expect(row(run.id).dataset.progress).toBe('0.2')
    expect(within(row(run.id)).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('20')
    expect(within(row(run.id)).getByText('polling')).toBeTruthy()
    fireEvent.click(within(row(run.id)).getByRole('button', { name: 'Cancel' }))

    await waitFor(() => expect(row(run.id).dataset.runStatus).toBe('cancelled'))
    expect(fake.callsTo('runs.cancel')).toEqual([{ id: run.id }])
    expect(within(row(run.id)).queryByRole('button', { name: 'Cancel' })).toBeNull()
  })

  it('shows why a cancel was refused', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'p' }, { status: 'queued', progress: 0, finishedAt: null })
    fake.failNext('runs.cancel', { code: 'PROVIDER_UNAVAILABLE', message: 'cancel timed out' })
    await renderApp(fake)
    await openRuns()
    fireEvent.click(within(row(run.id)).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(row(run.id).textContent).toContain('cancel timed out'))
    expect(row(run.id).dataset.runStatus).toBe('queued')
  })

  it('picks up runs started elsewhere through events, and counts active ones', async () => {
    const fake = new FakeCourier()
    await renderApp(fake)
    await openRuns()
    const run = fake.seedRun({ prompt: 'from another window' }, { status: 'queued', progress: 0, finishedAt: null })
    act(() => fake.emit({ type: 'run.updated', run }))
    expect(row(run.id).dataset.runStatus).toBe('queued')
    expect(screen.getByText('1 active run')).toBeTruthy()
    act(() => void fake.advance(run.id))
    act(() => void fake.advance(run.id))
    expect(row(run.id).dataset.runStatus).toBe('succeeded')
    expect(screen.getByText('No active runs')).toBeTruthy()
  })

  it('ignores an older copy of a run arriving late', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'p' }, { status: 'running', progress: 0.6, finishedAt: null })
    await renderApp(fake)
    await openRuns()
    act(() => fake.emit({ type: 'run.updated', run: { ...run, status: 'queued', progress: 0, updatedAt: run.updatedAt - 10 } }))
    expect(row(run.id).dataset.runStatus).toBe('running')
    expect(row(run.id).dataset.progress).toBe('0.6')
  })

  it('"Reuse settings" fills the Generate form with the run\'s inputs', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'again please', steps: 33, cfg: 7, seed: 1234 })
    await renderApp(fake)
    await openRuns()
    fireEvent.click(within(row(run.id)).getByRole('button', { name: 'Reuse settings' }))
    expect(((await screen.findByLabelText('Prompt')) as HTMLTextAreaElement).value).toBe('again please')
    expect((screen.getByLabelText('Steps') as HTMLInputElement).value).toBe('33')
    expect((screen.getByLabelText('Seed') as HTMLInputElement).value).toBe('1234')
  })
})
