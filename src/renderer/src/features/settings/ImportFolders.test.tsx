import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { OutputId, type Output } from '@shared/output'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openView = async (name: 'Settings' | 'Gallery') => {
  fireEvent.click(screen.getByRole('link', { name }))
  await screen.findByRole('heading', { name, level: 1 })
}

/** An imported file as main describes it: no run, no provider; its title where a deployment's name would be. */
function importedOutput(fake: FakeCourier, over: Partial<Output> = {}): Output {
  const run = fake.seedRun({ prompt: 'unused' })
  const base = fake.seedOutput(run)
  fake.outputs = fake.outputs.filter((o) => o.id !== base.id)
  const output: Output = {
    ...base,
    id: OutputId.parse(`imp-${fake.outputs.length + 1}`),
    runId: null,
    provider: null,
    deploymentId: null,
    deploymentName: 'ComfyUI',
    prompt: 'a lighthouse on a cliff',
    batchId: null,
    source: 'imported',
    folder: '/home/ada/ComfyUI/output',
    path: 'ComfyUI_00001_.png',
    missing: false,
    ...over,
  }
  fake.outputs.push(output)
  return output
}

describe('Import: Settings → Library', () => {
  it('adds a folder with its watch choice, shows the scan with Cancel, then the folder with its counts', async () => {
    const { fake } = await renderApp()
    await openView('Settings')
    fireEvent.change(screen.getByLabelText('Folder to add'), { target: { value: '/home/ada/ComfyUI/output' } })
    fireEvent.click(screen.getByRole('checkbox', { name: 'Watch for new files' }))
    fireEvent.click(screen.getByRole('button', { name: 'Add' }))

    await waitFor(() => expect(fake.callsTo('library.import')).toEqual([{ folder: '/home/ada/ComfyUI/output', watch: true }]))
    const bar = await screen.findByRole('progressbar', { name: 'Import of /home/ada/ComfyUI/output' })
    expect(bar).toBeTruthy()
    const scanId = fake.imports[0]!.scanning!
    act(() => fake.emit({ type: 'library.importing', progress: { id: scanId, folder: '/home/ada/ComfyUI/output', state: 'scanning', found: 10, done: 4, added: 3, duplicates: 1, failed: 0, message: null } }))
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Import of /home/ada/ComfyUI/output' }).getAttribute('aria-valuenow')).toBe('40'))

    act(() => fake.finishImport(scanId, { found: 10, added: 8, duplicates: 1, failed: 1 }))
    expect(await screen.findByText(/8 files added, 1 duplicate, 1 failed/)).toBeTruthy()
    expect(screen.queryByRole('progressbar', { name: 'Import of /home/ada/ComfyUI/output' })).toBeNull()
    const table = await screen.findByRole('table', { name: 'Imported folders' })
    await waitFor(() => expect(within(table).getAllByRole('row')[1]!.textContent).toBe('/home/ada/ComfyUI/output8011Yes'))
  })

  it('cancels a scan, and says why a folder is refused', async () => {
    const { fake } = await renderApp()
    await openView('Settings')
    fireEvent.change(screen.getByLabelText('Folder to add'), { target: { value: '/data/a1111/outputs' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add' }))
    await screen.findByRole('progressbar', { name: 'Import of /data/a1111/outputs' })
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(await screen.findByText(/Import cancelled for/)).toBeTruthy()
    expect(fake.importsCancelled).toHaveLength(1)

    fireEvent.change(screen.getByLabelText('Folder to add'), { target: { value: '/home/ada/Pictures/Comfy Courier/2026' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add' }))
    expect(await screen.findByText(/inside it: its files are in the library already/)).toBeTruthy()
  })

  it('shows a watched folder’s rescan while it runs, and leaves no line when it found nothing new', async () => {
    const { fake } = await renderApp()
    await openView('Settings')
    const progress = { id: 'imp_watch', folder: '/srv/watched', found: 5, done: 2, added: 0, duplicates: 0, failed: 0, message: null }
    act(() => fake.emit({ type: 'library.importing', progress: { ...progress, state: 'scanning' } }))
    expect(await screen.findByRole('progressbar', { name: 'Import of /srv/watched' })).toBeTruthy()
    act(() => fake.emit({ type: 'library.importing', progress: { ...progress, done: 5, state: 'done' } }))
    await waitFor(() => expect(screen.queryByRole('progressbar', { name: 'Import of /srv/watched' })).toBeNull())
    expect(screen.queryByText(/Imported/)).toBeNull()
  })
})

describe('Import: the gallery', () => {
  it('filters made here / imported, marks a vanished file missing, and offers no re-run for an imported output', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'a red fox in snow', seed: 8 })
    const ours = fake.seedOutput(run)
    const gone = importedOutput(fake, { prompt: 'an empty harbour', missing: true })
    const comfy = importedOutput(fake)
    await renderApp(fake)
    await openView('Gallery')
    const ids = () => [...document.querySelectorAll<HTMLElement>('.gallery [data-output-id]')].map((t) => t.dataset.outputId)
    await waitFor(() => expect(ids()).toHaveLength(3))

    const source = await screen.findByRole('group', { name: 'Source' })
    fireEvent.click(within(source).getByRole('button', { name: /Imported/ }))
    await waitFor(() => expect(ids().sort()).toEqual([comfy.id, gone.id].sort()))
    expect(fake.callsTo('outputs.list').at(-1)).toMatchObject({ source: 'imported' })
    fireEvent.click(within(source).getByRole('button', { name: /Made here/ }))
    await waitFor(() => expect(ids()).toEqual([ours.id]))
    fireEvent.click(within(source).getByRole('button', { name: 'All' }))
    await waitFor(() => expect(ids()).toHaveLength(3))

    const missingTile = document.querySelector<HTMLElement>(`[data-output-id="${gone.id}"]`)!
    expect(missingTile.getAttribute('aria-label')).toContain('missing')
    expect(within(missingTile).getByText('Missing')).toBeTruthy()

    fireEvent.click(document.querySelector<HTMLElement>(`[data-output-id="${comfy.id}"]`)!)
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).getByRole('heading', { name: 'ComfyUI' })).toBeTruthy()
    expect(within(dialog).getByText('/home/ada/ComfyUI/output')).toBeTruthy()
    expect(within(dialog).queryByRole('button', { name: /Re-run/ })).toBeNull()
    expect(within(dialog).queryByText('Run')).toBeNull()
    expect(within(dialog).queryByText('Inputs')).toBeNull()
  })
})
