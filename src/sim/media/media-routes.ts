import type { ServerResponse } from 'node:http'
import type { SimFaults } from '../faults'
import { detail, type Reply, type Route } from '../http/router'
import { isAbort, sleep } from '../scheduler'
import type { SimStats } from '../stats'
import { UPLOADS_KEY, isLazy, sizeOf, type MediaEntry, type MediaStore, type SignatureCheck } from './media-store'

/** What the download knobs need; all optional so a caller without knobs gets plain, fast downloads. */
type DownloadKnobs = Pick<
  SimFaults,
  'slowDownloadsBytesPerSecond' | 'truncateDownloads' | 'wrongContentLength' | 'expireOutputUrlsAfterMs'
>

const NO_KNOBS: DownloadKnobs = {
  slowDownloadsBytesPerSecond: null,
  truncateDownloads: false,
  wrongContentLength: false,
  expireOutputUrlsAfterMs: null,
}

const PIECE = 64 * 1024

/** S3's answer to an expired or unsigned presigned URL. */
function accessDenied(check: Exclude<SignatureCheck, 'ok'>): Reply {
  const message =
    check === 'expired' ? 'Request has expired' : check === 'forged' ? 'The request signature we calculated does not match the signature you provided.' : 'Access Denied'
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${check === 'forged' ? 'SignatureDoesNotMatch' : 'AccessDenied'}</Code><Message>${message}</Message></Error>`
  return { status: 403, bytes: Buffer.from(xml), contentType: 'application/xml' }
}

async function* pieces(entry: MediaEntry, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (isLazy(entry)) {
    yield* entry.open(signal)
    return
  }
  for (let at = 0; at < entry.bytes.length; at += PIECE) yield entry.bytes.subarray(at, at + PIECE)
}

/** Resolves when `res` can take more, or when the connection is gone (false). */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain)
      res.off('close', onClose)
      resolve(ok)
    }
    const onDrain = () => done(true)
    const onClose = () => done(false)
    res.on('drain', onDrain)
    res.on('close', onClose)
  })
}

/**
 * Writes `entry` applying the download knobs: a throttle, a body cut in half under a full Content-Length,
 * or a Content-Length larger than the body. A broken download ends with `Connection: close`, so the client
 * sees the connection end early instead of waiting for bytes that never come.
 */
async function pump(res: ServerResponse, entry: MediaEntry, knobs: DownloadKnobs, limit: number, broken: boolean): Promise<void> {
  const stop = new AbortController()
  res.once('close', () => stop.abort())
  const rate = knobs.slowDownloadsBytesPerSecond
  const slice = rate === null ? Infinity : Math.max(1, Math.min(PIECE, Math.floor(rate / 20)))
  const started = performance.now()
  let sent = 0
  try {
    outer: for await (const piece of pieces(entry, stop.signal)) {
      for (let at = 0; at < piece.length; at += slice === Infinity ? piece.length : slice) {
        if (sent >= limit || stop.signal.aborted) break outer
        const part = piece.subarray(at, Math.min(piece.length, at + (slice === Infinity ? piece.length : slice), at + limit - sent))
        sent += part.length
        if (!res.write(part) && !(await drained(res))) return
        if (rate !== null) await sleep(started + (sent / rate) * 1000 - performance.now(), stop.signal)
      }
    }
    if (!stop.signal.aborted) res.end()
    if (broken) res.once('finish', () => res.socket?.end())
  } catch (error) {
    if (!isAbort(error)) res.destroy(error instanceof Error ? error : new Error(String(error)))
  }
}

function download(entry: MediaEntry, knobs: DownloadKnobs, log?: (line: string) => void): Reply {
  const size = sizeOf(entry)
  const limit = knobs.truncateDownloads ? Math.floor(size / 2) : size
  const declared = knobs.wrongContentLength ? size + Math.max(1, Math.ceil(size / 2)) : size
  const broken = limit < declared
  return {
    status: 200,
    write: (res, head) => {
      res.writeHead(200, {
        'content-type': entry.contentType,
        'content-length': declared,
        'cache-control': 'public, max-age=3600',
        ...(broken ? { connection: 'close' } : {}),
      })
      if (head) {
        res.end()
        return
      }
      pump(res, entry, knobs, limit, broken).catch((error: unknown) => log?.(`media download failed: ${String(error)}`))
    },
  }
}

/**
 * `GET /media/{runId}/{filename}`: where output URLs (and uploaded inputs, under `uploads`) point. Public,
 * like ComfyDeploy's public bucket links, unless `expireOutputUrlsAfterMs` makes output URLs presigned.
 */
export function mediaRoutes(media: MediaStore, stats: SimStats, faults: DownloadKnobs = NO_KNOBS): Route[] {
  return [
    {
      method: 'GET',
      path: '/media/:runId/:filename',
      handle: (req) => {
        const runId = req.params.runId ?? ''
        const entry = media.entry(runId, req.params.filename ?? '')
        if (!entry) return detail(404, 'Not Found')
        if (faults.expireOutputUrlsAfterMs !== null && runId !== UPLOADS_KEY) {
          const check = media.check(req.url)
          if (check !== 'ok') return accessDenied(check)
        }
        stats.mediaServed++
        return download(entry, faults)
      },
    },
  ]
}
