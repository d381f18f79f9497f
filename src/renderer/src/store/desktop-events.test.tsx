import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeCourier } from '../test/fake-courier'
import { renderApp } from '../test/render-app'

const lightbox = () => screen.getByRole('dialog')

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard')
  vi.restoreAllMocks()
})

describe('app.open: the desktop shell asks the page to show something', () => {
  it('an output: the gallery opens with it large', async () => {
    const fake = new FakeCourier()
    const a = fake.seedOutput(fake.seedRun({ prompt: 'a lighthouse at dusk' }))
    fake.seedOutput(fake.seedRun({ prompt: 'a red fox in snow' }))
    await renderApp(fake)
    act(() => fake.emit({ type: 'app.open', target: { view: 'gallery', outputId: a.id } }))
    expect(await screen.findByRole('heading', { name: 'Gallery', level: 1 })).toBeTruthy()
    await waitFor(() => expect(lightbox().dataset.viewerOutputId).toBe(a.id))
    expect(within(lightbox()).getByRole('region', { name: 'Details' }).textContent).toContain('a lighthouse at dusk')
    fireEvent.keyDown(lightbox(), { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('an output hidden by the gallery filter: the filter is cleared to show it', async () => {
    const fake = new FakeCourier()
    const a = fake.seedOutput(fake.seedRun({ prompt: 'a lighthouse at dusk' }))
    fake.seedOutput(fake.seedRun({ prompt: 'a red fox in snow' }))
    const { store } = await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
    act(() => store.getState().outputs.setFilter({ favourite: true }))
    await waitFor(() => expect(document.querySelectorAll('.gallery [data-output-id]')).toHaveLength(0))
    act(() => fake.emit({ type: 'app.open', target: { view: 'gallery', outputId: a.id } }))
    await waitFor(() => expect(lightbox().dataset.viewerOutputId).toBe(a.id))
    expect(store.getState().outputs.filter.favourite).toBe(false)
  })

  it('a run: Runs opens with that run brought into view', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'a cat on a piano' })
    fake.seedRun({ prompt: 'a dog on a sofa' })
    await renderApp(fake)
    act(() => fake.emit({ type: 'app.open', target: { view: 'runs', runId: run.id } }))
    expect(await screen.findByRole('heading', { name: 'Runs', level: 1 })).toBeTruthy()
    const highlighted = document.querySelector<HTMLElement>('[data-highlighted="true"]')
    expect(highlighted?.dataset.runId).toBe(run.id)
  })
})

describe('library.moving: Settings follows a move of the library folder', () => {
  const progress = { from: '/old', to: '/new/library', doneFiles: 0, totalFiles: 4, doneBytes: 0, totalBytes: 4_000_000, message: null }

  it('shows a bar while files move, then that it is done', async () => {
    const fake = new FakeCourier()
    await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
    const library = await screen.findByRole('region', { name: 'Library' })
    act(() => fake.emit({ type: 'library.moving', progress: { ...progress, state: 'moving', doneFiles: 1, doneBytes: 1_000_000 } }))
    const bar = within(library).getByRole('progressbar', { name: 'Library move' })
    expect(bar.getAttribute('aria-valuenow')).toBe('25')
    expect(library.textContent).toContain('Moving your outputs to /new/library: 1 of 4 files')

    act(() => fake.emit({ type: 'library.moving', progress: { ...progress, state: 'done', doneFiles: 4, doneBytes: 4_000_000 } }))
    expect(within(library).queryByRole('progressbar')).toBeNull()
    expect(library.textContent).toContain('Moved 4 of 4 files to /new/library.')
  })

  it('says why a move failed', async () => {
    const fake = new FakeCourier()
    await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
    const library = await screen.findByRole('region', { name: 'Library' })
    act(() =>
      fake.emit({ type: 'library.moving', progress: { ...progress, state: 'failed', doneFiles: 2, message: 'The disk /new is full after 2 of 4 files.' } }),
    )
    const alert = within(library).getByRole('alert')
    expect(alert.textContent).toContain('could not be moved to /new/library')
    expect(alert.textContent).toContain('The disk /new is full after 2 of 4 files.')
  })
})

describe('About and Copy diagnostics', () => {
  it('shows the runtime versions and copies the diagnostics, confirming with a toast', async () => {
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const fake = new FakeCourier()
    fake.info = { ...fake.info, versions: { app: '1.2.3', node: '20.20.0', electron: '41.7.1', sqlite: '3.50.0' } }
    await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
    const about = await screen.findByRole('region', { name: 'About' })
    for (const text of ['Comfy Courier', '1.2.3', 'Node.js', '20.20.0', 'Electron', '41.7.1', 'SQLite', 'linux x64']) {
      expect(within(about).getByText(text)).toBeTruthy()
    }
    fireEvent.click(within(about).getByRole('button', { name: 'Copy diagnostics' }))
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('Comfy Courier 1.2.3 (web)'))
    expect(await screen.findByText(/Diagnostics copied/)).toBeTruthy()
  })

  it('says so when main cannot make them yet', async () => {
    const fake = new FakeCourier()
    fake.failNext('app.diagnostics', { code: 'NOT_SUPPORTED', message: 'diagnostics are not available yet' })
    await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Copy diagnostics' }))
    const alert = await screen.findByRole('alert')
    expect(within(alert).getByText('This version cannot make a diagnostics report yet (diagnostics are not available yet).')).toBeTruthy()
  })
})
