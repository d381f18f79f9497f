import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openGallery = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
  await screen.findByRole('heading', { name: 'Gallery', level: 1 })
}
const tiles = () => [...document.querySelectorAll<HTMLElement>('.gallery [data-output-id]')]

afterEach(() => localStorage.removeItem('comfy-courier.gallery.density'))

function library() {
  const fake = new FakeCourier()
  const fox = fake.seedRun({ prompt: 'a red fox', seed: 41 })
  const owl = fake.seedRun({ prompt: 'an owl at night', seed: 7 })
  fake.seedOutput(fox)
  fake.seedOutput(fox, { kind: 'video', mime: 'video/webm', path: 'x/fox.webm', durationMs: 2000 })
  fake.seedOutput(fox, { kind: 'video', mime: 'video/mp4', path: 'x/fox.mp4', durationMs: 2000 })
  for (let i = 0; i < 5; i++) fake.seedOutput(owl)
  return fake
}

describe('Gallery, the first hour', () => {
  it('counts each kind among what the search found, and says "1 output matches"', async () => {
    const fake = library()
    await renderApp(fake)
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(8))
    const kinds = screen.getByRole('group', { name: 'Kind' })
    await waitFor(() => expect(within(kinds).getByRole('button', { name: /^Images/ }).textContent).toBe('Images6'))
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search outputs' }), { target: { value: 'fox' } })
    await waitFor(() => expect(tiles()).toHaveLength(3))
    await waitFor(() => expect(within(kinds).getByRole('button', { name: /^Images/ }).textContent).toBe('Images1'))
    expect(within(kinds).getByRole('button', { name: /^Videos/ }).textContent).toBe('Videos2')
    expect(fake.callsTo('outputs.facets').at(-1)).toEqual({ query: 'fox' })
    expect(document.querySelector('.gallery-status__count')?.textContent).toBe('3 outputs match')
    fireEvent.click(within(kinds).getByRole('button', { name: /^Images/ }))
    await waitFor(() => expect(document.querySelector('.gallery-status__count')?.textContent).toBe('1 output matches'))
    // Choosing Images leaves the Videos count as it was.
    expect(within(kinds).getByRole('button', { name: /^Videos/ }).textContent).toBe('Videos2')
  })

  it('shows the seed and the format on each tile', async () => {
    await renderApp(library())
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(8))
    const webm = tiles().find((t) => t.getAttribute('aria-label') === 'a red fox (Video, WEBM, 0:02)')
    const mp4 = tiles().find((t) => t.getAttribute('aria-label') === 'a red fox (Video, MP4, 0:02)')
    expect(webm?.querySelector('.tile__format')?.textContent).toBe('WEBM')
    expect(mp4?.querySelector('.tile__format')?.textContent).toBe('MP4')
    expect(webm?.querySelector('.tile__meta')?.textContent).toMatch(/^Seed 41 · /)
  })

  it('goes to the search box on "/", and skips to the first tile from the link before the filters', async () => {
    await renderApp(library())
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(8))
    fireEvent.keyDown(document.body, { key: '/' })
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search outputs' }))
    fireEvent.click(screen.getByRole('link', { name: 'Skip to the outputs' }))
    expect(document.activeElement).toBe(tiles()[0])
  })

  it('sizes the tiles as chosen, and remembers the choice', async () => {
    const first = await renderApp(library())
    await openGallery()
    await waitFor(() => expect(tiles()).toHaveLength(8))
    const grid = () => screen.getByRole('grid')
    const columns = () => Number(grid().getAttribute('aria-colcount'))
    const medium = columns()
    const size = screen.getByRole('group', { name: 'Tile size' })
    fireEvent.click(within(size).getByRole('button', { name: 'Small' }))
    expect(columns()).toBeGreaterThan(medium)
    fireEvent.click(within(size).getByRole('button', { name: 'Large' }))
    expect(columns()).toBeLessThan(medium)
    first.unmount()
    await renderApp(library())
    await openGallery()
    await waitFor(() => expect(tiles().length).toBeGreaterThan(0))
    expect(within(screen.getByRole('group', { name: 'Tile size' })).getByRole('button', { name: 'Large' }).getAttribute('aria-pressed')).toBe('true')
  })
})
