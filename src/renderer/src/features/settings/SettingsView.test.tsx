import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openSettings = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
  await screen.findByRole('heading', { name: 'Settings', level: 1 })
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement

function withSavedKey(): FakeCourier {
  const fake = new FakeCourier()
  fake.apiKey = 'sk-secret-123'
  fake.settings = { ...fake.settings, comfydeploy: { ...fake.settings.comfydeploy, apiKeySet: true } }
  fake.providers = fake.providers.map((p) => (p.id === 'comfydeploy' ? { ...p, configured: true } : p))
  return fake
}

describe('Settings', () => {
  it('never shows a saved key, only that one is saved', async () => {
    await renderApp(withSavedKey())
    await openSettings()
    const key = field('ComfyDeploy API key')
    expect(key.type).toBe('password')
    expect(key.value).toBe('')
    expect(screen.getByText('Key saved')).toBeTruthy()
    expect(document.body.innerHTML).not.toContain('sk-secret')
  })

  it('saves a new key as a patch, clears the box, and enables the provider', async () => {
    const { fake } = await renderApp()
    await openSettings()
    expect(screen.getByText('No key')).toBeTruthy()
    fireEvent.change(field('ComfyDeploy API key'), { target: { value: 'sk-new-456' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))

    expect(await screen.findByText('Settings saved.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ comfydeployApiKey: 'sk-new-456' }])
    expect(field('ComfyDeploy API key').value).toBe('')
    expect(screen.getByText('Key saved')).toBeTruthy()
    expect(document.body.innerHTML).not.toContain('sk-new-456')

    await waitFor(() => expect(fake.callsTo('providers.list')).toHaveLength(2))
    fireEvent.click(screen.getByRole('link', { name: 'Generate' }))
    await waitFor(() => expect((screen.getByRole('radio', { name: 'ComfyDeploy' }) as HTMLInputElement).disabled).toBe(false))
  })

  it('"Remove key" sends an empty key', async () => {
    const { fake } = await renderApp(withSavedKey())
    await openSettings()
    fireEvent.click(screen.getByRole('button', { name: 'Remove key' }))
    expect(await screen.findByText('Key removed.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ comfydeployApiKey: '' }])
    expect(screen.getByText('No key')).toBeTruthy()
  })

  it('sends only what changed, and checks URLs first', async () => {
    const { fake } = await renderApp()
    await openSettings()
    fireEvent.change(screen.getByLabelText('Tunnel mode'), { target: { value: 'url' } })
    fireEvent.change(field('Public URL'), { target: { value: 'not a url' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByText('Enter a URL such as https://hooks.example.com.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toHaveLength(0)

    fireEvent.change(field('Public URL'), { target: { value: 'https://hooks.example.com' } })
    fireEvent.change(field('Library folder'), { target: { value: '/mnt/art' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Settings saved.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ libraryDir: '/mnt/art', tunnelMode: 'url', publicUrl: 'https://hooks.example.com' }])
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows a refused save with its advice, under the field it names', async () => {
    const fake = new FakeCourier()
    fake.failNext('settings.update', { code: 'BAD_INPUT', message: 'folder is not writable', field: 'libraryDir' })
    await renderApp(fake)
    await openSettings()
    fireEvent.change(field('Library folder'), { target: { value: '/root' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Some input is not valid.')
    const described = field('Library folder').getAttribute('aria-describedby') ?? ''
    expect(described.split(' ').map((id) => document.getElementById(id)?.textContent).join(' ')).toContain('folder is not writable')
  })

  it('shows the app info', async () => {
    await renderApp()
    await openSettings()
    const about = screen.getByRole('region', { name: 'About' })
    expect(within(about).getByText('1.2.3')).toBeTruthy()
    expect(within(about).getByText('Web (browser)')).toBeTruthy()
    expect(within(about).getByText('/home/ada/.comfy-courier')).toBeTruthy()
    expect(within(about).getByText('/home/ada/Pictures/Comfy Courier')).toBeTruthy()
  })
})
