import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AppInfo } from '@shared/contract'
import type { SettingsView } from '@shared/settings'
import { createCore } from '../create-core'
import type { Core } from '../core-types'
import { diagnosticsText, safeUrl, scrub, type DiagnosticsSource } from './diagnostics'

const API_KEY = 'cd_live_4f9a8b7c6d5e4f3a2b1c0d9e'
const RUNCOMFY_KEY = 'rc-9c8b7a6f5e4d3c2b1a09'
const NGROK_TOKEN = '2Xq7Lw9Zp3Rt5Yv8Nb1Mc4Kd6_3hG7jK9lM2nP4qR6sT8vW'
const WEB_TOKEN = 'w3bT0kenQ9z8y7x6w5v4'

const info: AppInfo = {
  version: '0.1.0',
  mode: 'electron',
  dataDir: '/home/ana/.config/Comfy Courier',
  libraryDir: '/home/ana/Pictures/Comfy Courier',
  versions: { app: '0.1.0', node: '20.19.0', electron: '41.7.1', chrome: '146.0', v8: '14.6' },
  platform: 'linux x64',
}
const settings: SettingsView = {
  libraryDir: info.libraryDir,
  tunnelMode: 'ngrok',
  tunnelHost: null,
  publicUrl: null,
  ngrok: { authtokenSet: true, domain: 'courier.ngrok.app' },
  comfydeploy: { apiKeySet: true, baseUrl: 'https://api.comfydeploy.com/api' },
  runcomfy: { apiKeySet: false, baseUrl: 'https://api.runcomfy.net' },
  keyStorage: 'safeStorage',
  onboarded: true,
  budgets: { comfydeploy: { monthlyUsd: 50, confirmAboveUsd: 1, hardStop: true }, runcomfy: { monthlyUsd: null, confirmAboveUsd: 1, hardStop: false } },
  runcomfyPricing: { plan: 'payg', tiers: {} },
}
const source = (overrides: Partial<DiagnosticsSource> = {}): DiagnosticsSource => ({
  info,
  settings,
  tunnel: { mode: 'ngrok', state: 'up', publicUrl: 'https://courier.ngrok.app', error: null },
  listenerUrl: 'http://127.0.0.1:43210',
  runs: { byStatus: { queued: 1, running: 2, succeeded: 40, failed: 3 }, downloadsPending: 1 },
  recentLog: ['{"level":"warn","scope":"tunnel","message":"reconnecting"}'],
  secrets: [API_KEY, RUNCOMFY_KEY, NGROK_TOKEN],
  now: new Date('2026-03-01T10:00:00Z'),
  ...overrides,
})

describe('diagnosticsText', () => {
  const text = diagnosticsText(source())

  it('says which versions, mode and folders this is', () => {
    expect(text).toContain('Comfy Courier 0.1.0')
    for (const line of ['mode: electron', 'platform: linux x64', 'electron: 41.7.1', 'node: 20.19.0', 'chrome: 146.0']) expect(text).toContain(line)
    expect(text).toContain('data folder: /home/ana/.config/Comfy Courier')
    expect(text).toContain('library folder: /home/ana/Pictures/Comfy Courier')
  })

  it('shows keys as set or not set, and the delivery state', () => {
    expect(text).toContain('ComfyDeploy API key: set')
    expect(text).toContain('RunComfy API key: not set')
    expect(text).toContain('ngrok auth token: set; ngrok domain: courier.ngrok.app')
    expect(text).toContain('listener: http://127.0.0.1:43210/')
    expect(text).toContain('tunnel: up (ngrok), public URL: https://courier.ngrok.app/')
  })

  it('counts runs by state, live runs and pending downloads', () => {
    expect(text).toContain('live: 3; total: 46')
    expect(text).toContain('running: 2')
    expect(text).toContain('timed_out: 0')
    expect(text).toContain('runs with downloads pending: 1')
    expect(text).toContain('"message":"reconnecting"')
  })

  it('says what this month cost per provider, against its budget, and where prices came from', () => {
    const withSpend = diagnosticsText(
      source({
        spend: {
          month: {
            key: '2026-12',
            byProvider: [
              { provider: 'comfydeploy', runs: 12, estimatedUsd: 0.4821, actualUsd: 0.61, budget: { monthlyUsd: 50, confirmAboveUsd: 1, hardStop: true }, budgetState: 'ok' },
              { provider: 'demo', runs: 3, estimatedUsd: 0, actualUsd: 0, budget: null, budgetState: 'none' },
            ],
          },
          accounts: [{ provider: 'comfydeploy', source: 'usage', readAt: null, balanceUsd: null, message: '401 Unauthorized' }],
          prices: [{ provider: 'comfydeploy', source: 'table', asOf: '2026-11-30', usdPerSecond: {} }],
          deploymentNames: {},
        },
      }),
    )
    expect(withSpend).toContain('## Spend (2026-12)')
    expect(withSpend).toContain('comfydeploy: 12 runs, estimated $0.4821, actual $0.6100; budget $50.0000 (hard stop), ok; confirm above $1.0000')
    expect(withSpend).toContain('demo: 3 runs, estimated $0.0000, actual $0.0000; free')
    expect(withSpend).toContain('comfydeploy prices: table, as of 2026-11-30')
    expect(withSpend).toContain('comfydeploy account (usage): never read — 401 Unauthorized')
  })

  it('scrubs secrets that slipped into log lines, tunnel errors or URLs', () => {
    const leaky = diagnosticsText(
      source({
        tunnel: { mode: 'ngrok', state: 'down', publicUrl: null, error: `ngrok refused the authtoken ${NGROK_TOKEN}` },
        settings: { ...settings, publicUrl: `https://me:pw@proxy.example/in?token=${WEB_TOKEN}` },
        recentLog: [`{"message":"calling with ${API_KEY} and ${RUNCOMFY_KEY}"}`, `{"url":"http://127.0.0.1:4178/?token=${WEB_TOKEN}"}`],
      }),
    )
    for (const secret of [API_KEY, RUNCOMFY_KEY, NGROK_TOKEN, WEB_TOKEN, 'me:pw']) expect(leaky).not.toContain(secret)
    expect(leaky).toContain('https://proxy.example/in (credentials/query removed)')
    expect(leaky).toContain('[redacted]')
  })
})

