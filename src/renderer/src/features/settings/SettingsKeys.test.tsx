import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openSettings = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
  await screen.findByRole('heading', { name: 'Settings', level: 1 })
}
const service = (name: 'ComfyDeploy' | 'RunComfy') => screen.getByRole('region', { name })
const testButton = (name: 'ComfyDeploy' | 'RunComfy') => within(service(name)).getByRole('button', { name: /Test connection|Testing/ }) as HTMLButtonElement

describe('Settings: a key is tested before it is trusted (issue 15)', () => {
  it('tests a typed key before it is saved, and a key saved after passing shows no "Not tested"', async () => {
    const { fake } = await renderApp()
    await openSettings()
    expect(testButton('ComfyDeploy').disabled).toBe(true)
    fireEvent.change(screen.getByLabelText('ComfyDeploy API key'), { target: { value: 'cd-typed' } })
    expect(testButton('ComfyDeploy').disabled).toBe(false)
    fireEvent.click(testButton('ComfyDeploy'))
    expect(await within(service('ComfyDeploy')).findByText('Connected to ComfyDeploy: 0 deployments.')).toBeTruthy()
    // Tested as typed; nothing saved by the test.
    expect(fake.callsTo('providers.test')).toEqual([{ provider: 'comfydeploy', apiKey: 'cd-typed' }])
    expect(fake.callsTo('settings.update')).toEqual([])

    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Settings saved.')).toBeTruthy()
    expect(within(service('ComfyDeploy')).getByText('Key saved')).toBeTruthy()
    expect(service('ComfyDeploy').querySelector('[data-key-state="unverified"]')).toBeNull()
    expect(within(service('ComfyDeploy')).getByText('A key is saved and passed its connection test. Paste a new one to replace it.')).toBeTruthy()
  })

  it('a key saved untested is marked "Not tested" in Settings, About and the provider picker, until a test passes', async () => {
    const fake = new FakeCourier().configure('runcomfy', 'rc-kept', false)
    await renderApp(fake)
    const picker = document.querySelector<HTMLElement>('[data-provider-id="runcomfy"]') as HTMLElement
    expect(picker.textContent).toContain('Its key has not passed a test yet.')
    await openSettings()
    expect(within(service('RunComfy')).getByText('Not tested')).toBeTruthy()
    expect(within(service('RunComfy')).getByText(/has not passed a connection test yet/)).toBeTruthy()
    expect(screen.getByText(/RunComfy: key saved, not tested/)).toBeTruthy()

    fireEvent.click(testButton('RunComfy'))
    await within(service('RunComfy')).findByText('Connected to RunComfy: 1 deployment.')
    await waitFor(() => expect(within(service('RunComfy')).queryByText('Not tested')).toBeNull())
    expect(fake.callsTo('providers.test')).toEqual([{ provider: 'runcomfy' }])
    await waitFor(() => expect(screen.getByText(/RunComfy: key works/)).toBeTruthy())
  })
})
