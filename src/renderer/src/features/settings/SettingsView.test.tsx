import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { ErrorCode } from '@shared/errors'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const openSettings = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Settings' }))
  await screen.findByRole('heading', { name: 'Settings', level: 1 })
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement
/** The element under root matching selector, or a throw (so waitFor keeps waiting). */
function found(root: HTMLElement, selector: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector)
  if (el === null) throw new Error(`nothing matches ${selector}`)
  return el
}
const service = (name: 'ComfyDeploy' | 'RunComfy') => screen.getByRole('region', { name })
/** Settings open with a key saved for the service, whose connection test main refuses with `problem`: the failed result. */
async function refusedTest(name: 'ComfyDeploy' | 'RunComfy', problem: { code: ErrorCode; message: string }) {
  const id = name === 'ComfyDeploy' ? 'comfydeploy' : 'runcomfy'
  const fake = new FakeCourier().configure(id)
  fake.connectionProblem[id] = problem
  await renderApp(fake)
  await openSettings()
  fireEvent.click(within(service(name)).getByRole('button', { name: 'Test connection' }))
  return { fake, failed: await waitFor(() => found(service(name), '[data-check="failed"]')) }
}

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
    expect(within(service('ComfyDeploy')).getByText('No key')).toBeTruthy()
    fireEvent.change(field('ComfyDeploy API key'), { target: { value: 'sk-new-456' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))

    expect(await screen.findByText('Settings saved.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ comfydeployApiKey: 'sk-new-456' }])
    expect(field('ComfyDeploy API key').value).toBe('')
    expect(within(service('ComfyDeploy')).getByText('Key saved')).toBeTruthy()
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
    expect(within(service('ComfyDeploy')).getByText('No key')).toBeTruthy()
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

describe('Settings: RunComfy, connection tests and key storage', () => {
  it('saves a RunComfy token without ever showing it, and enables RunComfy in Generate', async () => {
    const { fake } = await renderApp()
    await openSettings()
    const rc = service('RunComfy')
    expect(within(rc).getByText('No key')).toBeTruthy()
    const token = field('RunComfy API token')
    expect(token.type).toBe('password')
    fireEvent.change(token, { target: { value: 'rc-token-789' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))

    expect(await screen.findByText('Settings saved.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ runcomfyApiKey: 'rc-token-789' }])
    expect(fake.runcomfyKey).toBe('rc-token-789')
    expect(field('RunComfy API token').value).toBe('')
    expect(within(service('RunComfy')).getByText('Key saved')).toBeTruthy()
    expect(within(service('ComfyDeploy')).getByText('No key')).toBeTruthy()
    expect(document.body.innerHTML).not.toContain('rc-token-789')

    await waitFor(() => expect(fake.callsTo('providers.list')).toHaveLength(2))
    fireEvent.click(screen.getByRole('link', { name: 'Generate' }))
    await waitFor(() => expect((screen.getByRole('radio', { name: 'RunComfy' }) as HTMLInputElement).disabled).toBe(false))
  })

  it('shows RunComfy as "Add API key in Settings" in the provider picker until it has a key', async () => {
    await renderApp()
    const rc = (await screen.findByRole('radio', { name: 'RunComfy' })) as HTMLInputElement
    expect(rc.disabled).toBe(true)
    const card = rc.closest('[data-provider-id]') as HTMLElement
    expect(card.dataset.providerId).toBe('runcomfy')
    fireEvent.click(within(card).getByRole('button', { name: 'Add API key in Settings' }))
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy()
  })

  it('"Remove key" and the base URL work for RunComfy on their own', async () => {
    const { fake } = await renderApp(new FakeCourier().configure('runcomfy'))
    await openSettings()
    fireEvent.change(field('RunComfy base URL'), { target: { value: 'ftp://nope' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByText('Enter a URL such as https://api.runcomfy.net.')).toBeTruthy()
    fireEvent.change(field('RunComfy base URL'), { target: { value: 'https://eu.runcomfy.example' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Settings saved.')).toBeTruthy()

    fireEvent.click(within(service('RunComfy')).getByRole('button', { name: 'Remove key' }))
    expect(await screen.findByText('Key removed.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ runcomfyBaseUrl: 'https://eu.runcomfy.example' }, { runcomfyApiKey: '' }])
    expect(within(service('RunComfy')).getByText('No key')).toBeTruthy()
  })

  it('"Test connection" is off without a key, and shows success inline once one is saved', async () => {
    const { fake } = await renderApp()
    await openSettings()
    const test = () => within(service('ComfyDeploy')).getByRole('button', { name: /Test connection|Testing/ }) as HTMLButtonElement
    expect(test().disabled).toBe(true)

    fireEvent.change(field('ComfyDeploy API key'), { target: { value: 'sk-live' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Settings saved.')).toBeTruthy()
    await waitFor(() => expect(test().disabled).toBe(false))

    fake.hold('providers.test')
    fireEvent.click(test())
    await waitFor(() => expect(test().textContent).toContain('Testing…'))
    expect(test().disabled).toBe(true)
    act(() => fake.release('providers.test'))

    const result = await within(service('ComfyDeploy')).findByText('Connected to ComfyDeploy: 0 deployments.')
    expect(result.closest('[data-check]')?.getAttribute('data-check')).toBe('ok')
    expect(result.closest('[data-check]')?.textContent).toContain('✓')
    expect(test().disabled).toBe(false)
    expect(fake.callsTo('providers.test')).toEqual([{ provider: 'comfydeploy' }])
  })

  it('"Test connection" shows a failure with its message, styled by its code', async () => {
    const { fake, failed } = await refusedTest('RunComfy', { code: 'PROVIDER_AUTH', message: 'HTTP 401' })
    expect(failed.textContent).toContain('✗')
    expect(failed.textContent).toContain('HTTP 401')
    expect(failed.dataset.errorCode).toBe('PROVIDER_AUTH')
    expect(failed.className).toContain('conn-result--error')

    // A call that fails in transport is shown the same way, with the code's advice.
    delete fake.connectionProblem.runcomfy
    fake.failNext('providers.test', { code: 'PROVIDER_TIMEOUT', message: 'no answer in 30 s' })
    fireEvent.click(within(service('RunComfy')).getByRole('button', { name: 'Test connection' }))
    await waitFor(() => expect(service('RunComfy').querySelector('[data-check="failed"]')?.textContent).toContain('no answer in 30 s'))
    const slow = service('RunComfy').querySelector<HTMLElement>('[data-check="failed"]') as HTMLElement
    expect(slow.textContent).toContain('The service did not answer in time.')
    expect(slow.className).toContain('conn-result--warn')

    fireEvent.click(within(service('RunComfy')).getByRole('button', { name: 'Test connection' }))
    expect(await within(service('RunComfy')).findByText('Connected to RunComfy: 1 deployment.')).toBeTruthy()
  })

  it('"Test connection" puts the code\'s advice before core\'s bare message', async () => {
    const { failed } = await refusedTest('ComfyDeploy', { code: 'PROVIDER_AUTH', message: 'HTTP 401 from /deployments' })
    expect(failed.textContent).toBe('✗ The service refused the API key: check it in Settings. HTTP 401 from /deployments')
  })

  it('says where keys are kept: settings.json in web mode, the keychain in the desktop app', async () => {
    const web = await renderApp()
    await openSettings()
    const notice = document.querySelector<HTMLElement>('[data-key-storage]') as HTMLElement
    expect(notice.dataset.keyStorage).toBe('file')
    expect(notice.textContent).toContain(
      'In web mode keys are stored in settings.json in your data folder, readable by your user only. Anyone with access to your account can read them.',
    )
    expect(screen.queryByText(/system keychain/)).toBeNull()
    web.unmount()
    web.app.dispose()

    const desktop = new FakeCourier()
    desktop.info = { ...desktop.info, mode: 'electron' }
    desktop.settings = { ...desktop.settings, keyStorage: 'safeStorage' }
    await renderApp(desktop)
    await openSettings()
    expect(screen.getByText('Stored encrypted with your system keychain.')).toBeTruthy()
    expect(screen.queryByText(/In web mode keys are stored/)).toBeNull()
  })
})

describe('Settings: ngrok tunnel mode', () => {
  it('offers ngrok, asks for the authtoken, and saves it write-only with the domain', async () => {
    const { fake } = await renderApp()
    await openSettings()
    expect(screen.queryByLabelText('ngrok authtoken')).toBeNull()
    fireEvent.change(screen.getByLabelText('Tunnel mode'), { target: { value: 'ngrok' } })
    const token = field('ngrok authtoken')
    expect(token.type).toBe('password')
    expect(screen.getByText('No token')).toBeTruthy()

    // No token saved and none typed: said at once, nothing sent.
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByText('ngrok needs your authtoken: copy it from dashboard.ngrok.com → Your Authtoken.')).toBeTruthy()
    fireEvent.change(field('ngrok domain (optional)'), { target: { value: 'not a domain' } })
    fireEvent.change(token, { target: { value: '2ngrok-token-abc' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByText('Enter a domain such as your-name.ngrok-free.app, or leave it empty.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toHaveLength(0)

    // A pasted URL is taken as its host name.
    fireEvent.change(field('ngrok domain (optional)'), { target: { value: 'https://Mine.ngrok-free.app/' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Settings saved.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ tunnelMode: 'ngrok', ngrokDomain: 'mine.ngrok-free.app', ngrokAuthtoken: '2ngrok-token-abc' }])
    expect(fake.ngrokAuthtoken).toBe('2ngrok-token-abc')
    expect(field('ngrok authtoken').value).toBe('')
    expect(field('ngrok domain (optional)').value).toBe('mine.ngrok-free.app')
    expect(screen.getByText('Token saved')).toBeTruthy()
    expect(document.body.innerHTML).not.toContain('2ngrok-token-abc')
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows a saved token only as saved, and "Remove token" sends an empty one', async () => {
    const fake = new FakeCourier()
    fake.ngrokAuthtoken = '2saved-ngrok-token'
    fake.settings = { ...fake.settings, tunnelMode: 'ngrok', ngrok: { authtokenSet: true, domain: 'kept.ngrok.app' } }
    await renderApp(fake)
    await openSettings()
    expect(field('ngrok authtoken').value).toBe('')
    expect(field('ngrok domain (optional)').value).toBe('kept.ngrok.app')
    expect(screen.getByText('Token saved')).toBeTruthy()
    expect(document.body.innerHTML).not.toContain('2saved-ngrok-token')

    fireEvent.click(screen.getByRole('button', { name: 'Remove token' }))
    expect(await screen.findByText('ngrok authtoken removed.')).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ ngrokAuthtoken: '' }])
    expect(screen.getByText('No token')).toBeTruthy()
  })
})
