import { fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const describedText = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ')

function newUser(): FakeCourier {
  const fake = new FakeCourier()
  fake.settings = { ...fake.settings, onboarded: false }
  return fake
}

describe('Welcome: the library folder (issue 15, item 10)', () => {
  it('in the browser, says why there is no picker, checks the path in plain words, and offers the suggested folder back', async () => {
    const { fake } = await renderApp(newUser())
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    const folder = (await screen.findByLabelText('Library folder')) as HTMLInputElement
    expect(describedText(folder)).toContain('Your browser cannot show a folder picker, so the suggested folder is filled in')
    expect(screen.queryByRole('button', { name: 'Use the suggested folder' })).toBeNull()

    fireEvent.change(folder, { target: { value: '~/outputs' } })
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    await waitFor(() => expect(describedText(folder)).toContain('The library folder must be an absolute path'))
    expect(describedText(folder)).toContain('such as /home/ada/Pictures/Comfy Courier.')
    expect(describedText(folder)).not.toContain('Some input is not valid')
    expect(fake.callsTo('settings.update')).toEqual([])

    fireEvent.click(screen.getByRole('button', { name: 'Use the suggested folder' }))
    expect(folder.value).toBe('/home/ada/Pictures/Comfy Courier')
    expect(folder.getAttribute('aria-invalid')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ onboarded: true }])
  })

  it('main\'s refusal is said as a sentence of its own, without the generic advice', async () => {
    const fake = newUser()
    await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    const folder = (await screen.findByLabelText('Library folder')) as HTMLInputElement
    fake.failNext('settings.update', { code: 'BAD_INPUT', message: 'the folder /data/x cannot be created', field: 'libraryDir' })
    fireEvent.change(folder, { target: { value: '/data/x' } })
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    await waitFor(() => expect(describedText(folder)).toContain('This folder cannot be used: the folder /data/x cannot be created.'))
    expect(describedText(folder)).not.toContain('Some input is not valid')
  })

  it('a folder fixed by COURIER_LIBRARY_DIR is shown disabled, says where it comes from, and is not sent', async () => {
    const fake = newUser()
    fake.settings = { ...fake.settings, libraryDir: '/srv/courier', fixed: { libraryDir: { by: 'env', name: 'COURIER_LIBRARY_DIR' } } }
    await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    const folder = (await screen.findByLabelText('Library folder')) as HTMLInputElement
    expect(folder.disabled).toBe(true)
    expect(folder.value).toBe('/srv/courier')
    expect(describedText(folder)).toContain('This is set by the COURIER_LIBRARY_DIR environment variable when Comfy Courier starts, so it cannot be changed here.')
    expect(screen.queryByRole('button', { name: 'Use the suggested folder' })).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ onboarded: true }])
  })
})

describe('Settings: a library folder fixed by the environment', () => {
  it('is disabled, says where it comes from, and Save sends nothing for it', async () => {
    const fake = new FakeCourier()
    fake.settings = { ...fake.settings, libraryDir: '/srv/courier', fixed: { libraryDir: { by: 'env', name: 'COURIER_LIBRARY_DIR' } } }
    await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
    const folder = (await screen.findByLabelText('Library folder')) as HTMLInputElement
    expect(folder.disabled).toBe(true)
    expect(describedText(folder)).toBe(
      'This is set by the COURIER_LIBRARY_DIR environment variable when Comfy Courier starts, so it cannot be changed here. To choose the folder here, start Comfy Courier without COURIER_LIBRARY_DIR.',
    )
    expect((screen.getByLabelText('ComfyDeploy base URL') as HTMLInputElement).disabled).toBe(false)
  })
})
