import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { OutputKind } from '@shared/output'
import { parseRetryAfter } from './backoff'
import { DiskFull, diskFullMessage, formatBytes, type FreeSpaceProbe } from './free-space'
import { httpGet, type Answer } from './http-get'
import { HEAD_BYTES, checkContent, type SniffedType } from './magic'
import { finalType, type SavedType } from './output-target'
import { openPartFile, type OpenPart, type PartFile } from './part-file'
import { discardPart, resumePathOf, writeResume, type ResumeState } from './resume-file'
import { checkOutputUrl, type UrlPolicy } from './url-guard'

export class DownloadError extends Error {
  constructor(
    message: string,
    /** Worth another try (network, 408/425/429/5xx, a body cut short), as opposed to refused or gone. */
    readonly retryable: boolean,
    readonly diskFull = false,
    /** The link expired or vanished (403/404/410): a fresh one from the provider may still work. */
    readonly expired = false,
    /** The host's `Retry-After`, when it sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

/** Claims room on the disk for a download's remaining bytes (see `SpaceBook`). */
export interface SpaceClaim {
  wrote(bytes: number): void
  release(): void
}
export type ClaimSpace = (dir: string, bytes: number) => Promise<SpaceClaim>

export interface AttemptRequest {
  url: string
  policy: UrlPolicy
  /** The `.part` file; it may hold the start of the file from an earlier attempt. */
  partPath: string
  /** The final path for the type the file turned out to be. */
  pathFor: (type: SavedType) => string
  /** What the provider said the output is; the bytes are checked against it. */
  promised: { kind: OutputKind; filename: string | null }
  /** Kept by the caller across attempts (and on disk beside the `.part`, across restarts); updated here. */
  resume: ResumeState
  maxBytes: number
  /** Bound on the whole attempt. */
  timeoutMs: number
  /** Bound on a silence: no bytes for this long ends the attempt (a retryable failure). */
  stallMs: number
  signal?: AbortSignal
  claimSpace: ClaimSpace
  freeSpace: FreeSpaceProbe
  openPart?: OpenPart
  /** Called once the host has answered with the bytes to come, then as bytes land (received counts the whole file). */
  onBytes?: (receivedBytes: number, totalBytes: number | null) => void
}

export interface Downloaded {
  path: string
  bytes: number
  sha256: string
  type: SavedType
  contentType: string | null
  /** Bytes that were already in the `.part` and not fetched again. */
  resumedFrom: number
}

const MAX_REDIRECTS = 3
/** Bytes held in memory while the download gets ready to write (a few milliseconds' worth). */
const EARLY_BYTES = 8 * 1024 * 1024
const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])
const STALLS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
/** Network failures worth another try; anything else (a refused certificate, say) is not. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
])

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code

function networkError(error: unknown, what: string): DownloadError {
  const code = errorCode(error)
  const detail = code ?? (error as Error).message
  if (code && (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT')) {
    return new DownloadError(`the output host's certificate was refused (${code})`, false)
  }
  return new DownloadError(`${what}: ${detail}`, code === undefined || TRANSIENT_CODES.has(code) || (error as Error).message === 'aborted')
}

/** `bytes a-b/total` → its numbers; null when malformed. */
function parseContentRange(value: string | undefined): { start: number; end: number; total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '')
  if (!match) return null
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? null : Number(match[3]) }
}

/** The validator to resume with: a strong ETag, else Last-Modified; null when the host gave neither. */
function validatorOf(answer: Answer): string | null {
  const etag = answer.header('etag')
  if (etag && !etag.startsWith('W/')) return etag
  return answer.header('last-modified') ?? null
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

/** Feeds the `.part`'s bytes to `hash`, and returns its first bytes: a resumed file is hashed whole. */
async function hashExisting(path: string, hash: Hash, length: number): Promise<Buffer> {
  const head: Buffer[] = []
  let headBytes = 0
  let read = 0
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    read += chunk.length
    if (headBytes < HEAD_BYTES) {
      const piece = chunk.subarray(0, HEAD_BYTES - headBytes)
      head.push(piece)
      headBytes += piece.length
    }
  }
  if (read !== length) throw new DownloadError('the partial download changed on disk; starting over', true)
  return Buffer.concat(head)
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable on POSIX; not possible (nor needed) on Windows.
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // best effort
  }
}

/** What an error answer means for the download. */
function statusError(answer: Answer): DownloadError {
  const status = answer.status
  const gone = status === 403 || status === 404 || status === 410
  if (gone) return new DownloadError(`the output link has expired or is gone (HTTP ${status})`, false, false, true)
  const retryAfter = parseRetryAfter(answer.header('retry-after'))
  return new DownloadError(`the output host answered HTTP ${status}`, RETRY_STATUS.has(status), false, false, retryAfter)
}

/**
 * One attempt at one output: check the URL (and each redirect) before connecting, ask for the rest when a
 * `.part` can be resumed, check the free space, check the first bytes against what was promised, stream to
 * the `.part` while hashing, check the length, fsync, and rename to the final name. A failure worth another
 * try keeps the `.part` for the next attempt to resume; any other removes it. Never leaves anything under
 * the final name that is not complete and checked.
 */
