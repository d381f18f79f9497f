import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

/** A new user's courier: settings say the welcome has not been seen. */
function newUser(): FakeCourier {
  const fake = new FakeCourier()
  fake.settings = { ...fake.settings, onboarded: false }
  return fake
}

const welcome = () => screen.getByRole('main', { name: 'Welcome to Comfy Courier' })
const describedText = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ')

describe('First-run welcome', () => {
  it('is shown instead of the app, with the focus on its heading', async () => {
    await renderApp(newUser())
    expect(welcome()).toBeTruthy()
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Welcome to Comfy Courier', level: 1 }))
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull()
    expect(screen.getByText(/runs your ComfyUI workflows on ComfyDeploy or RunComfy/)).toBeTruthy()
    expect((screen.getByRole('radio', { name: /Try the Demo/ }) as HTMLInputElement).checked).toBe(true)
  })

  it('is not shown to someone who has finished it', async () => {
    await renderApp()
    expect(screen.queryByRole('main', { name: 'Welcome to Comfy Courier' })).toBeNull()
    expect(screen.getByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
  })

  it('the Demo path: Continue, the library folder, Finish, and Generate on the Demo', async () => {
    const { fake } = await renderApp(newUser())
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    const folder = (await screen.findByLabelText('Library folder')) as HTMLInputElement
    expect(folder.value).toBe('/home/ada/Pictures/Comfy Courier')
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Where should your outputs be saved?' }))
    expect(within(welcome()).getByRole('region', { name: 'How runs report back' }).textContent).toContain(
      'nothing else on your computer can be reached through it',
    )

    fireEvent.change(folder, { target: { value: '/data/outputs' } })
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ libraryDir: '/data/outputs' }, { onboarded: true }])
    expect((screen.getByRole('radio', { name: 'Demo' }) as HTMLInputElement).checked).toBe(true)
  })

  it('a library folder main refuses is explained beside the box, and the welcome stays', async () => {
    const fake = newUser()
    await renderApp(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    const folder = (await screen.findByLabelText('Library folder')) as HTMLInputElement
    fake.failNext('settings.update', { code: 'BAD_INPUT', message: 'the library folder must be an absolute path', field: 'libraryDir' })
    fireEvent.change(folder, { target: { value: 'outputs' } })
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    await waitFor(() => expect(describedText(folder)).toContain('must be an absolute path'))
    expect(folder.getAttribute('aria-invalid')).toBe('true')
    expect(welcome()).toBeTruthy()
    expect(fake.settings.onboarded).toBe(false)

    fireEvent.change(folder, { target: { value: '' } })
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    await waitFor(() => expect(describedText(folder)).toContain('Choose a folder'))
  })

  it('a refused key is explained beside the field and keeps the user on the step; a good one goes on', async () => {
    const fake = newUser()
    fake.connectionProblem.comfydeploy = { code: 'PROVIDER_AUTH', message: 'HTTP 401' }
    await renderApp(fake)
    fireEvent.click(screen.getByRole('radio', { name: /Connect ComfyDeploy/ }))
    const key = screen.getByLabelText('ComfyDeploy API key') as HTMLInputElement
    expect(key.type).toBe('password')

    // Nothing typed: said so, nothing sent.
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    await waitFor(() => expect(describedText(key)).toContain('Paste your ComfyDeploy key first'))
    expect(fake.callsTo('settings.update')).toEqual([])

    fireEvent.change(key, { target: { value: 'cd-typo' } })
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    await waitFor(() => expect(describedText(key)).toContain('HTTP 401'))
    expect(describedText(key)).toContain('Check that you copied the whole key')
    expect(key.getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByRole('heading', { name: 'How would you like to start?' })).toBeTruthy()
    // Tested as typed and not saved: a key that failed its test is never kept by the welcome (issue 15).
    expect(fake.callsTo('providers.test')).toEqual([{ provider: 'comfydeploy', apiKey: 'cd-typo' }])
    expect(fake.callsTo('settings.update')).toEqual([])
    expect(document.body.innerHTML).not.toContain('cd-typo')

    delete fake.connectionProblem.comfydeploy
    fireEvent.change(key, { target: { value: 'cd-good' } })
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    expect(await screen.findByLabelText('Library folder')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
    await waitFor(() => expect((screen.getByRole('radio', { name: 'ComfyDeploy' }) as HTMLInputElement).checked).toBe(true))
    expect(fake.apiKey).toBe('cd-good')
    // Saved once it passed, with the welcome not counted as done until Finish; main counts it verified.
    expect(fake.callsTo('settings.update')[0]).toEqual({ comfydeployApiKey: 'cd-good', onboarded: false })
    expect(fake.settings.comfydeploy.keyState).toBe('verified')
  })

  it('a key that failed its test is not kept when the user goes on with the Demo', async () => {
    const fake = newUser()
    fake.connectionProblem.comfydeploy = { code: 'PROVIDER_AUTH', message: 'HTTP 401' }
    await renderApp(fake)
    fireEvent.click(screen.getByRole('radio', { name: /Connect ComfyDeploy/ }))
    fireEvent.change(screen.getByLabelText('ComfyDeploy API key'), { target: { value: 'cd-typo' } })
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    await waitFor(() => expect(welcome().querySelector('[data-check="failed"]')).not.toBeNull())
    fireEvent.click(screen.getByRole('radio', { name: /Try the Demo/ }))
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Finish' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
    expect(fake.apiKey).toBeNull()
    expect(fake.callsTo('settings.update')).toEqual([{ onboarded: true }])
  })

  it('a refused key shows the code\'s advice before core\'s bare message, then what to do', async () => {
    const fake = newUser()
    fake.connectionProblem.runcomfy = { code: 'PROVIDER_UNAVAILABLE', message: 'HTTP 503 from /models' }
    await renderApp(fake)
    fireEvent.click(screen.getByRole('radio', { name: /Connect RunComfy/ }))
    fireEvent.change(screen.getByLabelText('RunComfy API token'), { target: { value: 'rc-key' } })
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }))
    const failed = await waitFor(() => {
      const el = welcome().querySelector<HTMLElement>('[data-check="failed"]')
      if (el === null) throw new Error('no result yet')
      return el
    })
    expect(failed.dataset.errorCode).toBe('PROVIDER_UNAVAILABLE')
    expect(failed.textContent).toContain('The service is having trouble; try again shortly. HTTP 503 from /models')
    expect(failed.textContent).toContain('RunComfy is not answering well right now')
  })

  it('"Back" returns to the choice with the focus on its heading', async () => {
    await renderApp(newUser())
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Back' }))
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'How would you like to start?' }))
  })

  it('"Skip for now" saves onboarded and opens Generate', async () => {
    const { fake } = await renderApp(newUser())
    fireEvent.click(screen.getByRole('button', { name: 'Skip for now' }))
    expect(await screen.findByRole('heading', { name: 'Generate', level: 1 })).toBeTruthy()
    expect(fake.callsTo('settings.update')).toEqual([{ onboarded: true }])
  })

  it('a failure to save the end of the welcome is shown, and the welcome stays', async () => {
    const fake = newUser()
    await renderApp(fake)
    fake.failNext('settings.update', { code: 'INTERNAL', message: 'settings.json could not be written' })
    fireEvent.click(screen.getByRole('button', { name: 'Skip for now' }))
    expect((await screen.findByRole('alert')).textContent).toContain('settings.json could not be written')
    expect(welcome()).toBeTruthy()
  })
})
