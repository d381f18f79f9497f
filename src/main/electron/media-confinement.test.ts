import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { plainResponse, serveFile } from '../core/library/media'
import { mediaHandler } from './media-handler'
import { makeHostileLibrary, type HostileLibrary } from '../../../test/support/hostile-library'

/**
 * courier-media:// end to end in Node: the protocol handler in front of core's real file serving, over a
 * library folder on disk. Output rows are stood in for by a map (id → stored path), holding the paths an
 * attacker would want a row to hold: `..`, absolute paths, symlinks out of the library.
 */
describe('courier-media:// stays inside the library', () => {
  let hostile: HostileLibrary
  const rows = new Map<string, string>()
  let serve: (request: Request) => Promise<Response>

  beforeAll(async () => {
    hostile = await makeHostileLibrary()
    const { paths, secret } = hostile
    rows.set('ok', paths.inside)
    rows.set('dotdot', '../courier.db')
    rows.set('deep-dotdot', '2026-01-02/../../courier.db')
    rows.set('absolute', secret)
    rows.set('link-out', paths.linkOut)
    rows.set('dir-link', paths.throughDirLink)
    const core = {
      media: async (outputId: string, range: string | null) => {
        const path = rows.get(outputId)
        return path === undefined ? plainResponse(404, 'no such output') : serveFile({ root: hostile.library, path, mime: 'image/png' }, range)
      },
    }
    serve = mediaHandler(core, () => {})
  })
  afterAll(() => hostile.remove())

  it('serves a file inside the library', async () => {
    const response = await serve(new Request('courier-media://output/ok'))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('picture')
  })

  it.each(['dotdot', 'deep-dotdot', 'absolute', 'link-out', 'dir-link'])('refuses a row whose path is %s', async (id) => {
    const response = await serve(new Request(`courier-media://output/${id}`))
    expect(response.status).toBe(403)
    expect(await response.text()).not.toContain('secret')
  })

  it.each([
    'courier-media://output/..%2F..%2Fcourier.db',
    'courier-media://output/%2E%2E',
    `courier-media://output/${encodeURIComponent('/etc/passwd')}`,
    'courier-media://output/ok/../../courier.db',
  ])('never reads a path from the URL: %s', async (url) => {
    const response = await serve(new Request(url))
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('secret')
  })
})
