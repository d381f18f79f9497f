import type { Core } from '../core/core-types'
import { parseMediaUrl } from './media-url'

type Log = (message: string) => void

/**
 * The `courier-media://` handler as a plain `Request → Response` function (no Electron here, so it is
 * tested in Node): `output/{id}` is the saved file, `thumb/{id}` its thumbnail. Paths, realpath
 * confinement and 206 ranges are core's job; this only decides which requests reach it.
 */
export function mediaHandler(core: Pick<Core, 'media'>, log: Log): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } })
    }
    const target = parseMediaUrl(request.url)
    if (target === null) return new Response('Not found', { status: 404 })
    const { outputId, thumbnail } = target
    try {
      const response = await core.media(outputId, request.headers.get('range'), { thumbnail })
      if (request.method === 'GET') return response
      // HEAD: same status and headers, and the body (an open file stream) is released at once.
      await response.body?.cancel()
      return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers })
    } catch (error) {
      // core.media answers misses itself; a throw is a bug worth a log line, not a crashed protocol.
      log(`courier-media: serving ${outputId} failed: ${error instanceof Error ? error.message : String(error)}`)
      return new Response('Internal error', { status: 500 })
    }
  }
}
