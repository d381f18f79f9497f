import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  builderPlatformFlag,
  classifyBuilderFailure,
  electronZipName,
  findLocalElectron,
  networkReachable,
  offlineMessage,
  type LocalFs,
} from '../scripts/dist-plan.mjs'

/** `npm run dist`'s decisions (scripts/dist-plan.mjs), over a pretend file system: no network, no zip. */
function fakeFs(files: Record<string, string>): LocalFs {
  const paths = Object.keys(files)
  return {
    exists: (path) => paths.some((file) => file === path || file.startsWith(`${path}/`)),
    readdir: (dir) => [...new Set(paths.filter((file) => file.startsWith(`${dir}/`)).map((file) => file.slice(dir.length + 1).split('/')[0]!))],
    readFile: (path) => {
      const text = files[path]
      if (text === undefined) throw new Error(`ENOENT ${path}`)
      return text
    },
  }
}

const base = { version: '41.7.1', platform: 'linux', arch: 'x64', home: '/home/ana', projectRoot: '/src/courier' }
const ZIP = 'electron-v41.7.1-linux-x64.zip'

describe('findLocalElectron', () => {
  it('finds nothing on a fresh offline machine', () => {
    expect(findLocalElectron({ ...base, env: {}, fs: fakeFs({}) })).toBeNull()
  })

  it('uses ELECTRON_CACHE when it holds the zip for this platform', () => {
    const found = findLocalElectron({ ...base, env: { ELECTRON_CACHE: '/mnt/zips' }, fs: fakeFs({ [`/mnt/zips/${ZIP}`]: 'zip' }) })
    expect(found?.electronDist).toBe('/mnt/zips')
  })

  it("ignores ELECTRON_CACHE holding another platform's or version's zip", () => {
    const fs = fakeFs({ '/mnt/zips/electron-v41.7.1-darwin-arm64.zip': 'zip', '/mnt/zips/electron-v41.7.2-linux-x64.zip': 'zip' })
    expect(findLocalElectron({ ...base, env: { ELECTRON_CACHE: '/mnt/zips' }, fs })).toBeNull()
  })

  it("finds a zip an earlier online run left in @electron/get's hashed cache folders", () => {
    const dir = join('/home/ana/.cache/electron', 'f0e1d2c3')
    const found = findLocalElectron({ ...base, env: {}, fs: fakeFs({ [join(dir, ZIP)]: 'zip', '/home/ana/.cache/electron/other/x.zip': '' }) })
    expect(found?.electronDist).toBe(dir)
  })

  it('uses an installed node_modules/electron/dist only when its version matches', () => {
    const dist = '/src/courier/node_modules/electron/dist'
    expect(findLocalElectron({ ...base, env: {}, fs: fakeFs({ [`${dist}/version`]: '41.7.1\n' }) })?.electronDist).toBe(dist)
    expect(findLocalElectron({ ...base, env: {}, fs: fakeFs({ [`${dist}/version`]: '40.0.0' }) })).toBeNull()
  })
})

describe('classifyBuilderFailure', () => {
  it.each([
    'RequestError: getaddrinfo ENOTFOUND github.com',
    '  ⨯ Get "https://github.com/electron/electron/releases/download/v41.7.1/electron-v41.7.1-linux-x64.zip": dial tcp: lookup github.com: EAI_AGAIN',
    'Error: connect ECONNREFUSED 140.82.121.3:443',
    'Error: connect ETIMEDOUT 140.82.121.3:443',
    'Error: connect ENETUNREACH 2606:50c0::1:443',
    'Error: socket hang up',
  ])('calls %j a network failure', (output) => {
    expect(classifyBuilderFailure(output)).toBe('offline')
  })

  it.each([
    'Package "electron" is only allowed in "devDependencies".',
    '⨯ Application entry file "out/main/index.js" in the "app.asar" does not exist',
    'Error: EACCES: permission denied, mkdir /src/courier/dist',
    'cannot find specified resource "resources/icon.icns"',
  ])('does not blame the network for %j', (output) => {
    expect(classifyBuilderFailure(output)).toBe('failed')
  })
})

describe('offlineMessage', () => {
  it('is one paragraph saying what was built, why packaging stopped, and what to do', () => {
    const text = offlineMessage({ version: '41.7.1', platform: 'linux', arch: 'x64' })
    expect(text).not.toContain('\n')
    expect(text).toContain('out/')
    expect(text).toContain("Electron's zip for linux-x64")
    expect(text).toContain('no network')
    expect(text).toContain('machine with internet access')
    expect(text).toContain(`ELECTRON_CACHE to a folder containing ${ZIP}`)
  })

  it("names electron-builder's tools when Electron itself was there", () => {
    expect(offlineMessage({ version: '41.7.1', platform: 'win32', arch: 'x64', missing: 'tools' })).toContain('packaging tools for win32')
  })
})

describe('networkReachable and the small helpers', () => {
  it('is false when the connection fails or throws, true when it opens', async () => {
    expect(await networkReachable(async () => false)).toBe(false)
    expect(
      await networkReachable(async () => {
        throw new Error('getaddrinfo ENOTFOUND github.com')
      }),
    ).toBe(false)
    const asked: Array<[string, number, number]> = []
    expect(await networkReachable(async (host, port, timeout) => (asked.push([host, port, timeout]), true))).toBe(true)
    expect(asked).toEqual([['github.com', 443, 4000]])
  })

  it('names zips and platform switches as electron-builder does', () => {
    expect(electronZipName('41.7.1', 'darwin', 'arm64')).toBe('electron-v41.7.1-darwin-arm64.zip')
    expect([builderPlatformFlag('darwin'), builderPlatformFlag('win32'), builderPlatformFlag('linux')]).toEqual(['--mac', '--win', '--linux'])
  })
})

describe('electron-builder.yml', () => {
  const config = readFileSync(join(import.meta.dirname, '..', 'electron-builder.yml'), 'utf8')
  /** The indented `key: value` lines of a top-level section. */
  const section = (name: string): Record<string, string> => {
    const body = new RegExp(`^${name}:\\n((?:[ ]+.*\\n|\\n)+)`, 'm').exec(config)?.[1] ?? ''
    return Object.fromEntries([...body.matchAll(/^ {2}(\w+): (.+)$/gm)].map((m) => [m[1], m[2]]))
  }

  it('flips the fuses that would let a packaged app run as plain Node or load unchecked code', () => {
    expect(section('electronFuses')).toEqual({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
    })
  })

  it('builds NSIS, dmg, AppImage and deb, with the native modules unpacked from the asar', () => {
    for (const target of ['nsis', 'dmg', 'AppImage', 'deb']) expect(config).toMatch(new RegExp(`- target: ${target}\\b`))
    for (const native of ['@libsql', 'sharp', '@img', '@ngrok']) expect(config).toContain(`- node_modules/${native}/**`)
    // Node-API binaries load in Electron as they are: no rebuild (which would need Node 22 here).
    expect(config).toMatch(/^npmRebuild: false$/m)
  })
})
