import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fixedSettings } from './config'
import { fileSecretBox, SettingsService } from './settings-service'

describe('fixedSettings: what a flag or the environment fixes', () => {
  it('names the flag first, then the environment variable; empty values fix nothing', () => {
    expect(fixedSettings({ 'library-dir': '/flag/lib' }, { COURIER_LIBRARY_DIR: '/env/lib' })).toEqual({ libraryDir: { by: 'flag', name: '--library-dir' } })
    expect(fixedSettings({}, { COURIER_LIBRARY_DIR: '/env/lib', COMFYDEPLOY_API_KEY: 'k', RUNCOMFY_API_URL: '' })).toEqual({
      libraryDir: { by: 'env', name: 'COURIER_LIBRARY_DIR' },
      comfydeployApiKey: { by: 'env', name: 'COMFYDEPLOY_API_KEY' },
    })
    expect(fixedSettings({ tunnel: 'off' }, { NGROK_AUTHTOKEN: ' ' })).toEqual({ tunnelMode: { by: 'flag', name: '--tunnel' } })
  })
})

describe('SettingsService: key state', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  const service = (env: NodeJS.ProcessEnv = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-keys-'))
    dirs.push(dir)
    return new SettingsService(dir, {}, env, fileSecretBox)
  }

  it('a key saved untested is unverified; one that passed first is verified; a refusal unverifies it', () => {
    const settings = service()
    expect(settings.view().comfydeploy.keyState).toBe('none')
    settings.update({ comfydeployApiKey: 'untested' })
    expect(settings.view().comfydeploy.keyState).toBe('unverified')
    expect(settings.config().comfydeploy.keyVerified).toBe(false)

    settings.rememberPassed('comfydeploy', ' passed ')
    settings.update({ comfydeployApiKey: 'passed' })
    expect(settings.view().comfydeploy.keyState).toBe('verified')
    // Passing for one service vouches for nothing on the other.
    settings.update({ runcomfyApiKey: 'passed' })
    expect(settings.view().runcomfy.keyState).toBe('unverified')

    expect(settings.markKey('comfydeploy', false)).toBe(true)
    expect(settings.view().comfydeploy.keyState).toBe('unverified')
    expect(settings.markKey('comfydeploy', false)).toBe(false)
    settings.update({ comfydeployApiKey: '' })
    expect(settings.view().comfydeploy.keyState).toBe('none')
    expect(settings.markKey('comfydeploy', true)).toBe(false)
  })

  it('a key from the environment counts as verified and is not the app\'s to mark', () => {
    const settings = service({ RUNCOMFY_API_KEY: 'from-env' })
    expect(settings.view().runcomfy.keyState).toBe('verified')
    expect(settings.markKey('runcomfy', false)).toBe(false)
    expect(settings.view().fixed).toEqual({ runcomfyApiKey: { by: 'env', name: 'RUNCOMFY_API_KEY' } })
  })
})
