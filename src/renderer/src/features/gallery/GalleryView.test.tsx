import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openGallery = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
  await screen.findByRole('heading', { name: 'Gallery', level: 1 })
}

const tiles = () => [...document.querySelectorAll<HTMLElement>('.gallery [data-output-id]')]

function seeded() {
  const fake = new FakeCourier()
  const a = fake.seedRun({ prompt: 'a lighthouse at dusk' })
  const b = fake.seedRun({ prompt: 'a red fox in snow' })
  const first = fake.seedOutput(a)
  const second = fake.seedOutput(b, { width: 512, height: 512, bytes: 2048 })
  return { fake, first, second }
}

describe('Gallery', () => {
  it('says what to do when nothing is saved', async () => {
    await renderApp()
    await openGallery()
    expect(screen.getByText('Nothing saved yet. Generate something and it will appear here.')).toBeTruthy()
  })

  it('shows saved outputs newest first as lazy images, and new ones as they are saved', async () => {
    const { fake, first, second } = seeded()
    await renderApp(fake)
    await openGallery()
    expect(tiles().map((t) => t.dataset.outputId)).toEqual([second.id, first.id])
    const img = within(tiles()[1] as HTMLElement).getByRole('img') as HTMLImageElement
    expect(img.alt).toBe('a lighthouse at dusk')
    expect(img.getAttribute('src')).toBe(`courier-media://output/${encodeURIComponent(first.id)}`)
    expect(img.getAttribute('loading')).toBe('lazy')

    const run = fake.seedRun({ prompt: 'brand new' })
    const output = fake.seedOutput(run)
    act(() => fake.emit({ type: 'output.saved', output }))
    expect(tiles()[0]?.dataset.outputId).toBe(output.id)
  })

  it('searches through outputs.list with the query', async () => {
    const { fake, second } = seeded()
    await renderApp(fake)
    await openGallery()
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search outputs' }), { target: { value: 'fox' } })
    await waitFor(() => expect(fake.callsTo('outputs.list')).toContainEqual({ query: 'fox' }))
    await waitFor(() => expect(tiles().map((t) => t.dataset.outputId)).toEqual([second.id]))

    fireEvent.change(screen.getByRole('searchbox', { name: 'Search outputs' }), { target: { value: 'zebra' } })
    expect(await screen.findByText('Nothing matches “zebra”.')).toBeTruthy()

    fireEvent.change(screen.getByRole('searchbox', { name: 'Search outputs' }), { target: { value: '' } })
    expect(tiles()).toHaveLength(2)
  })

  it('opens a viewer with the details, steps with arrows, and closes with Escape', async () => {
    const { fake, first, second } = seeded()
    await renderApp(fake)
    await openGallery()
    const tile = tiles()[0] as HTMLElement
    tile.focus() // a real click focuses the button; fireEvent does not
    fireEvent.click(tile)

    const dialog = screen.getByRole('dialog')
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    expect(document.activeElement).toBe(dialog)
    expect(dialog.dataset.viewerOutputId).toBe(second.id)
    expect(within(dialog).getByRole('img', { name: 'a red fox in snow' })).toBeTruthy()
    expect(dialog.textContent).toContain('2,048 bytes')
    expect(dialog.textContent).toContain('512 × 512')
    expect(dialog.textContent).toContain(second.path)
    expect(dialog.textContent).toContain('Text to image')

    fireEvent.keyDown(dialog, { key: 'ArrowRight' })
    expect(screen.getByRole('dialog').dataset.viewerOutputId).toBe(first.id)
    expect(screen.getByRole('dialog').textContent).toContain('123,456 bytes')
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'ArrowLeft' })
    expect(screen.getByRole('dialog').dataset.viewerOutputId).toBe(second.id)

    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(tile)

    fireEvent.click(tile)
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})
