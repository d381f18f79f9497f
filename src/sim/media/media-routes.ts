import type { ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { SimFaults } from '../faults'
import { detail, json, type Reply, type Route, type SimRequest } from '../http/router'
import { isAbort, sleep } from '../scheduler'
import type { SimStats } from '../stats'
import {
  UPLOADS_KEY,
  isLazy,
  sizeOf,
  type MediaEntry,
  type MediaRequestRecord,
  type MediaStore,
  type MediaValidators,
  type SignatureCheck,
} from './media-store'

/** What the download knobs need; all optional so a caller without knobs gets plain, fast downloads. */
type DownloadKnobs = Pick<
  SimFaults,
  | 'slowDownloadsBytesPerSecond'
  | 'truncateDownloads'
  | 'wrongContentLength'
  | 'expireOutputUrlsAfterMs'
  | 'cutDownloadsAtPercent'
  | 'cutDownloadsTimes'
  | 'serveHtmlForMedia'
  | 'redirectMediaTo'
  | 'failDownloadsWithStatus'
  | 'failDownloadsTimes'
  | 'retryAfterSeconds'
>

const NO_KNOBS: DownloadKnobs = {
  slowDownloadsBytesPerSecond: null,
  truncateDownloads: false,
  wrongContentLength: false,
  expireOutputUrlsAfterMs: null,
  cutDownloadsAtPercent: null,
  cutDownloadsTimes: null,
  serveHtmlForMedia: 'off',
  redirectMediaTo: null,
  failDownloadsWithStatus: null,
  failDownloadsTimes: null,
  retryAfterSeconds: null,
}

const PIECE = 64 * 1024

/** The query parameter a `redirectMediaTo` hop adds, so the request it leads to is served, not redirected again. */
export const REDIRECTED_PARAM = 'redirected'

/** What a captive portal or an expired CDN session serves in place of the file. */
const SIGN_IN_PAGE = Buffer.from(
  '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>\n<body><h1>Sign in to continue</h1><form method="post"><input name="user"><input name="password" type="password"><button>Sign in</button></form></body></html>\n',
)

/**
 * Counts a "times" knob down on the object that owns it, and switches its fault off at zero. RunComfy reads
 * the knobs through a prototype (`Object.create(faults)`), where a plain `knobs.x--` would shadow the shared
 * value instead of counting it down.
 */
function countDown(knobs: DownloadKnobs, times: 'cutDownloadsTimes' | 'failDownloadsTimes'): void {
  let owner: object | null = knobs
  while (owner !== null && !Object.hasOwn(owner, times)) owner = Object.getPrototypeOf(owner) as object | null
  const target = (owner ?? knobs) as DownloadKnobs
  const left = target[times]
  if (left === null) return
  if (left > 1) {
    target[times] = left - 1
    return
  }
  target[times] = null
  if (times === 'cutDownloadsTimes') target.cutDownloadsAtPercent = null
  else target.failDownloadsWithStatus = null
}

/** S3's answer to an expired or unsigned presigned URL. */
function accessDenied(check: Exclude<SignatureCheck, 'ok'>): Reply {
  const message =
    check === 'expired' ? 'Request has expired' : check === 'forged' ? 'The request signature we calculated does not match the signature you provided.' : 'Access Denied'
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${check === 'forged' ? 'SignatureDoesNotMatch' : 'AccessDenied'}</Code><Message>${message}</Message></Error>`
  return { status: 403, bytes: Buffer.from(xml), contentType: 'application/xml' }
}

/** The entry's bytes from `start` (inclusive), in order. A lazy file is regenerated and its prefix skipped. */
async function* pieces(entry: MediaEntry, start: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (isLazy(entry)) {
    let skip = start
    for await (const piece of entry.open(signal)) {
      if (skip >= piece.length) {
        skip -= piece.length
        continue
      }
      yield skip > 0 ? piece.subarray(skip) : piece
      skip = 0
    }
    return
  }
  for (let at = start; at < entry.bytes.length; at += PIECE) yield entry.bytes.subarray(at, at + PIECE)
}

/**
 * Writes `part` and resolves once the socket has taken it (true), or when the connection is gone (false).
 * Waiting for each write, not only for 'drain', lets a lazy file reuse its buffers (see `LazyMediaFile`).
 */
function send(res: ServerResponse, part: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('close', onClose)
      resolve(ok)
    }
    const onClose = () => done(false)
    res.on('close', onClose)
    res.write(part, (error) => done(!error))
  })
}

/**
 * Writes `length` bytes of `entry` from `start`, applying the throttle, and stops after `limit` of them. A
 * broken download (limit below what the headers promised) ends with `Connection: close`, so the client sees
 * the connection end early instead of waiting for bytes that never come.
 */
async function pump(
  res: ServerResponse,
  entry: MediaEntry,
  knobs: DownloadKnobs,
  start: number,
  limit: number,
  broken: boolean,
  record: MediaRequestRecord,
): Promise<void> {
  const stop = new AbortController()
  res.once('close', () => stop.abort())
  const rate = knobs.slowDownloadsBytesPerSecond
  const slice = rate === null ? Infinity : Math.max(1, Math.min(PIECE, Math.floor(rate / 20)))
  const started = performance.now()
  let sent = 0
  try {
    outer: for await (const piece of pieces(entry, start, stop.signal)) {
      for (let at = 0; at < piece.length; at += slice === Infinity ? piece.length : slice) {
        if (sent >= limit || stop.signal.aborted) break outer
        const part = piece.subarray(at, Math.min(piece.length, at + (slice === Infinity ? piece.length : slice), at + limit - sent))
        sent += part.length
        record.bytesSent = sent
        if (!(await send(res, part))) return
        if (rate !== null) await sleep(started + (sent / rate) * 1000 - performance.now(), stop.signal)
      }
    }
    if (stop.signal.aborted) return
    if (broken) {
      // Close the connection right after the last byte: the client sees a body shorter than promised.
      res.once('finish', () => res.socket?.end())
      res.end()
      return
    }
    res.end()
  } catch (error) {
    if (!isAbort(error)) res.destroy(error instanceof Error ? error : new Error(String(error)))
  }
}

/** One `bytes=` range, resolved against `size`; 'unsatisfiable' for 416; null when absent or not understood (serve it all). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return null // several ranges or another unit: a server may ignore the header and send it all
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return null
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  if (start >= size) return 'unsatisfiable'
  const end = last === '' ? size - 1 : Math.min(size - 1, Number(last))
  if (end < start) return null
  return { start, end }
}

/** RFC 9110 §13.1.5: the range applies only when `If-Range` names the current version (strong ETag, or the exact date). */
function ifRangeHolds(header: string | undefined, validators: MediaValidators): boolean {
  if (header === undefined) return true
  const value = header.trim()
  if (value.startsWith('W/')) return false
  if (value.startsWith('"')) return value === validators.etag
  const date = Date.parse(value)
  return Number.isFinite(date) && date === validators.lastModified.getTime()
}

function download(req: SimRequest, entry: MediaEntry, media: MediaStore, knobs: DownloadKnobs, log?: (line: string) => void): Reply {
  const size = sizeOf(entry)
  const validators = media.validators(entry)
  const rangeHeader = typeof req.headers.range === 'string' ? req.headers.range : undefined
  const ifRange = typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : undefined
  const record = media.record({
    path: `${req.url.pathname}${req.url.search}`,
    method: req.method,
    range: rangeHeader ?? null,
    ifRange: ifRange ?? null,
    status: 200,
    bytesSent: 0,
  })
  const common = {
    'accept-ranges': 'bytes',
    etag: validators.etag,
    'last-modified': validators.lastModified.toUTCString(),
    'cache-control': 'public, max-age=3600',
  }
  const range = ifRangeHolds(ifRange, validators) ? parseRange(rangeHeader, size) : null
  if (range === 'unsatisfiable') {
    record.status = 416
    return { status: 416, bytes: new Uint8Array(0), contentType: entry.contentType, headers: { ...common, 'content-range': `bytes */${size}` } }
  }
  const start = range?.start ?? 0
  const length = range ? range.end - range.start + 1 : size

  let limit = length
  if (knobs.truncateDownloads) limit = Math.floor(length / 2)
  const cut = knobs.cutDownloadsAtPercent
  if (cut !== null && (knobs.cutDownloadsTimes !== null || media.firstTime(record.path.split('?')[0] ?? ''))) {
    limit = Math.min(limit, Math.floor((length * cut) / 100))
    countDown(knobs, 'cutDownloadsTimes')
  }
  const declared = knobs.wrongContentLength ? length + Math.max(1, Math.ceil(length / 2)) : length
  const broken = limit < declared
  const status = range ? 206 : 200
  record.status = status
  return {
    status,
    write: (res, head) => {
      res.writeHead(status, {
        ...common,
        'content-type': entry.contentType,
        'content-length': declared,
        ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${size}` } : {}),
        ...(broken ? { connection: 'close' } : {}),
      })
      if (head) {
        res.end()
        return
      }
      pump(res, entry, knobs, start, limit, broken, record).catch((error: unknown) => log?.(`media download failed: ${String(error)}`))
    },
  }
}

