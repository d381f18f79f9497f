import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLibraryPath, outputIdFromStep, serveFile } from './media'

describe('media confinement', () => {
  let dir: string
  let root: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-media-'))
    root = join(dir, 'library')
    await mkdir(join(root, '2026-11-25', 'sketch'), { recursive: true })
    await writeFile(join(root, '2026-11-25', 'sketch', 'a-1.png'), 'png bytes')
    await writeFile(join(dir, 'secret.txt'), 'secret')
    await symlink(join(dir, 'secret.txt'), join(root, '2026-11-25', 'sketch', 'out-1.png'))
    await symlink(join(root, '2026-11-25', 'sketch', 'a-1.png'), join(root, 'inside-link.png'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

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
    const served = await serveFile({ root, path: '2026-11-25/sketch/a-1.png', mime: 'image/png' }, null)
    expect(served.status).toBe(200)
    expect(await served.text()).toBe('png bytes')
    expect((await serveFile({ root, path: 'inside-link.png', mime: 'image/png' }, null)).status).toBe(200)
    expect((await serveFile({ root, path: '2026-11-25/sketch/out-1.png', mime: 'image/png' }, null)).status).toBe(403)
    expect((await serveFile({ root, path: '../secret.txt', mime: 'text/plain' }, null)).status).toBe(403)
    expect((await serveFile({ root, path: join(dir, 'secret.txt'), mime: 'text/plain' }, null)).status).toBe(403)
    expect((await serveFile({ root, path: '2026-11-25/sketch/missing.png', mime: 'image/png' }, null)).status).toBe(404)
    expect((await serveFile({ root, path: '2026-11-25/sketch', mime: 'image/png' }, null)).status).toBe(404)
  })
})