describe('scrub and safeUrl', () => {
  it('removes known values, longest first, and leaves very short values alone', () => {
    expect(scrub('a abcdef123 b abcdef c', ['abcdef', 'abcdef123', 'ab', null, undefined])).toBe('a [redacted] b [redacted] c')
  })

  it('keeps a URL path and drops credentials, query and fragment', () => {
    expect(safeUrl('https://u:p@host.example/a/b?token=x#y')).toBe('https://host.example/a/b (credentials/query removed)')
    expect(safeUrl('http://127.0.0.1:4010/api')).toBe('http://127.0.0.1:4010/api')
    expect(safeUrl(null)).toBe('none')
    expect(safeUrl('nope')).toBe('(not a URL)')
  })
})

describe('app.diagnostics through core', () => {
  let core: Core | null = null
  let dataDir = ''
  afterEach(async () => {
    await core?.stop()
    core = null
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('never contains an API key, an ngrok authtoken or a ?token= URL that was set or logged before', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'courier-diag-'))
    core = createCore({
      dataDir,
      mode: 'web',
      flags: { tunnel: 'off', 'library-dir': join(dataDir, 'library'), 'listener-port': '0' },
      env: {},
      logSink: () => {},
    })
    await core.start()
    const updated = await core.call('settings.update', {
      comfydeployApiKey: API_KEY,
      comfydeployBaseUrl: 'http://127.0.0.1:9/api',
      runcomfyApiKey: RUNCOMFY_KEY,
      runcomfyBaseUrl: 'http://127.0.0.1:9',
      ngrokAuthtoken: NGROK_TOKEN,
    })
    expect(updated.ok).toBe(true)
    // Logged the careless ways: a raw field, ngrok's own error wording, the web host's sign-in URL.
    const log = core.log.child('test')
    log.warn('calling the service', { key: API_KEY, other: RUNCOMFY_KEY })
    log.error(`ngrok: Your authtoken: ${NGROK_TOKEN} is invalid`)
    log.warn(`open http://127.0.0.1:4178/?token=${WEB_TOKEN} to sign in`)

    const answer = await core.call('app.diagnostics', {})
    expect(answer.ok).toBe(true)
    const text = answer.ok ? answer.value.text : ''
    for (const secret of [API_KEY, RUNCOMFY_KEY, NGROK_TOKEN, WEB_TOKEN]) expect(text).not.toContain(secret)
    // It is still useful: the keys are reported as set, and the log lines are there, redacted.
    expect(text).toContain('ComfyDeploy API key: set')
    expect(text).toContain('ngrok auth token: set')
    expect(text).toContain('mode: web')
    expect(text).toContain(`data folder: ${dataDir}`)
    expect(text).toMatch(/listener: http:\/\/127\.0\.0\.1:\d+\//)
    expect(text).toContain('calling the service')
    expect(text).toContain('to sign in')
    expect(text).toContain('live: 0; total: 0')
  })
})
