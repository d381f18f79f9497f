import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OutputListArgs } from '@shared/output'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openGallery = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
  await screen.findByRole('heading', { name: 'Gallery', level: 1 })
}

const tiles = () => [...document.querySelectorAll<HTMLElement>('.gallery [data-output-id]')]
const tileOf = (id: string) => {
  const tile = tiles().find((t) => t.dataset.outputId === id)
  if (tile === undefined) throw new Error(`no tile for ${id}`)
  return tile
}
const cellOf = (id: string) => tileOf(id).closest('[role="gridcell"]') as HTMLElement
const countText = () => document.querySelector('.gallery-status__count')?.textContent ?? ''
/** The gallery's own `outputs.list` calls (start-up fetches the newest 500 for the run rows). */
const galleryCalls = (fake: FakeCourier): OutputListArgs[] => fake.callsTo('outputs.list').filter((a) => a.limit !== 500)
const dialog = () => screen.getByRole('dialog')

function seeded() {
  const fake = new FakeCourier()
  const a = fake.seedRun({ prompt: 'a lighthouse at dusk', seed: 7 })
  const b = fake.seedRun({ prompt: 'a red fox in snow', seed: 8 })
  const first = fake.seedOutput(a)
  const second = fake.seedOutput(b, { width: 512, height: 512, bytes: 2048 })
  return { fake, first, second }
}

// Large tiles: four columns in jsdom's assumed 1024 px, which the keyboard tests count on.
beforeEach(() => localStorage.setItem('comfy-courier.gallery.density', 'large'))

afterEach(() => {
  localStorage.removeItem('comfy-courier.gallery.density')
  vi.unstubAllGlobals()
  Reflect.deleteProperty(navigator, 'clipboard')
})

