import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeHostileLibrary, type HostileLibrary } from '../../../../test/support/hostile-library'
import { fileResponse, isLibraryPath, outputIdFromStep, serveFile, SMALL_BODY_BYTES } from './media'

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

describe('file responses', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-media-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  // Both ways a body is sent: read whole (a thumbnail) and streamed (a video).
  it.each([
    ['small, read whole', 40_000],
    ['large, streamed', SMALL_BODY_BYTES + 40_000],
  ])('answers %s: the whole file, a byte range, and 416 for a range past the end', async (_how, size) => {
    const bytes = randomBytes(size)
    const file = join(dir, `f-${size}.bin`)
    await writeFile(file, bytes)

    const whole = await fileResponse(file, size, 'image/png', null)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-length')).toBe(String(size))
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true)

    const part = await fileResponse(file, size, 'image/png', 'bytes=1000-30999')
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1000-30999/${size}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 31000))).toBe(true)

    const tail = await fileResponse(file, size, 'image/png', 'bytes=-500')
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(size - 500))).toBe(true)

    const past = await fileResponse(file, size, 'image/png', `bytes=${size}-`)
    expect(past.status).toBe(416)
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`)
  })

  it('answers 404, not a short body, when a small file shrank after it was measured', async () => {
    const file = join(dir, 'shrunk.bin')
    await writeFile(file, randomBytes(100))
    expect((await fileResponse(file, 5000, 'image/png', null)).status).toBe(404)
  })
})
