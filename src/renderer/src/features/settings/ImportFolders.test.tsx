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
    await waitFor(() => expect(within(table).getAllByRole('row')[1]!.textContent).toBe('/home/ada/ComfyUI/output8011 YesRescanRemove…'))
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

  it('rescans a folder (not while it is scanned), toggles its watch, and removes it after saying its files stay', async () => {
    const fake = new FakeCourier()
    const folder = '/home/ada/ComfyUI/output'
    fake.imports = [{ id: 7, folder, watch: false, files: 2, missing: 0, duplicates: 0, failed: 0, lastScanAt: 1, scanning: null }]
    importedOutput(fake)
    importedOutput(fake, { prompt: 'an empty harbour' })
    const run = fake.seedRun({ prompt: 'a red fox in snow', seed: 8 })
    const ours = fake.seedOutput(run)
    await renderApp(fake)
    // The gallery shown first: a reload of the same filter must not keep the removed folder's tiles.
    await openView('Gallery')
    await waitFor(() => expect(document.querySelectorAll('.gallery [data-output-id]')).toHaveLength(3))
    await openView('Settings')

    const rescan = await screen.findByRole('button', { name: `Rescan ${folder}` })
    fireEvent.click(rescan)
    await waitFor(() => expect(fake.callsTo('library.rescan')).toEqual([{ importId: 7 }]))
    // Disabled while that folder is being scanned, and its progress shows.
    await waitFor(() => expect((screen.getByRole('button', { name: `Rescan ${folder}` }) as HTMLButtonElement).disabled).toBe(true))
    expect(await screen.findByRole('progressbar', { name: `Import of ${folder}` })).toBeTruthy()
    act(() => fake.finishImport(fake.imports[0]!.scanning!, { found: 2 }))
    await waitFor(() => expect((screen.getByRole('button', { name: `Rescan ${folder}` }) as HTMLButtonElement).disabled).toBe(false))

    fireEvent.click(screen.getByRole('checkbox', { name: `Watch ${folder} for new files` }))
    await waitFor(() => expect(fake.callsTo('library.importWatch')).toEqual([{ importId: 7, watch: true }]))
    await waitFor(() => expect((screen.getByRole('checkbox', { name: `Watch ${folder} for new files` }) as HTMLInputElement).checked).toBe(true))

    fireEvent.click(screen.getByRole('button', { name: `Remove ${folder} from the library` }))
    const confirm = await screen.findByRole('alertdialog', { name: 'Remove this folder from the library?' })
    expect(confirm.textContent).toContain('2 outputs leave the gallery')
    expect(confirm.textContent).toContain('The files stay on disk')
    // Cancel changes nothing.
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull())
    expect(fake.callsTo('library.importRemove')).toEqual([])

    fireEvent.click(screen.getByRole('button', { name: `Remove ${folder} from the library` }))
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Remove from library' }))
    await waitFor(() => expect(fake.callsTo('library.importRemove')).toEqual([{ importId: 7 }]))
    await waitFor(() => expect(screen.queryByRole('table', { name: 'Imported folders' })).toBeNull())

    // The gallery holds only what was made here.
    await openView('Gallery')
    await waitFor(() => expect([...document.querySelectorAll<HTMLElement>('.gallery [data-output-id]')].map((t) => t.dataset.outputId)).toEqual([ours.id]))
  })

  it('says why a rescan was refused (the folder is gone from disk)', async () => {
    const fake = new FakeCourier()
    const folder = '/mnt/usb/renders'
    fake.imports = [{ id: 3, folder, watch: false, files: 0, missing: 0, duplicates: 0, failed: 0, lastScanAt: 1, scanning: null }]
    fake.failNext('library.rescan', { code: 'BAD_INPUT', message: `There is no folder ${folder}.`, field: 'folder' })
    await renderApp(fake)
    await openView('Settings')
    fireEvent.click(await screen.findByRole('button', { name: `Rescan ${folder}` }))
    expect(await screen.findByText(new RegExp(`There is no folder ${folder}`))).toBeTruthy()
  })
})
