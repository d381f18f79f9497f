import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { version as builtVersion } from '../../../../package.json'
import { createCore } from '../create-core'

describe('app.info', () => {
  const started = process.cwd()
  const dirs: string[] = []
  afterEach(async () => {
    process.chdir(started)
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })

  it('reports the version of this build even when the app was started from another folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'courier-info-'))
    const elsewhere = await mkdtemp(join(tmpdir(), 'courier-cwd-'))
    dirs.push(dataDir, elsewhere)
    process.chdir(elsewhere) // a folder without package.json, as when the app is launched from a desktop
    const core = createCore({ dataDir, mode: 'web', flags: { tunnel: 'off', 'library-dir': join(dataDir, 'library'), 'listener-port': '0' }, env: {}, logSink: () => {} })
    await core.start()
    try {
      const info = await core.call('app.info', {})
      expect(builtVersion).toMatch(/^\d+\.\d+\.\d+/)
      expect(info).toMatchObject({ ok: true, value: { version: builtVersion, versions: { app: builtVersion } } })
    } finally {
      await core.stop()
    }
  })
})
