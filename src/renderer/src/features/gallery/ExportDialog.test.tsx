import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'
import { EXPORT_FOLDER_KEY, exportedText } from './ExportDialog'

const openGallery = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
  await screen.findByRole('heading', { name: 'Gallery', level: 1 })
}
const tiles = () => [...document.querySelectorAll<HTMLElement>('.gallery [data-output-id]')]
const tileOf = (id: string) => tiles().find((t) => t.dataset.outputId === id) as HTMLElement

afterEach(() => localStorage.removeItem(EXPORT_FOLDER_KEY))

async function selectedTwo() {
  const fake = new FakeCourier()
  const run = fake.seedRun({ prompt: 'pick', seed: 5 })
  const outs = [fake.seedOutput(run), fake.seedOutput(run), fake.seedOutput(run)]
  await renderApp(fake)
  await openGallery()
  await waitFor(() => expect(tiles()).toHaveLength(3))
  fireEvent.click(tileOf(outs[0]!.id), { ctrlKey: true })
  fireEvent.click(tileOf(outs[2]!.id), { ctrlKey: true })
  fireEvent.click(within(screen.getByRole('group', { name: 'Selection' })).getByRole('button', { name: 'Export…' }))
  return { fake, outs, dialog: screen.getByRole('dialog', { name: 'Export 2 outputs' }) }
}

describe('Export…', () => {
  it('copies the selection to the folder typed, without how it was made when asked, and says so in a toast', async () => {
    const { fake, outs, dialog } = await selectedTwo()
    const folder = within(dialog).getByLabelText('Folder') as HTMLInputElement
    // The dialog joins the modal stack with focus in its first box, and keeps Tab inside.
    expect(document.activeElement).toBe(folder)
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true })
    expect(dialog.contains(document.activeElement)).toBe(true)
    const keep = within(dialog).getByRole('radio', { name: /Keep how it was made/ }) as HTMLInputElement
    const strip = within(dialog).getByRole('radio', { name: /Remove it \(for sharing or selling\)/ }) as HTMLInputElement
    expect(keep.checked).toBe(true)

    fake.hold('outputs.export')
    fireEvent.change(folder, { target: { value: '/home/ada/Exports' } })
    fireEvent.click(strip)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Export' }))
    // While it runs: disabled, with a spinner.
    const running = await within(dialog).findByRole('button', { name: 'Exporting…' })
    expect((running as HTMLButtonElement).disabled).toBe(true)
    expect(running.querySelector('.spinner')).not.toBeNull()
    fake.release('outputs.export')

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(fake.exports).toEqual([{ ids: [outs[2]!.id, outs[0]!.id], folder: '/home/ada/Exports', metadata: 'strip' }])
    expect(await screen.findByText('Exported 2 files to /home/ada/Exports.')).toBeTruthy()
    expect(localStorage.getItem(EXPORT_FOLDER_KEY)).toBe('/home/ada/Exports')

    // The folder is remembered for the next export.
    fireEvent.click(within(screen.getByRole('group', { name: 'Selection' })).getByRole('button', { name: 'Export…' }))
    expect((within(screen.getByRole('dialog')).getByLabelText('Folder') as HTMLInputElement).value).toBe('/home/ada/Exports')
  })

  it('shows a refused folder in the dialog, which stays open; Cancel closes it with nothing exported', async () => {
    const { fake, dialog } = await selectedTwo()
    const folder = within(dialog).getByLabelText('Folder')
    fireEvent.change(folder, { target: { value: 'Exports' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Export' }))
    const alert = await within(dialog).findByRole('alert')
    expect(alert.getAttribute('data-error-code')).toBe('BAD_INPUT')
    expect(alert.textContent).toContain('The folder must be a full path')
    expect(folder.getAttribute('aria-invalid')).toBe('true')
    expect(fake.exports).toEqual([])
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('says how many were not exported, and the first reason', () => {
    const id = (s: string) => s as never
    expect(exportedText({ folder: '/x', exported: [{ id: id('a'), fileName: 'a.png' }], skipped: [] })).toBe('Exported 1 file to /x.')
    expect(
      exportedText({
        folder: '/x',
        exported: [{ id: id('a'), fileName: 'a.png' }],
        skipped: [
          { id: id('b'), reason: 'Its file is no longer on disk.' },
          { id: id('c'), reason: 'Other.' },
        ],
      }),
    ).toBe('Exported 1 file to /x. 2 were not: Its file is no longer on disk.')
  })
})
