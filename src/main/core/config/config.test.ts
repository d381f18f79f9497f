import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { SecretBox } from '../core-types'
import { resolveConfig } from './config'
import { StoredSettings, writeSettingsFile } from './settings-file'
import { SettingsService } from './settings-service'

const TOKEN = '2Xq7TestAuthtokenAbcdefghij_5LmNoPqRsTuVwXyZ01234'
const noKeys = { comfydeploy: null, runcomfy: null }

const resolve = (opts: { flags?: Record<string, string>; env?: NodeJS.ProcessEnv; settings?: unknown; ngrokAuthtoken?: string | null }) =>
  resolveConfig({
    flags: opts.flags ?? {},
    env: opts.env ?? {},
    settings: StoredSettings.parse(opts.settings ?? {}),
    apiKeys: noKeys,
    ngrokAuthtoken: opts.ngrokAuthtoken ?? null,
  })

describe('resolveConfig: ngrok', () => {
  it('takes the mode from --tunnel, then COURIER_TUNNEL, then settings.json', () => {
    expect(resolve({ settings: { tunnelMode: 'ngrok' } }).tunnelMode).toBe('ngrok')
    expect(resolve({ env: { COURIER_TUNNEL: 'ngrok' }, settings: { tunnelMode: 'off' } }).tunnelMode).toBe('ngrok')
    expect(resolve({ flags: { tunnel: 'ngrok' }, env: { COURIER_TUNNEL: 'url' } }).tunnelMode).toBe('ngrok')
  })

  it('takes the domain from --ngrok-domain, then COURIER_NGROK_DOMAIN, then settings.json', () => {
    const settings = { ngrok: { domain: 'stored.ngrok.app' } }
    expect(resolve({}).ngrok.domain).toBeNull()
    expect(resolve({ settings }).ngrok.domain).toBe('stored.ngrok.app')
    expect(resolve({ env: { COURIER_NGROK_DOMAIN: 'env.ngrok.app' }, settings }).ngrok.domain).toBe('env.ngrok.app')
    expect(resolve({ flags: { 'ngrok-domain': 'flag.ngrok.app' }, env: { COURIER_NGROK_DOMAIN: 'env.ngrok.app' }, settings }).ngrok.domain).toBe('flag.ngrok.app')
    // An empty value falls through, as for every other setting.
    expect(resolve({ flags: { 'ngrok-domain': '' }, env: { COURIER_NGROK_DOMAIN: '' }, settings }).ngrok.domain).toBe('stored.ngrok.app')
  })

  it('refuses a domain that is not a host name, naming the setting', () => {
    expect(() => resolve({ env: { COURIER_NGROK_DOMAIN: 'https://x.ngrok.app/' } })).toThrow('invalid ngrok domain: "https://x.ngrok.app/"')
    expect(() => resolve({ flags: { 'ngrok-domain': 'no spaces.app' } })).toThrow(/invalid ngrok domain/)
    expect(() => StoredSettings.parse({ ngrok: { domain: 'not a domain' } })).toThrow()
  })

  it('takes the authtoken from NGROK_AUTHTOKEN, then settings.json; never from a flag', () => {
    expect(resolve({}).ngrok).toEqual({ authtoken: null, authtokenFromEnv: false, domain: null })
    expect(resolve({ ngrokAuthtoken: 'stored' }).ngrok).toMatchObject({ authtoken: 'stored', authtokenFromEnv: false })
    expect(resolve({ env: { NGROK_AUTHTOKEN: ` ${TOKEN} ` }, ngrokAuthtoken: 'stored' }).ngrok).toMatchObject({ authtoken: TOKEN, authtokenFromEnv: true })
    expect(resolve({ env: { NGROK_AUTHTOKEN: '' }, ngrokAuthtoken: 'stored' }).ngrok.authtoken).toBe('stored')
    expect(resolve({ flags: { authtoken: 'from-flag', 'ngrok-authtoken': 'from-flag' } }).ngrok.authtoken).toBeNull()
  })
})

/** Seals reversibly but visibly, so the test can tell a sealed value from a clear one. */
const box: SecretBox = {
  kind: 'safeStorage',
  seal: (plain) => `sealed:${Buffer.from(plain).toString('base64')}`,
  open: (sealed) => {
    if (!sealed.startsWith('sealed:')) throw new Error('not sealed here')
    return Buffer.from(sealed.slice(7), 'base64').toString()
  },
}

describe('SettingsService: the ngrok authtoken is a secret', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  const service = (env: NodeJS.ProcessEnv = {}, flags: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-config-'))
    dirs.push(dir)
    return { dir, settings: new SettingsService(dir, flags, env, box) }
  }

  it('seals it in settings.json, shows the renderer only that one is set, and removes it on an empty string', () => {
    const { dir, settings } = service()
    expect(settings.view().ngrok).toEqual({ authtokenSet: false, domain: null })

    settings.update({ tunnelMode: 'ngrok', ngrokAuthtoken: ` ${TOKEN} `, ngrokDomain: 'mine.ngrok.app' })
    const file = readFileSync(join(dir, 'settings.json'), 'utf8')
    expect(file).not.toContain(TOKEN)
    expect(JSON.parse(file).ngrok).toEqual({ sealedAuthtoken: box.seal(TOKEN), domain: 'mine.ngrok.app' })
    expect(settings.config().ngrok).toEqual({ authtoken: TOKEN, authtokenFromEnv: false, domain: 'mine.ngrok.app' })
    expect(settings.view().ngrok).toEqual({ authtokenSet: true, domain: 'mine.ngrok.app' })
    expect(JSON.stringify(settings.view())).not.toContain(TOKEN)

    // A patch without the token leaves it alone; a new instance reads it back.
    settings.update({ ngrokDomain: null })
    expect(new SettingsService(dir, {}, {}, box).config().ngrok).toEqual({ authtoken: TOKEN, authtokenFromEnv: false, domain: null })

    settings.update({ ngrokAuthtoken: '' })
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).ngrok).toEqual({ domain: null })
    expect(settings.view().ngrok.authtokenSet).toBe(false)
  })

  it('a token sealed elsewhere counts as absent; NGROK_AUTHTOKEN and --ngrok-domain win over the file', () => {
    const { settings } = service({ NGROK_AUTHTOKEN: 'env-token' }, { 'ngrok-domain': 'flag.ngrok.app' })
    settings.update({ ngrokAuthtoken: 'stored-token', ngrokDomain: 'stored.ngrok.app' })
    expect(settings.config().ngrok).toEqual({ authtoken: 'env-token', authtokenFromEnv: true, domain: 'flag.ngrok.app' })
    expect(settings.view().ngrok).toEqual({ authtokenSet: true, domain: 'flag.ngrok.app' })

    const dir = mkdtempSync(join(tmpdir(), 'courier-config-'))
    dirs.push(dir)
    writeSettingsFile(join(dir, 'settings.json'), StoredSettings.parse({ tunnelMode: 'ngrok', ngrok: { sealedAuthtoken: 'from-another-machine' } }))
    const reread = new SettingsService(dir, {}, {}, box)
    expect(reread.config().ngrok.authtoken).toBeNull()
    expect(reread.view().ngrok.authtokenSet).toBe(false)
  })
})