export async function downloadAttempt(request: AttemptRequest): Promise<Downloaded> {
  const timeout = AbortSignal.timeout(request.timeoutMs)
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout
  const openPart = request.openPart ?? openPartFile
  const { partPath, resume } = request
  const dir = dirname(partPath)
  let keepPart = true
  let part: PartFile | null = null
  let claim: SpaceClaim | null = null
  let offset = 0
  let total: number | null = null
  let chosen: Answer | null = null
  try {
    await mkdir(dir, { recursive: true })
    let existing = await sizeOf(partPath)
    if (existing > 0 && resume.validator === null) {
      // Bytes from an attempt whose version we cannot name: they cannot be resumed safely.
      await discardPart(partPath)
      existing = 0
    }
    // The bytes already here are hashed before the request, not after the answer: a host that sends the
    // rest and closes at once would otherwise have its bytes dropped while we read the disk.
    const resumed = existing > 0 ? createHash('sha256') : null
    const resumedHead = resumed ? await hashExisting(partPath, resumed, existing) : Buffer.alloc(0)

    // The head: redirects followed by hand, each hop checked before it is dialled; one fresh start when
    // the host cannot continue what the `.part` holds.
    let answer: Answer | null = null
    for (let restart = 0; answer === null; restart++) {
      offset = existing
      let url = request.url
      for (let hop = 0; ; hop++) {
        if (hop > MAX_REDIRECTS) throw new DownloadError('refused: the output link redirects too many times', false)
        const check = await checkOutputUrl(url, request.policy)
        if (!check.ok) throw new DownloadError(`refused ${hop ? 'redirect' : 'URL'}: ${check.reason}`, check.transient)
        // Ours are never sent to an output host; identity, because the bytes are checked as they come.
        const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'ComfyCourier' }
        // The user's own server's auth, at its origin only (a redirect elsewhere gets none).
        if (request.policy.trusted && check.url.origin === request.policy.trusted.origin) Object.assign(headers, request.policy.trusted.headers)
        const validator = resume.validator
        if (offset > 0 && validator !== null) {
          headers.range = `bytes=${offset}-`
          headers['if-range'] = validator
        }
        let next: Answer
        try {
          next = await httpGet({ url: check.url, addresses: check.addresses, headers, signal, stallMs: request.stallMs, earlyLimit: EARLY_BYTES })
        } catch (error) {
          if (signal.aborted) throw error
          if (STALLS.has(errorCode(error) ?? '')) throw new DownloadError(`the output host did not answer (no data for ${Math.round(request.stallMs / 1000)} s)`, true)
          throw networkError(error, 'cannot fetch the output')
        }
        const status = next.status
        const location = next.header('location')
        if (status >= 300 && status < 400 && location) {
          next.discard()
          url = new URL(location, url).toString()
          continue
        }
        if (offset > 0 && validator !== null && (status === 416 || status === 206)) {
          const range = parseContentRange(next.header('content-range'))
          const etag = next.header('etag')
          const sameVersion = !validator.startsWith('"') || etag === undefined || etag === validator
          const fits =
            status === 206 &&
            range !== null &&
            range.start === offset &&
            (range.total === null || range.end === range.total - 1) &&
            (resume.total === null || range.total === resume.total) &&
            sameVersion
          if (!fits) {
            // 416, or another slice or version: the file the host has now is not the one we started.
            next.discard()
            if (restart > 0) throw new DownloadError('the output host cannot continue the partial download', true)
            await rm(partPath, { force: true })
            existing = 0
            break
          }
          total = range.total ?? resume.total
        } else if (status === 200) {
          offset = 0 // the whole file: the host ignored the range, or the file changed (If-Range)
          const length = next.header('content-length')
          total = length !== undefined && /^\d+$/.test(length) ? Number(length) : null
          resume.validator = validatorOf(next)
          resume.total = total
        } else {
          next.discard()
          throw status === 206 ? new DownloadError('the output host sent part of the file unasked', true) : statusError(next)
        }
        answer = next
        break
      }
    }
    chosen = answer
    // Bytes that come while the free space is checked and the part opened are held by the answer
    // (bounded by EARLY_BYTES), not dropped: a host may send them all and close meanwhile.
    const destroy = () => answer.discard()

    if (total !== null && total > request.maxBytes) {
      destroy()
      keepPart = false
      throw new DownloadError(`the output is larger than the ${formatBytes(request.maxBytes)} limit (${formatBytes(total)})`, false)
    }
    // Room for the rest, next to what other downloads have claimed, before a byte is written.
    claim = await request.claimSpace(dir, total === null ? 0 : total - offset)

    const hash = offset > 0 && resumed ? resumed : createHash('sha256')
    let head = offset > 0 ? resumedHead : Buffer.alloc(0)
    part = await openPart(partPath, offset > 0 ? 'append' : 'truncate')
    // Only now, with the `.part` emptied for this version, is its validator recorded: a crash in between
    // must never pair the new validator with the old version's bytes.
    if (offset === 0) await writeResume(partPath, resume)
    const contentType = answer.header('content-type') ?? null
    const declaredType = finalType(null, contentType, request.promised.filename)
    const promisedType = contentType && !/^application\/octet-stream/i.test(contentType) ? contentType : declaredType.mime === 'application/octet-stream' ? null : declaredType.mime
    let sniffed: SniffedType | null = null
    let checked = false
    const pending: Buffer[] = []
    const check = () => {
      checked = true
      const verdict = checkContent(head, { kind: request.promised.kind, contentType: promisedType })
      if (!verdict.ok) {
        keepPart = false
        destroy()
        throw new DownloadError(verdict.message, false)
      }
      sniffed = verdict.sniffed
    }
    if (head.length >= HEAD_BYTES) check()

    let received = offset
    request.onBytes?.(received, total)
    const sink = part
    // The first failure inside the body (over the limit, the wrong type, a write that failed): it ends
    // the body, and is what the attempt reports rather than the cut connection it causes.
    let bodyFailure: unknown = null
    const stop = (error: unknown) => {
      bodyFailure ??= error
      destroy()
    }
    // Backpressure: the host waits while the disk catches up.
    let waiting = 0
    const write = (piece: Buffer) => {
      const wait = sink.write(piece)
      if (!wait) return
      waiting++
      answer.pause()
      wait.then(() => {
        if (--waiting === 0) answer.resume()
      }, stop)
    }
    const onData = (chunk: Buffer) => {
      received += chunk.length
      if (received > request.maxBytes) {
        keepPart = false
        throw new DownloadError(`the output is larger than the ${formatBytes(request.maxBytes)} limit`, false)
      }
      hash.update(chunk)
      if (!checked) {
        head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)])
        pending.push(chunk)
        if (head.length < HEAD_BYTES) return
        check()
        for (const piece of pending.splice(0)) write(piece)
      } else write(chunk)
      claim?.wrote(chunk.length)
      request.onBytes?.(received, total)
    }
    try {
      await answer.consume((chunk) => {
        if (bodyFailure !== null) return
        try {
          onData(chunk)
        } catch (error) {
          stop(error)
        }
      })
    } catch (error) {
      if (bodyFailure !== null) throw bodyFailure
      if (error instanceof DownloadError || signal.aborted) throw error
      if (answer.stalled()) throw new DownloadError(`the output host stopped sending (no data for ${Math.round(request.stallMs / 1000)} s)`, true)
      throw new DownloadError(`the download was cut short: got ${received} of ${total ?? '?'} bytes`, true)
    }
    if (bodyFailure !== null) throw bodyFailure
    if (!checked) {
      check()
      for (const piece of pending.splice(0)) await part.write(piece)
    }
    if (total !== null && received !== total) {
      throw new DownloadError(`the download was cut short: got ${received} of ${total} bytes`, true)
    }
    if (!answer.complete()) throw new DownloadError(`the download was cut short: got ${received} bytes`, true)

    await part.commit()
    part = null
    const type = finalType(sniffed, contentType, request.promised.filename)
    const path = request.pathFor(type)
    await rename(partPath, path)
    keepPart = true // it is gone: renamed
    await rm(resumePathOf(partPath), { force: true })
    await syncDir(dir)
    resume.validator = null
    resume.total = null
    return { path, bytes: received, sha256: hash.digest('hex'), type, contentType, resumedFrom: offset }
  } catch (error) {
    const failure = await asDownloadError(error, request, signal, timeout, dir, total === null ? null : total - offset)
    // Kept for the next attempt: a passing failure, or an expired link whose fresh URL may resume it.
    if (failure.diskFull || (!failure.retryable && !failure.expired)) keepPart = false
    throw failure
  } finally {
    if (chosen && !chosen.complete()) chosen.discard()
    claim?.release()
    // What was received stays for a resume: written out, not dropped with the stream's buffer.
    if (part && keepPart) await part.commit().catch(() => part?.abort())
    else if (part) await part.abort()
    if (!keepPart) {
      await discardPart(partPath)
      resume.validator = null
      resume.total = null
    }
  }
}

async function asDownloadError(
  error: unknown,
  request: AttemptRequest,
  signal: AbortSignal,
  timeout: AbortSignal,
  dir: string,
  remaining: number | null,
): Promise<DownloadError> {
  if (error instanceof DownloadError) return error
  if (error instanceof DiskFull) return new DownloadError(error.message, true, true)
  const code = errorCode(error)
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const has = await request.freeSpace(dir)
    return new DownloadError(await diskFullMessage(dir, remaining ?? 0, has), true, true)
  }
  if (timeout.aborted) return new DownloadError(`the download took longer than ${Math.round(request.timeoutMs / 1000)} s`, true)
  if (signal.aborted) return new DownloadError('the download was stopped', true)
  return new DownloadError(`the download failed: ${(error as Error).message}`, true)
}