describe('Gallery', () => {
  it('says what to do when nothing is saved', async () => {
    await renderApp()
    await openGallery()
    expect(await screen.findByText('Nothing saved yet. Generate something and it will appear here.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Go to Generate' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
  })

  it('shows saved outputs newest first as lazy images, and new ones as they are saved', async () => {
    const { fake, first, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles().map((t) => t.dataset.outputId)).toEqual([second.id, first.id]))
    const img = within(tiles()[1] as HTMLElement).getByRole('img') as HTMLImageElement
    expect(img.alt).toBe('a lighthouse at dusk')
    // Main makes an image's thumbnail on request; the file itself stands in if that fails.
    expect(img.getAttribute('src')).toBe(`courier-media://thumb/${encodeURIComponent(first.id)}`)
    expect(img.getAttribute('loading')).toBe('lazy')
    fireEvent.error(img)
    expect(within(tiles()[1] as HTMLElement).getByRole('img').getAttribute('src')).toBe(`courier-media://output/${encodeURIComponent(first.id)}`)
    await waitFor(() => expect(countText()).toBe('2 outputs'))

    const run = fake.seedRun({ prompt: 'brand new' })
    const output = fake.seedOutput(run)
    act(() => fake.emit({ type: 'output.saved', output }))
    expect(tiles()[0]?.dataset.outputId).toBe(output.id)
    expect(countText()).toBe('3 outputs')
  })

  it('shows thumbnails, a play badge and length on videos (their first frame until a thumbnail exists), and an icon for audio', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'waves' })
    const image = fake.seedOutput(run, { hasThumbnail: true })
    const video = fake.seedOutput(run, { kind: 'video', mime: 'video/webm', path: 'x/waves-2.webm', durationMs: 2000, hasThumbnail: true })
    const audio = fake.seedOutput(run, { kind: 'audio', mime: 'audio/wav', path: 'x/waves-3.wav', durationMs: 65_000 })
    const clip = fake.seedOutput(run, { kind: 'video', mime: 'video/mp4', path: 'x/waves-4.mp4', durationMs: 7000 })
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(4))
    const frame = tileOf(clip.id).querySelector('video') as HTMLVideoElement
    expect(frame.getAttribute('src')).toBe(`courier-media://output/${encodeURIComponent(clip.id)}`)
    expect(frame.preload).toBe('metadata')
    expect(tileOf(clip.id).querySelector('.thumb__badge')?.textContent).toBe('0:07')

    expect(within(tileOf(image.id)).getByRole('img').getAttribute('src')).toBe(`courier-media://thumb/${encodeURIComponent(image.id)}`)
    const videoTile = tileOf(video.id)
    expect(within(videoTile).getByRole('img').getAttribute('src')).toBe(`courier-media://thumb/${encodeURIComponent(video.id)}`)
    expect(videoTile.querySelector('.thumb__badge')?.textContent).toBe('0:02')
    expect(videoTile.getAttribute('aria-label')).toBe('waves (Video, WEBM, 0:02)')
    const audioTile = tileOf(audio.id)
    expect(within(audioTile).getByRole('img', { name: 'waves' }).querySelector('svg')).not.toBeNull()
    expect(audioTile.textContent).toContain('1:05')
  })

  it('searches after a pause in typing (Enter at once), and says when nothing matches', async () => {
    const { fake, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    const box = screen.getByRole('searchbox', { name: 'Search outputs' })
    fireEvent.change(box, { target: { value: 'fo' } })
    fireEvent.change(box, { target: { value: 'fox' } })
    await waitFor(() => expect(tiles().map((t) => t.dataset.outputId)).toEqual([second.id]))
    // One request for the pause after "fox", none for "fo".
    expect(galleryCalls(fake).filter((a) => a.query !== undefined)).toEqual([{ query: 'fox', limit: 200 }])
    expect(countText()).toBe('1 output matches')

    fireEvent.change(box, { target: { value: 'zebra' } })
    const searchesBefore = galleryCalls(fake).length
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(galleryCalls(fake).slice(searchesBefore)).toEqual([{ query: 'zebra', limit: 200 }])
    expect(await screen.findByText('Nothing matches “zebra”.')).toBeTruthy()

    // The empty state offers the way out too.
    fireEvent.click(within(screen.getByText('Nothing matches “zebra”.').closest('.empty') as HTMLElement).getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(tiles()).toHaveLength(2))
    expect((screen.getByRole('searchbox', { name: 'Search outputs' }) as HTMLInputElement).value).toBe('')
  })

  it("settles the counts on main's own after an output is saved, whether the counts' answer holds it or not", async () => {
    const { fake } = seeded()
    const boat = fake.seedOutput(fake.seedRun({ prompt: 'a paper boat' }))
    const kite = fake.seedOutput(fake.seedRun({ prompt: 'a red kite' }))
    fake.outputs = fake.outputs.filter((o) => o.id !== boat.id && o.id !== kite.id) // not saved yet
    fake.hold('outputs.facets')
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    // The boat is announced while the counts are on their way, and their answer is made without it...
    act(() => fake.emit({ type: 'output.saved', output: boat }))
    fake.release('outputs.facets')
    await waitFor(() => expect(countText()).toBe('2 outputs'))
    // ...so they are asked for again, once main has it.
    fake.outputs.push(boat)
    await waitFor(() => expect(countText()).toBe('3 outputs'))

    // The kite is in an answer (the gallery opened again) before its own announcement arrives.
    fake.outputs.push(kite)
    fireEvent.click(screen.getByRole('link', { name: 'Runs' }))
    await openGallery()
    await waitFor(() => expect(countText()).toBe('4 outputs'))
    act(() => fake.emit({ type: 'output.saved', output: kite }))
    // Counted once, not twice, once main's count is back.
    await waitFor(() => expect(countText()).toBe('4 outputs'))
    await waitFor(() => expect(fake.callsTo('outputs.facets')).toHaveLength(4))
    expect(countText()).toBe('4 outputs')
    expect(tiles()).toHaveLength(4)
  })

  it('turns each filter into outputs.list args, with the menus and counts from outputs.facets', async () => {
    const fake = new FakeCourier()
    const demo = fake.seedRun({ prompt: 'demo picture' })
    const rc = fake.seedRun({ '6.text': 'waves' }, { provider: 'runcomfy', deploymentId: 'rc-img2vid', deploymentName: 'Image to video', batchId: 'b_42' })
    fake.seedOutput(demo)
    fake.seedOutput(demo, { favourite: true })
    const clip = fake.seedOutput(rc, { kind: 'video', mime: 'video/mp4', path: 'x/a.mp4' })
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(3))
    const last = () => galleryCalls(fake).at(-1)

    const provider = screen.getByRole('combobox', { name: 'Filter by provider' }) as HTMLSelectElement
    expect([...provider.options].map((o) => o.text)).toEqual(['All providers (3)', 'Demo (2)', 'RunComfy (1)'])
    fireEvent.change(provider, { target: { value: 'runcomfy' } })
    expect(last()).toEqual({ provider: 'runcomfy', limit: 200 })
    await waitFor(() => expect(tiles().map((t) => t.dataset.outputId)).toEqual([clip.id]))
    expect(countText()).toBe('1 output matches')

    const deployment = screen.getByRole('combobox', { name: 'Filter by deployment' }) as HTMLSelectElement
    expect([...deployment.options].map((o) => o.text)).toEqual(['All deployments', 'Image to video (1)'])
    fireEvent.change(deployment, { target: { value: 'rc-img2vid' } })
    expect(last()).toEqual({ provider: 'runcomfy', deploymentId: 'rc-img2vid', limit: 200 })

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    const kinds = screen.getByRole('group', { name: 'Kind' })
    fireEvent.click(within(kinds).getByRole('button', { name: /Videos/ }))
    expect(last()).toEqual({ kind: 'video', limit: 200 })
    expect(within(kinds).getByRole('button', { name: /Videos/ }).getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(within(kinds).getByRole('button', { name: 'All kinds' }))

    fireEvent.click(screen.getByRole('button', { name: /Favourites only/ }))
    expect(last()).toEqual({ favourite: true, limit: 200 })
    await waitFor(() => expect(tiles()).toHaveLength(1))
    expect(countText()).toBe('1 output matches')
    fireEvent.click(screen.getByRole('button', { name: /Favourites only/ }))

    const before = Date.now()
    fireEvent.click(within(screen.getByRole('group', { name: 'Date' })).getByRole('button', { name: '7 days' }))
    const from = last()?.from ?? 0
    expect(from).toBeGreaterThanOrEqual(before - 7 * 86_400_000)
    expect(from).toBeLessThanOrEqual(Date.now() - 7 * 86_400_000)
    // The fake's outputs were all made in 2023.
    expect(await screen.findByText('No outputs match these filters.')).toBeTruthy()
    fireEvent.click(within(screen.getByRole('group', { name: 'Date' })).getByRole('button', { name: 'Today' }))
    const midnight = new Date()
    midnight.setHours(0, 0, 0, 0)
    expect(last()).toEqual({ from: midnight.getTime(), limit: 200 })
    fireEvent.click(within(screen.getByRole('group', { name: 'Date' })).getByRole('button', { name: 'All time' }))
    await waitFor(() => expect(tiles()).toHaveLength(3))

    // A tile's batch chip shows only that batch.
    fireEvent.click(within(cellOf(clip.id)).getByRole('button', { name: 'Only batch b_42' }))
    expect(last()).toEqual({ batchId: 'b_42', limit: 200 })
    await waitFor(() => expect(tiles().map((t) => t.dataset.outputId)).toEqual([clip.id]))
    fireEvent.click(screen.getByRole('button', { name: 'Remove the batch filter' }))
    expect(last()).toEqual({ limit: 200 })
  })

  it('pages with the after cursor as the end of what is loaded comes near, and says how many there are', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'many' })
    for (let i = 0; i < 450; i++) fake.seedOutput(run)
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles().length).toBeGreaterThan(0))
    expect(galleryCalls(fake)).toEqual([{ limit: 200 }])
    await waitFor(() => expect(countText()).toBe('450 outputs'))
    const grid = screen.getByRole('grid', { name: 'Saved outputs' })
    // Only the rows in view (and a few more) are in the DOM.
    expect(tiles().length).toBeLessThan(60)
    expect(grid.getAttribute('aria-colcount')).toBe('4')
    expect(grid.getAttribute('aria-rowcount')).toBe('50')

    const shown = fake.outputs.slice().sort((a, b) => b.createdAt - a.createdAt)
    const first = tiles()[0] as HTMLElement
    first.focus()
    fireEvent.keyDown(first, { key: 'End', ctrlKey: true })
    await waitFor(() => expect(grid.getAttribute('aria-rowcount')).toBe('100'))
    expect(galleryCalls(fake)[1]).toEqual({ after: shown[199]?.id, limit: 200 })
    fireEvent.keyDown(document.activeElement ?? first, { key: 'End', ctrlKey: true })
    await waitFor(() => expect(grid.getAttribute('aria-rowcount')).toBe('113'))
    expect(galleryCalls(fake)[2]).toEqual({ after: shown[399]?.id, limit: 200 })
  })

  it('moves focus with the arrow keys, opens the focused output with Enter, and selects with Space', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'grid' })
    for (let i = 0; i < 10; i++) fake.seedOutput(run)
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(10))
    const at = (i: number) => tiles().find((t) => t.dataset.index === String(i)) as HTMLElement
    // One tile is reachable with Tab: the active one.
    expect(tiles().filter((t) => t.tabIndex === 0)).toEqual([at(0)])
    at(0).focus()
    fireEvent.keyDown(at(0), { key: 'ArrowRight' })
    expect(document.activeElement).toBe(at(1))
    fireEvent.keyDown(at(1), { key: 'ArrowDown' })
    expect(document.activeElement).toBe(at(5))
    fireEvent.keyDown(at(5), { key: 'ArrowDown' })
    expect(document.activeElement).toBe(at(9))
    fireEvent.keyDown(at(9), { key: 'Home' })
    expect(document.activeElement).toBe(at(8))
    fireEvent.keyDown(at(8), { key: 'ArrowUp' })
    expect(document.activeElement).toBe(at(4))
    expect(tiles().filter((t) => t.tabIndex === 0)).toEqual([at(4)])

    fireEvent.keyDown(at(4), { key: ' ' })
    expect(cellOf(at(4).dataset.outputId as string).getAttribute('aria-selected')).toBe('true')
    expect(screen.getByRole('group', { name: 'Selection' }).textContent).toContain('1 selected')
    fireEvent.keyDown(at(4), { key: 'Escape' })
    expect(screen.queryByRole('group', { name: 'Selection' })).toBeNull()

    fireEvent.keyDown(at(4), { key: 'Enter' })
    expect(dialog().dataset.viewerOutputId).toBe(at(4).dataset.outputId)
  })

  it('trashes the selection after a confirmation', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'pick' })
    const outs = [fake.seedOutput(run), fake.seedOutput(run), fake.seedOutput(run)]
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(3))
    fireEvent.click(tileOf(outs[0]!.id), { ctrlKey: true })
    fireEvent.click(tileOf(outs[2]!.id), { ctrlKey: true })
    expect(screen.queryByRole('dialog')).toBeNull()
    fireEvent.click(within(screen.getByRole('group', { name: 'Selection' })).getByRole('button', { name: 'Move to trash…' }))
    const confirm = screen.getByRole('alertdialog', { name: 'Move 2 outputs to the trash?' })
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' }))
    fireEvent.click(within(confirm).getByRole('button', { name: 'Move to trash' }))
    await waitFor(() => expect(tiles().map((t) => t.dataset.outputId)).toEqual([outs[1]!.id]))
    expect(fake.callsTo('outputs.delete')).toEqual([{ ids: [outs[2]!.id, outs[0]!.id] }])
    expect(screen.getByText('Moved 2 outputs to the trash.')).toBeTruthy()
    expect(countText()).toBe('1 output')
  })

  it('stars an output from its tile', async () => {
    const { fake, first } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    const star = within(cellOf(first.id)).getByRole('button', { name: 'Favourite' })
    expect(star.getAttribute('aria-pressed')).toBe('false')
    fireEvent.click(star)
    expect(star.getAttribute('aria-pressed')).toBe('true')
    await waitFor(() => expect(fake.callsTo('outputs.update')).toEqual([{ id: first.id, favourite: true }]))
    expect(fake.outputs.find((o) => o.id === first.id)?.favourite).toBe(true)
    expect(screen.getByRole('button', { name: /Favourites only/ }).textContent).toContain('1')

    // Refused: the star goes back and the reason shows.
    fake.failNext('outputs.update', { code: 'NOT_FOUND', message: 'no output' })
    fireEvent.click(star)
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Could not change the favourite'))
    expect(star.getAttribute('aria-pressed')).toBe('true')
  })
})

