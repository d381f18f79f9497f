import { protocol } from 'electron'
import { MEDIA_SCHEME } from '@shared/client'
import type { Core } from '../core/core-types'
import { mediaHandler } from './media-handler'

/**
 * Must run before `app.whenReady()`. `standard` gives the URLs a host and path like http, `secure`
 * keeps them from counting as mixed content, `stream` lets `<video>` seek with Range requests.
 * No `bypassCSP` and no `corsEnabled`: the page's CSP has to allow the scheme on purpose.
 */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ])
}

/** Serves `courier-media://output/<id>` (and `thumb/<id>`) from core's library for the default session; returns the undo. */
export function serveMedia(core: Pick<Core, 'media'>, log: (message: string) => void): () => void {
  protocol.handle(MEDIA_SCHEME, mediaHandler(core, log))
  return () => protocol.unhandle(MEDIA_SCHEME)
}
