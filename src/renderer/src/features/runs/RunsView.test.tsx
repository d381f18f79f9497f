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

  it('groups the runs of a batch under one header with their overall progress', async () => {
    const fake = new FakeCourier()
    const single = fake.seedRun({ prompt: 'on its own' })
    const done = fake.seedRun({ prompt: 'variations', seed: 1 }, { batchId: 'b_7' })
    const running = fake.seedRun({ prompt: 'variations', seed: 2 }, { batchId: 'b_7', status: 'running', progress: 0.5, finishedAt: null })
    const queued = fake.seedRun({ prompt: 'variations', seed: 3 }, { batchId: 'b_7', status: 'queued', progress: 0, finishedAt: null })
    const later = fake.seedRun({ prompt: 'after the batch' })
    await renderApp(fake)
    await openRuns()

    // In the list's order: the batch stands where its newest run does.
    const top = [...(document.querySelector('.run-list') as HTMLElement).children].map((el) => (el as HTMLElement).dataset.batchId ?? (el as HTMLElement).dataset.runId)
    expect(top).toEqual([later.id, 'b_7', single.id])
    const batch = screen.getByRole('listitem', { name: /Batch of 3 runs/ })
    expect(within(batch).getByRole('heading', { level: 2 }).textContent).toContain('Text to image')
    expect([...batch.querySelectorAll<HTMLElement>('[data-run-id]')].map((el) => el.dataset.runId)).toEqual([queued.id, running.id, done.id])
    expect(batch.textContent).toContain('1 queued · 1 running · 1 succeeded')
    const bar = within(batch).getByRole('progressbar', { name: 'Progress of batch b_7' })
    expect(bar.getAttribute('aria-valuenow')).toBe('50')

    act(() => void fake.advance(queued.id))
    act(() => void fake.advance(running.id))
    expect(bar.getAttribute('aria-valuenow')).toBe('83')
    expect(batch.textContent).toContain('1 running · 2 succeeded')

    // Collapsing hides the runs, not the header.
    fireEvent.click(within(batch).getByRole('button', { name: 'Collapse batch' }))
    expect(within(batch).getByRole('button', { name: 'Expand batch' }).getAttribute('aria-expanded')).toBe('false')
    expect((batch.querySelector('.batch__runs') as HTMLElement).hidden).toBe(true)

    fireEvent.click(within(batch).getByRole('button', { name: 'Show in Gallery' }))
    expect(await screen.findByRole('heading', { name: 'Gallery', level: 1 })).toBeTruthy()
    await waitFor(() => expect(fake.callsTo('outputs.list')).toContainEqual({ batchId: 'b_7', limit: 200 }))
  })

  it('shows each file of a finished run downloading: state, bytes, rate, time left and retries', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'two files' }, { outputs: 'pending' })
    await renderApp(fake)
    await openRuns()
    const base = { runId: run.id, bytesPerSecond: null, etaSeconds: null, message: null, totalBytes: 4 * 1024 * 1024 }
    act(() => {
      fake.emit({ type: 'download.progress', progress: { ...base, index: 0, state: 'downloading', receivedBytes: 1024 * 1024, bytesPerSecond: 512 * 1024, etaSeconds: 6 } })
      fake.emit({ type: 'download.progress', progress: { ...base, index: 1, state: 'queued', receivedBytes: 0 } })
    })
    const files = within(row(run.id)).getByRole('list', { name: 'Downloads' })
    const [first, second] = within(files).getAllByRole('listitem')
    expect(first?.dataset.downloadState).toBe('downloading')
    expect(first?.textContent).toContain('1.0 MiB of 4.0 MiB · 512 KiB/s · 6 s left')
    const bar = within(first as HTMLElement).getByRole('progressbar', { name: 'Download of file 1' })
    expect(bar.getAttribute('aria-valuenow')).toBe('25')
    expect(second?.textContent).toContain('Waiting')

    act(() =>
      fake.emit({
        type: 'download.progress',
        progress: { ...base, index: 1, state: 'retrying', receivedBytes: 100, totalBytes: null, message: 'The connection dropped: trying again in 2 s (attempt 2 of 3)' },
      }),
    )
    const retrying = within(files).getAllByRole('listitem')[1] as HTMLElement
    expect(retrying.dataset.downloadState).toBe('retrying')
    expect(retrying.textContent).toContain('The connection dropped: trying again in 2 s (attempt 2 of 3)')
    // Size unknown: the bar says nothing it does not know.
    expect(within(retrying).getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull()

    act(() => {
      fake.emit({ type: 'download.progress', progress: { ...base, index: 0, state: 'done', receivedBytes: base.totalBytes } })
      fake.emit({ type: 'download.progress', progress: { ...base, index: 1, state: 'failed', receivedBytes: 100, message: 'The service answered 404: the file is gone' } })
    })
    expect(within(files).getAllByRole('listitem')[0]?.textContent).toContain('Saved')
    expect(within(files).getAllByRole('listitem')[1]?.textContent).toContain('The service answered 404: the file is gone')

    // Once every file is saved, the list goes.
    act(() => {
      fake.emit({ type: 'output.saved', output: fake.seedOutput(run) })
      fake.emit({ type: 'download.progress', progress: { ...base, index: 1, state: 'done', receivedBytes: base.totalBytes } })
      fake.emit({ type: 'output.saved', output: fake.seedOutput(run) })
      fake.emit({ type: 'run.updated', run: { ...run, outputCount: 2, outputs: 'saved', updatedAt: fake.now() } })
    })
    expect(within(row(run.id)).queryByRole('list', { name: 'Downloads' })).toBeNull()
    expect(within(row(run.id)).getAllByRole('img')).toHaveLength(2)
  })

  it('says where a run\'s files stand as core reports it, saving until core says they are all saved', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'one file' }, { status: 'running', progress: 0.5, finishedAt: null })
    await renderApp(fake)
    await openRuns()
    expect(row(run.id).dataset.outputs).toBe('none')

    // Succeeded: nothing on disk yet, and no file has reported progress.
    act(() => fake.emit({ type: 'run.updated', run: { ...run, status: 'succeeded', progress: 1, outputs: 'pending', updatedAt: fake.now() } }))
    expect(row(run.id).dataset.outputs).toBe('pending')
    expect(row(run.id).textContent).toContain('Saving the outputs…')

    // The file is on disk, but until core says every output is, they are still being saved.
    const base = { runId: run.id, index: 0, bytesPerSecond: null, etaSeconds: null, message: null, receivedBytes: 10, totalBytes: 10 }
    act(() => {
      fake.emit({ type: 'download.progress', progress: { ...base, state: 'done' } })
      fake.emit({ type: 'output.saved', output: fake.seedOutput(run) })
    })
    expect(within(row(run.id)).getByRole('list', { name: 'Downloads' })).toBeTruthy()

    act(() => fake.emit({ type: 'run.updated', run: { ...run, status: 'succeeded', progress: 1, outputCount: 1, outputs: 'saved', updatedAt: fake.now() } }))
    expect(row(run.id).dataset.outputs).toBe('saved')
    expect(row(run.id).dataset.outputCount).toBe('1')
    expect(within(row(run.id)).queryByRole('list', { name: 'Downloads' })).toBeNull()
    expect(row(run.id).textContent).not.toContain('Saving')
  })

  it("opens a run's outputs in the lightbox from its thumbnails, and gives focus back", async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'two views', seed: 5 }, { outputCount: 2 })
    const first = fake.seedOutput(run)
    const second = fake.seedOutput(run, { kind: 'video', mime: 'video/webm', path: 'x/two-2.webm', durationMs: 4000 })
    await renderApp(fake)
    await openRuns()
    const thumb = row(run.id).querySelector<HTMLElement>(`[data-output-id="${first.id}"]`) as HTMLElement
    expect(within(thumb).getByRole('img', { name: 'two views' })).toBeTruthy()
    thumb.focus()
    fireEvent.click(thumb)
    const dialog = screen.getByRole('dialog', { name: 'Text to image' })
    expect(dialog.dataset.viewerOutputId).toBe(first.id)
    expect(dialog.textContent).toContain('1 / 2')
    fireEvent.keyDown(dialog, { key: 'ArrowRight' })
    expect(screen.getByRole('dialog').dataset.viewerOutputId).toBe(second.id)
    expect(screen.getByRole('dialog').querySelector('video')?.controls).toBe(true)
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(thumb)
  })
})
