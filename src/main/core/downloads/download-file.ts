import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { refuseOutputUrl, type UrlPolicy } from './url-guard'

export class DownloadError extends Error {
  constructor(
    message: string,
    /** Worth another try later (network, 408/425/429/5xx, length mismatch), as opposed to refused or gone. */
    readonly retryable: boolean,
    readonly diskFull = false,
    /** The link expired or vanished (403/404/410): a fresh one from the provider may still work. */
    readonly expired = false,
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

export interface DownloadRequest {
  url: string
  /**
   * The absolute final path, chosen once the response headers are in (the type decides the extension);
   * bytes go to `${path}.part` and are renamed only when complete and checked.
   */
  pathFor: (contentType: string | null) => string
  policy: UrlPolicy
  maxBytes: number
  timeoutMs: number
  onProgress?: (receivedBytes: number, totalBytes: number | null) => void
  signal?: AbortSignal
}

export interface Downloaded {
  path: string
  bytes: number
  sha256: string
  contentType: string | null
  head: Uint8Array
}

const MAX_REDIRECTS = 3
const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])

async function open_(request: DownloadRequest, signal: AbortSignal): Promise<Response> {
  let url = request.url
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    // Every hop is checked again: a public URL may redirect to a private one.
    const refused = await refuseOutputUrl(url, request.policy)
    if (refused) throw new DownloadError(`refused ${hop ? 'redirect' : 'URL'}: ${refused}`, false)
    let response: Response
    try {
      // No credentials of ours ever go to an output host.
      response = await fetch(url, { redirect: 'manual', signal, headers: { accept: '*/*' } })
    } catch (error) {
      throw new DownloadError(`cannot fetch output: ${(error as Error).cause ?? (error as Error).message}`, true)
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel()
      url = new URL(response.headers.get('location') ?? '', url).toString()
      continue
    }
    if (!response.ok) {
      await response.body?.cancel()
      const gone = response.status === 403 || response.status === 404 || response.status === 410
      throw new DownloadError(
        gone ? `the output link has expired or is gone (HTTP ${response.status})` : `the output host answered HTTP ${response.status}`,
        RETRY_STATUS.has(response.status),
        false,
        gone,
      )
    }
    return response
  }
  throw new DownloadError('too many redirects', false)
}

/**
 * Streams one output to `path.part`, counting and hashing as it goes, then checks the length, fsyncs and
 * renames. A failure at any point removes the `.part`: a half-written file is never presented as complete.
 */
export async function downloadFile(request: DownloadRequest): Promise<Downloaded> {
  const timeout = AbortSignal.timeout(request.timeoutMs)
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout
  let part: string | null = null
  try {
    const response = await open_(request, signal)
    const path = request.pathFor(response.headers.get('content-type'))
    part = `${path}.part`
    await mkdir(dirname(path), { recursive: true })
    const declared = response.headers.get('content-length')
    const total = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null
    if (total !== null && total > request.maxBytes) throw new DownloadError(`the output is larger than ${request.maxBytes} bytes`, false)
    if (!response.body) throw new DownloadError('the output host sent no body', true)

    const hash = createHash('sha256')
    let received = 0
    const head: Buffer[] = []
    let headBytes = 0
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length
        if (received > request.maxBytes) return done(new DownloadError(`the output is larger than ${request.maxBytes} bytes`, false))
        hash.update(chunk)
        if (headBytes < 64) {
          head.push(chunk.subarray(0, 64 - headBytes))
          headBytes += Math.min(chunk.length, 64 - headBytes)
        }
        request.onProgress?.(received, total)
        done(null, chunk)
      },
    })
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), meter, createWriteStream(part, { mode: 0o644 }), {
      signal,
    })
    if (total !== null && received !== total) {
      throw new DownloadError(`the download was cut short: got ${received} of ${total} bytes`, true)
    }
    const handle = await open(part, 'r+')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(part, path)
    return { path, bytes: received, sha256: hash.digest('hex'), contentType: response.headers.get('content-type'), head: Buffer.concat(head) }
  } catch (error) {
    if (part !== null) await rm(part, { force: true })
    if (error instanceof DownloadError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new DownloadError('the disk is full', true, true)
    if (timeout.aborted) throw new DownloadError(`the download took longer than ${request.timeoutMs / 1000} s`, true)
    if (request.signal?.aborted) throw new DownloadError('the download was stopped', false)
    throw new DownloadError(`the download failed: ${(error as Error).message}`, true)
  }
}
