import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../test/fake-courier'
import { renderApp } from '../test/render-app'
import { isApplePlatform, keysText, shortcutFor, shortcuts, type ShortcutId } from './shortcuts'

const press = (target: Element | Window, key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(target, { key, ...init })
const h1 = () => screen.getByRole('heading', { level: 1 })

describe('the shortcut table', () => {
  it('tells which shortcut a key press is, modifiers included', () => {
    const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
      key: k,
      ctrlKey: false,
      metaKey: false,
      shiftKey: false,
      altKey: false,
      ...mods,
    })
    expect(shortcutFor('Gallery', key('Home'))).toBe('gallery.row-start')
    expect(shortcutFor('Gallery', key('Home', { ctrlKey: true }))).toBe('gallery.first')
    expect(shortcutFor('Gallery', key('End', { metaKey: true }))).toBe('gallery.last')
    expect(shortcutFor('Gallery', key(' '))).toBe('gallery.select')
    expect(shortcutFor('Gallery', key(' ', { shiftKey: true }))).toBe('gallery.select-range')
    expect(shortcutFor('Gallery', key('F', { shiftKey: true }))).toBe('gallery.favourite')
    expect(shortcutFor('Gallery', key('f', { ctrlKey: true }))).toBeNull()
    expect(shortcutFor('Gallery', key('ArrowLeft', { altKey: true }))).toBeNull()
    expect(shortcutFor('Lightbox', key('='))).toBe('lightbox.zoom-in')
    expect(shortcutFor('Webhooks', key('End'))).toBe('webhooks.last')
  })

  it('writes keys the way each platform does', () => {
    const submit = shortcuts['generate.submit'].keys[0]!
    expect(keysText(submit, false)).toBe('Ctrl+Enter')
    expect(keysText(submit, true)).toBe('⌘Enter')
    expect(keysText(shortcuts['gallery.select-range'].keys[0]!, false)).toBe('Shift+Space')
    expect(keysText(shortcuts['view.gallery'].keys[0]!, false)).toBe('G then L')
    expect(isApplePlatform({ platform: 'MacIntel' } as Navigator)).toBe(true)
    expect(isApplePlatform({ platform: 'Linux x86_64' } as Navigator)).toBe(false)
  })
})

describe('the sidebar', () => {
  it("names each view's shortcut in its link's tooltip, from the same table", async () => {
    await renderApp()
    const nav = screen.getByRole('navigation', { name: 'Main' })
    expect(within(nav).getByRole('link', { name: 'Runs' }).getAttribute('title')).toBe('Go to Runs — G then R')
    expect(within(nav).getByRole('link', { name: 'Gallery' }).getAttribute('title')).toBe('Go to Gallery (your library) — G then L')
  })
})

describe('app-wide keys', () => {
  it('G then a letter opens each view, but not while typing in a text box', async () => {
    await renderApp()
    for (const [letter, name] of [
      ['r', 'Runs'],
      ['l', 'Gallery'],
      ['w', 'Webhooks'],
      ['s', 'Settings'],
      ['g', 'Generate'],
    ] as const) {
      press(document.body, 'g')
      press(document.body, letter)
      expect(h1().textContent).toBe(name)
    }
    const prompt = screen.getByLabelText('Prompt')
    press(prompt, 'g')
    press(prompt, 'r')
    expect(h1().textContent).toBe('Generate')
    // A letter between them breaks the sequence.
    press(document.body, 'g')
    press(document.body, 'x')
    press(document.body, 'r')
    expect(h1().textContent).toBe('Generate')
  })

  it('Ctrl+Enter submits the Generate form from any field, and only in Generate', async () => {
    const { fake } = await renderApp()
    press(screen.getByLabelText('Steps'), 'Enter', { ctrlKey: true })
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(1))
    await waitFor(() => expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false))
    press(document.body, 'Enter', { metaKey: true })
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(2))

    fireEvent.click(screen.getByRole('link', { name: 'Runs' }))
    press(document.body, 'Enter', { ctrlKey: true })
    expect(fake.callsTo('runs.submit')).toHaveLength(2)
  })

  it('Ctrl+Enter goes through the same checks as the Generate button', async () => {
    const { fake } = await renderApp()
    fireEvent.change(screen.getByLabelText('Steps'), { target: { value: '500' } })
    press(screen.getByLabelText('Prompt'), 'Enter', { ctrlKey: true })
    expect((await screen.findByRole('alert')).textContent).toBe('Fix the highlighted field to generate.')
    expect(fake.callsTo('runs.submit')).toHaveLength(0)
  })

  it('? opens the help sheet listing every shortcut of the table; Escape closes it', async () => {
    await renderApp()
    press(screen.getByLabelText('Prompt'), '?', { shiftKey: true })
    expect(screen.queryByRole('dialog')).toBeNull()

    press(document.body, '?', { shiftKey: true })
    const sheet = screen.getByRole('dialog', { name: 'Keyboard shortcuts' })
    expect(document.activeElement).toBe(within(sheet).getByRole('button', { name: 'Close' }))
    const ids = Object.keys(shortcuts) as ShortcutId[]
    const rows = [...sheet.querySelectorAll<HTMLElement>('[data-shortcut]')]
    expect(rows.map((r) => r.dataset.shortcut)).toEqual(ids)
    for (const row of rows) expect(row.querySelector('th')?.textContent).toBe(shortcuts[row.dataset.shortcut as ShortcutId].description)
    expect(within(sheet).getByText('Go to Runs').closest('tr')?.textContent).toContain('G then R')

    // Keys inside the sheet stay there.
    press(document.activeElement!, 'g')
    press(document.activeElement!, 'r')
    expect(h1().textContent).toBe('Generate')
    press(document.activeElement!, 'Escape')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('the sidebar offers the sheet too', async () => {
    await renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Keyboard shortcuts' }))
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy()
  })

  it('does nothing while the welcome is up', async () => {
    const fake = new FakeCourier()
    fake.settings = { ...fake.settings, onboarded: false }
    await renderApp(fake)
    press(document.body, '?', { shiftKey: true })
    press(document.body, 'g')
    press(document.body, 'r')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(h1().textContent).toBe('Welcome to Comfy Courier')
  })
})
