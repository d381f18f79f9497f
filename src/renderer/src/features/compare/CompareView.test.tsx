import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'
import { clampZoom, FIT, zoomAround } from './CompareView'

const tileOf = (id: string) => document.querySelector<HTMLElement>(`.gallery .tile[data-output-id="${id}"]`)!

async function openCompare(count: number) {
  const fake = new FakeCourier()
  const outs = Array.from({ length: count }, (_, i) => fake.seedOutput(fake.seedRun({ prompt: 'a red kite', seed: 100 + i, steps: i === 0 ? 20 : 30, cfg: 7 })))
  await renderApp(fake)
  fireEvent.click(screen.getByRole('link', { name: 'Gallery' }))
  await waitFor(() => expect(document.querySelectorAll('.gallery .tile')).toHaveLength(count))
  const compare = () => within(screen.getByRole('group', { name: 'Selection' })).getByRole('button', { name: 'Compare' }) as HTMLButtonElement
  fireEvent.click(tileOf(outs[0]!.id), { ctrlKey: true })
  expect(compare().disabled).toBe(true)
  for (const o of outs.slice(1)) fireEvent.click(tileOf(o.id), { ctrlKey: true })
  expect(compare().disabled).toBe(count > 4)
  if (count > 4) return null
  fireEvent.click(compare())
  return screen.findByRole('dialog', { name: `Compare ${count} outputs` })
}

describe('side by side', () => {
  it('shows the outputs with their inputs, the differing ones marked in words too', async () => {
    const dialog = (await openCompare(2))!
    expect(within(dialog).getAllByRole('img')).toHaveLength(2)
    await waitFor(() => expect(within(dialog).getByRole('rowheader', { name: /Seed/ })).toBeTruthy())
    const seedRow = within(dialog).getByRole('rowheader', { name: /Seed/ }).closest('tr')!
    expect(seedRow.dataset.differs).toBe('true')
    expect(within(seedRow).getByText('Differs:', { exact: false })).toBeTruthy()
    const promptRow = within(dialog).getByRole('rowheader', { name: 'Prompt' }).closest('tr')!
    expect(promptRow.dataset.differs).toBeUndefined()
    expect(within(dialog).getByRole('heading', { name: 'Inputs · 2 differ' })).toBeTruthy()
    fireEvent.click(within(dialog).getByLabelText('Only the differences'))
    expect(within(dialog).queryByRole('rowheader', { name: 'Prompt' })).toBeNull()
  })

  it('zooms every image at once with the keys, and swipes between two with a keyboard-operable divider', async () => {
    const dialog = (await openCompare(2))!
    fireEvent.keyDown(dialog, { key: '+' })
    expect(dialog.dataset.zoom).toBe('125')
    const [a, b] = within(dialog).getAllByRole('img') as HTMLImageElement[]
    expect(a!.style.transform).toBe(b!.style.transform)
    expect(a!.style.transform).toContain('scale(1.25)')
    fireEvent.keyDown(dialog, { key: '0' })
    expect(dialog.dataset.zoom).toBe('100')

    fireEvent.click(within(dialog).getByRole('button', { name: 'Swipe' }))
    const divider = within(dialog).getByRole('slider', { name: 'Divider: A on the left, B on the right' })
    expect(divider.getAttribute('aria-valuenow')).toBe('50')
    fireEvent.keyDown(divider, { key: 'ArrowRight' })
    expect(divider.getAttribute('aria-valuenow')).toBe('52')
    fireEvent.keyDown(divider, { key: 'Home' })
    expect(divider.getAttribute('aria-valuenow')).toBe('0')
    fireEvent.keyDown(dialog, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
  })

  it('takes up to four; swipe is for two', async () => {
    const dialog = (await openCompare(3))!
    expect(within(dialog).getAllByRole('img')).toHaveLength(3)
    expect(within(dialog).queryByRole('button', { name: 'Swipe' })).toBeNull()
  })

  it('keeps a zoomed picture over its pane', () => {
    expect(zoomAround(FIT, 2, { x: 0.25, y: 0 })).toEqual({ scale: 2, x: -0.25, y: 0 })
    expect(clampZoom({ scale: 2, x: 3, y: -3 })).toEqual({ scale: 2, x: 0.5, y: -0.5 })
    expect(zoomAround({ scale: 2, x: 0.5, y: 0 }, 0.5)).toEqual(FIT)
  })
})
