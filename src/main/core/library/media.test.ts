import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeHostileLibrary, type HostileLibrary } from '../../../../test/support/hostile-library'
import { isLibraryPath, outputIdFromStep, serveFile } from './media'

describe('media confinement', () => {
  let hostile: HostileLibrary
  beforeAll(async () => {
    hostile = await makeHostileLibrary()
  })
  afterAll(() => hostile.remove())

  it('takes only library paths as we write them', () => {
    expect(isLibraryPath('2026-11-25/sketch/a-1.png')).toBe(true)
    for (const bad of ['', '/etc/passwd', 'C:/x.png', 'c:x', '../secret.txt', 'a/../../b', 'a//b', './a', 'a/.', 'a\\b', 'a\u0000b', 'a/\u001fb']) {
      expect(isLibraryPath(bad), JSON.stringify(bad)).toBe(false)
    }
  })

  it('reads an output id from one URL path step, never a path', () => {
    expect(outputIdFromStep('o_abc123')).toBe('o_abc123')
    expect(outputIdFromStep('a%20b')).toBe('a b')
    for (const bad of ['', '..', '%2E%2E', '.', 'a%2Fb', '%2Fetc%2Fpasswd', 'a%5Cb', 'a%00b', '%E0%A4%A', 'x'.repeat(65)]) {
      expect(outputIdFromStep(bad), bad).toBeNull()
    }
  })

  it('serves files inside the library, refuses links out and bad paths', async () => {
    const { library: root, paths, secret } = hostile
    const served = await serveFile({ root, path: paths.inside, mime: 'image/png' }, null)
    expect(served.status).toBe(200)
    expect(await served.text()).toBe('picture')
    expect((await serveFile({ root, path: paths.linkInside, mime: 'image/png' }, null)).status).toBe(200)
    expect((await serveFile({ root, path: paths.linkOut, mime: 'image/png' }, null)).status).toBe(403)
    expect((await serveFile({ root, path: paths.throughDirLink, mime: 'image/png' }, null)).status).toBe(403)
    expect((await serveFile({ root, path: '../courier.db', mime: 'text/plain' }, null)).status).toBe(403)
    expect((await serveFile({ root, path: secret, mime: 'text/plain' }, null)).status).toBe(403)
    expect((await serveFile({ root, path: '2026-01-02/sketch/missing.png', mime: 'image/png' }, null)).status).toBe(404)
    expect((await serveFile({ root, path: '2026-01-02/sketch', mime: 'image/png' }, null)).status).toBe(404)
  })
})