/** The knobs that answer instead of the file: a forced failure, a redirect, an HTML page. */
function instead(req: SimRequest, entry: MediaEntry, media: MediaStore, knobs: DownloadKnobs): Reply | null {
  const path = `${req.url.pathname}${req.url.search}`
  const note = (status: number) =>
    media.record({ path, method: req.method, range: (req.headers.range as string | undefined) ?? null, ifRange: null, status, bytesSent: 0 })
  if (knobs.failDownloadsWithStatus !== null) {
    const status = knobs.failDownloadsWithStatus
    countDown(knobs, 'failDownloadsTimes')
    note(status)
    return detail(status, STATUS_CODES[status] ?? 'Error', knobs.retryAfterSeconds !== null ? { 'retry-after': String(knobs.retryAfterSeconds) } : undefined)
  }
  if (knobs.redirectMediaTo !== null && !req.url.searchParams.has(REDIRECTED_PARAM)) {
    const next = new URL(req.url.toString())
    next.searchParams.set(REDIRECTED_PARAM, '1')
    note(302)
    const location = knobs.redirectMediaTo.replaceAll('{path}', `${next.pathname}${next.search}`)
    return { status: 302, bytes: new Uint8Array(0), contentType: 'text/plain', headers: { location } }
  }
  if (knobs.serveHtmlForMedia !== 'off') {
    note(200)
    const contentType = knobs.serveHtmlForMedia === 'labelled' ? 'text/html; charset=utf-8' : entry.contentType
    return { status: 200, bytes: SIGN_IN_PAGE, contentType }
  }
  return null
}

/**
 * `GET /media/{runId}/{filename}`: where output URLs (and uploaded inputs, under `uploads`) point. Public,
 * like ComfyDeploy's public bucket links, unless `expireOutputUrlsAfterMs` makes output URLs presigned.
 * Byte ranges (206, `Content-Range`, 416) with `ETag`, `Last-Modified` and `If-Range`, as S3 serves them.
 * `GET /__sim/media-log` lists the requests it answered (path, Range, If-Range, status, bytes sent).
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
        return instead(req, entry, media, faults) ?? download(req, entry, media, faults)
      },
    },
    {
      method: 'GET',
      path: '/__sim/media-log',
      handle: () => json(200, { requests: media.requests() }),
    },
  ]
}
