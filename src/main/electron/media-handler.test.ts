import { describe, expect, it } from 'vitest'
import { mediaHandler } from './media-handler'

/** A stand-in for core.media that behaves: answers 206 for a range, 200 otherwise, and records its calls. */
function fakeCore(answer?: () => Promise<Response>) {
  const calls: Array<{ outputId: string; range: string | null; thumbnail?: boolean }> = []
  const core = {
    media: (outputId: string, range: string | null, opts?: { thumbnail?: boolean }): Promise<Response> => {
      calls.push({ outputId, range, ...(opts?.thumbnail ? { thumbnail: true } : {}) })
      if (answer) return answer()
      return Promise.resolve(
        range
          ? new Response('abc', { status: 206, headers: { 'content-range': 'bytes 0-2/10', 'content-type': 'image/png' } })
          : new Response('abcdefghij', { status: 200, headers: { 'content-type': 'image/png' } }),
      )
    },
  }
  return { core, calls }
}

const logs: string[] = []
const log = (line: string): void => {
  logs.push(line)
}

describe('mediaHandler', () => {
  it('hands the id and the Range header to core and returns its answer', async () => {
    const { core, calls } = fakeCore()
    const response = await mediaHandler(core, log)(
      new Request('courier-media://output/out_1', { headers: { range: 'bytes=0-2' } }),
    )
    expect(calls).toEqual([{ outputId: 'out_1', range: 'bytes=0-2' }])
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe('bytes 0-2/10')
    expect(await response.text()).toBe('abc')
  })

  it('asks core for the thumbnail on courier-media://thumb/<id>', async () => {
    const { core, calls } = fakeCore()
    const response = await mediaHandler(core, log)(new Request('courier-media://thumb/out_1'))
    expect(calls).toEqual([{ outputId: 'out_1', range: null, thumbnail: true }])
    expect(response.status).toBe(200)
  })

  it('answers 404 without asking core for anything that is not an output URL', async () => {
    const { core, calls } = fakeCore()
    for (const url of [
      'courier-media://output/..%2Fsecrets',
      'courier-media://thumb/..%2F..%2Fcourier.db',
      'courier-media://thumb/%2Fetc%2Fpasswd',
      'courier-media://thumb/%2E%2E',
      'courier-media://thumb/C:%5Cwindows%5Cwin.ini',
    ]) {
      const response = await mediaHandler(core, log)(new Request(url))
      expect(response.status, url).toBe(404)
    }
    expect(calls).toEqual([])
  })

  it('refuses methods other than GET and HEAD', async () => {
    const { core, calls } = fakeCore()
    const response = await mediaHandler(core, log)(new Request('courier-media://output/out_1', { method: 'DELETE' }))
    expect(response.status).toBe(405)
    expect(calls).toEqual([])
  })

  it('answers HEAD with the headers and no body', async () => {
    const { core } = fakeCore()
    const response = await mediaHandler(core, log)(new Request('courier-media://output/out_1', { method: 'HEAD' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.body).toBeNull()
  })

  it('turns a throw inside core into a logged 500', async () => {
    const { core } = fakeCore(() => Promise.reject(new Error('disk gone')))
    const response = await mediaHandler(core, log)(new Request('courier-media://output/out_1'))
    expect(response.status).toBe(500)
    expect(logs.at(-1)).toContain('disk gone')
  })
})