describe('Lightbox', () => {
  it('shows the details, steps with arrows, zooms, traps focus, and gives focus back on Escape', async () => {
    const { fake, first, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    const tile = tileOf(second.id)
    tile.focus() // a real click focuses the button; fireEvent does not
    fireEvent.click(tile)

    expect(dialog().getAttribute('aria-modal')).toBe('true')
    expect(document.activeElement).toBe(dialog())
    expect(dialog().dataset.viewerOutputId).toBe(second.id)
    expect(within(dialog()).getByRole('img', { name: 'a red fox in snow' })).toBeTruthy()
    const details = within(dialog()).getByRole('region', { name: 'Details' })
    expect(details.textContent).toContain('2,048 bytes')
    expect(details.textContent).toContain('512 × 512')
    expect(details.textContent).toContain(second.path)
    expect(details.textContent).toContain(second.sha256)
    expect(details.textContent).toContain('Text to image')
    const inputs = within(details).getByLabelText('Inputs')
    // By the form's labels, not the keys.
    expect(inputs.textContent).toContain('Prompta red fox in snow')
    expect(inputs.textContent).toContain('Seed8')

    fireEvent.keyDown(dialog(), { key: 'ArrowRight' })
    expect(dialog().dataset.viewerOutputId).toBe(first.id)
    expect(dialog().textContent).toContain('123,456 bytes')
    expect(dialog().textContent).toContain('2 / 2')
    fireEvent.keyDown(dialog(), { key: 'ArrowRight' })
    expect(dialog().dataset.viewerOutputId).toBe(first.id)

    // Zoom: + / − / 0, and double-click between fitted and 100 %.
    const stage = dialog().querySelector<HTMLElement>('[data-zoom]') as HTMLElement
    Object.defineProperty(stage, 'clientWidth', { value: 512, configurable: true })
    Object.defineProperty(stage, 'clientHeight', { value: 384, configurable: true })
    expect(stage.dataset.zoom).toBe('fit')
    fireEvent.keyDown(dialog(), { key: '+' })
    expect(stage.dataset.zoom).toBe('63')
    expect(within(dialog()).getByLabelText('Zoom level').textContent).toBe('63 %')
    fireEvent.keyDown(dialog(), { key: '-' })
    expect(stage.dataset.zoom).toBe('fit')
    fireEvent.doubleClick(stage)
    expect(stage.dataset.zoom).toBe('100')
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Zoom in' }))
    expect(stage.dataset.zoom).toBe('125')
    fireEvent.keyDown(dialog(), { key: '0' })
    expect(stage.dataset.zoom).toBe('fit')

    // Tab stays inside.
    const close = within(dialog()).getByRole('button', { name: 'Close' })
    fireEvent.keyDown(dialog(), { key: 'Tab', shiftKey: true })
    const last = document.activeElement as HTMLElement
    expect(dialog().contains(last)).toBe(true)
    fireEvent.keyDown(last, { key: 'Tab' })
    expect(document.activeElement).toBe(within(dialog()).getByRole('button', { name: 'Zoom out' }))
    expect(close).toBeTruthy()

    fireEvent.keyDown(dialog(), { key: 'ArrowLeft' })
    fireEvent.keyDown(dialog(), { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(tileOf(second.id))

    // Closed on another output: focus goes to that output's tile.
    fireEvent.click(tileOf(second.id))
    fireEvent.keyDown(dialog(), { key: 'ArrowRight' })
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(tileOf(first.id))
  })

  // 200 steps through React in jsdom: about 4 s alone, twice that beside the other test files on two shared
  // cores, so it gets room beyond the 5 s default (what it checks is where the steps land, not how fast).
  it('steps across pages: the next page is fetched as the end of what is loaded comes near', { timeout: 20_000 }, async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'pages' })
    for (let i = 0; i < 203; i++) fake.seedOutput(run)
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles().length).toBeGreaterThan(0))
    const first = tiles()[0] as HTMLElement
    first.focus()
    fireEvent.keyDown(first, { key: 'Enter' })
    expect(dialog().textContent).toContain('1 / 200+')
    for (let i = 0; i < 199; i++) fireEvent.keyDown(dialog(), { key: 'ArrowRight' })
    await waitFor(() => expect(dialog().textContent).toContain('200 / 203'))
    fireEvent.keyDown(dialog(), { key: 'ArrowRight' })
    expect(dialog().textContent).toContain('201 / 203')
  })

  it('plays videos and audio with native controls', async () => {
    const fake = new FakeCourier()
    const run = fake.seedRun({ prompt: 'loop' })
    const audio = fake.seedOutput(run, { kind: 'audio', mime: 'audio/wav', path: 'x/a.wav', durationMs: 3000 })
    const video = fake.seedOutput(run, { kind: 'video', mime: 'video/webm', path: 'x/a.webm', durationMs: 2000, width: 256, height: 256 })
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    fireEvent.click(tileOf(video.id))
    const player = dialog().querySelector('video') as HTMLVideoElement
    expect(player.controls).toBe(true)
    expect(player.getAttribute('src')).toBe(`courier-media://output/${encodeURIComponent(video.id)}`)
    expect(dialog().textContent).toContain('0:02')
    expect(dialog().querySelector('[data-zoom]')).toBeNull()
    // Arrow keys on the player seek (its own); they do not step.
    fireEvent.keyDown(player, { key: 'ArrowRight' })
    expect(dialog().dataset.viewerOutputId).toBe(video.id)
    fireEvent.keyDown(dialog(), { key: 'ArrowRight' })
    expect(dialog().dataset.viewerOutputId).toBe(audio.id)
    expect((dialog().querySelector('audio') as HTMLAudioElement).controls).toBe(true)
  })

  it('favourites, copies the prompt, and says when the image cannot be copied', async () => {
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const { fake, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    fireEvent.click(tileOf(second.id))

    const fav = within(dialog()).getByRole('button', { name: 'Favourite' })
    fireEvent.click(fav)
    expect(fav.getAttribute('aria-pressed')).toBe('true')
    await waitFor(() => expect(fake.callsTo('outputs.update')).toEqual([{ id: second.id, favourite: true }]))
    expect(within(cellOf(second.id)).getByRole('button', { name: 'Favourite' }).getAttribute('aria-pressed')).toBe('true')
    fireEvent.keyDown(dialog(), { key: 'f' })
    await waitFor(() => expect(fake.callsTo('outputs.update')).toHaveLength(2))
    expect(fav.getAttribute('aria-pressed')).toBe('false')

    fireEvent.click(within(dialog()).getByRole('button', { name: 'Copy prompt' }))
    expect(await within(dialog()).findByText('Prompt copied.')).toBeTruthy()
    expect(writeText).toHaveBeenCalledWith('a red fox in snow')

    // jsdom, like some browsers, has no ClipboardItem: the user is told.
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Copy image' }))
    const alert = await within(dialog()).findByRole('alert')
    expect(alert.textContent).toContain('Could not copy the image: this browser does not let the page copy images.')
  })

  it('copies the image as a PNG through the Clipboard API', async () => {
    const written: Array<Record<string, Promise<Blob>>> = []
    class FakeClipboardItem {
      constructor(readonly items: Record<string, Promise<Blob>>) {
        written.push(items)
      }
    }
    vi.stubGlobal('ClipboardItem', FakeClipboardItem)
    vi.stubGlobal('fetch', vi.fn(async () => new Response(new Uint8Array([137, 80, 78, 71]), { headers: { 'content-type': 'image/png' } })))
    const write = vi.fn(async (items: FakeClipboardItem[]) => {
      await Promise.all(items.flatMap((i) => Object.values(i.items)))
    })
    Object.defineProperty(navigator, 'clipboard', { value: { write, writeText: vi.fn() }, configurable: true })
    const { fake, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    fireEvent.click(tileOf(second.id))
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Copy image' }))
    expect(await within(dialog()).findByText('Image copied.')).toBeTruthy()
    expect(Object.keys(written[0] ?? {})).toEqual(['image/png'])
    expect((await written[0]?.['image/png'])?.type).toBe('image/png')
    expect(vi.mocked(fetch).mock.calls[0]?.[0]).toBe(`courier-media://output/${encodeURIComponent(second.id)}`)
  })

  it('does not offer Open and Reveal in the web version, where they could never work', async () => {
    const { fake, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    fireEvent.click(tileOf(second.id))
    expect(within(dialog()).queryByRole('button', { name: 'Open' })).toBeNull()
    expect(within(dialog()).queryByRole('button', { name: 'Reveal in folder' })).toBeNull()
  })

  it('opens and reveals files in the desktop app', async () => {
    const { fake, second } = seeded()
    fake.info = { ...fake.info, mode: 'electron' }
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    fireEvent.click(tileOf(second.id))
    const reveal = within(dialog()).getByRole('button', { name: 'Reveal in folder' })
    expect(reveal.getAttribute('aria-disabled')).toBeNull()
    fireEvent.click(reveal)
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Open' }))
    await waitFor(() => expect(fake.opened).toEqual([
      { id: second.id, how: 'reveal' },
      { id: second.id, how: 'open' },
    ]))
  })

  it('deletes after a confirmation, and then shows the next output', async () => {
    const { fake, first, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    fireEvent.click(tileOf(second.id))

    fireEvent.click(within(dialog()).getByRole('button', { name: 'Delete…' }))
    let confirm = screen.getByRole('alertdialog', { name: 'Move this output to the trash?' })
    expect(confirm.textContent).toContain(second.path)
    // Escape cancels the confirmation, not the lightbox.
    fireEvent.keyDown(confirm, { key: 'Escape' })
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(dialog().dataset.viewerOutputId).toBe(second.id)
    expect(fake.callsTo('outputs.delete')).toEqual([])

    fireEvent.keyDown(dialog(), { key: 'Delete' })
    confirm = screen.getByRole('alertdialog', { name: 'Move this output to the trash?' })
    fireEvent.click(within(confirm).getByRole('button', { name: 'Move to trash' }))
    await waitFor(() => expect(dialog().dataset.viewerOutputId).toBe(first.id))
    expect(fake.callsTo('outputs.delete')).toEqual([{ ids: [second.id] }])
    expect(fake.trashed).toEqual([second.id])
    expect(within(dialog()).getByText('Moved to the trash.')).toBeTruthy()
    expect(tiles().map((t) => t.dataset.outputId)).toEqual([first.id])

    fireEvent.click(within(dialog()).getByRole('button', { name: 'Delete…' }))
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Move to trash' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(await screen.findByText('Nothing saved yet. Generate something and it will appear here.')).toBeTruthy()
  })

  it('re-runs with the same or a new seed, and shows the new run', async () => {
    const { fake, second } = seeded()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(2))
    fireEvent.click(tileOf(second.id))

    fireEvent.click(within(dialog()).getByRole('button', { name: 'Re-run with new seed' }))
    await waitFor(() => expect(fake.callsTo('runs.rerun')).toEqual([{ id: second.runId, seed: 'new' }]))
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Re-run with same seed' }))
    await waitFor(() => expect(fake.callsTo('runs.rerun')).toHaveLength(2))
    expect(fake.callsTo('runs.rerun')[1]).toEqual({ id: second.runId, seed: 'same' })
    const toast = await within(dialog()).findByText('Started a new run of Text to image with the same seed.')
    const newest = [...fake.runs.values()].at(-1)
    expect(newest?.inputs).toEqual({ prompt: 'a red fox in snow', seed: 8 })

    fireEvent.click(within(toast.closest('.toast') as HTMLElement).getByRole('button', { name: 'Show run' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(await screen.findByRole('heading', { name: 'Runs', level: 1 })).toBeTruthy()
    const row = document.querySelector<HTMLElement>(`.run-list [data-run-id="${newest?.id}"]`)
    expect(row?.dataset.runStatus).toBe('queued')
    expect(row?.dataset.highlighted).toBe('true')
  })

  it("fetches the run's inputs when the run is not among those listed", async () => {
    const fake = new FakeCourier()
    await renderApp(fake)
    await openGallery()
    const run = fake.seedRun({ prompt: 'from before', steps: 12 })
    const output = fake.seedOutput(run)
    act(() => fake.emit({ type: 'output.saved', output }))
    fireEvent.click(tileOf(output.id))
    const inputs = await within(dialog()).findByLabelText('Inputs')
    expect(inputs.textContent).toContain('Steps12')
    expect(fake.callsTo('runs.get')).toEqual([{ id: run.id }])
  })
})
