import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import net, { type AddressInfo } from 'node:net'
import tls from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startSim, type Sim } from '../../../sim/index'
import { DownloadError, downloadAttempt, type AttemptRequest } from './download-file'
import type { ResumeState } from './resume-file'
import { SpaceBook } from './free-space'
import { openPartFile, type OpenPart } from './part-file'
import type { Resolver } from './url-guard'

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** PNG-looking bytes (the signature, then a pattern): the downloader checks the first bytes, not the pixels. */
function pngBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff
  bytes.set(PNG_SIGNATURE, 0)
  return bytes
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

const table = (entries: Record<string, string>): Resolver & { calls: string[] } => {
  const calls: string[] = []
  const resolve = async (host: string) => {
    calls.push(host)
    const address = entries[host]
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return [{ address, family: address.includes(':') ? 6 : 4 }]
  }
  return Object.assign(resolve, { calls })
}

type MediaLog = { requests: { path: string; range: string | null; ifRange: string | null; status: number; bytesSent: number }[] }

async function upload(sim: Sim, bytes: Buffer, type: string): Promise<string> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'file.bin')
  const res = await fetch(`${sim.url}/api/file/upload`, { method: 'POST', body: form, headers: { authorization: 'Bearer k' } })
  return ((await res.json()) as { file_url: string }).file_url
}

/** A loopback server for answers the simulator does not give (a host that ignores Range, a file that changes, a stall). */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('downloadAttempt', () => {
  let sim: Sim
  let dir: string
  let resume: ResumeState
  const body = pngBytes(300_000)
  let url: string

  beforeAll(async () => {
    sim = await startSim({ timeScale: 0.05 })
  })
  afterAll(() => sim.close())
  beforeEach(async () => {
    sim.reset()
    url = await upload(sim, body, 'image/png')
    dir = await mkdtemp(join(tmpdir(), 'courier-dl-'))
    resume = { validator: null, total: null }
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })

  const partPath = () => join(dir, 'abc-1.part')
  const request = (overrides: Partial<AttemptRequest> = {}): AttemptRequest => {
    const space = new SpaceBook(async () => 1e12, 0)
    return {
      url,
      policy: { allowLoopbackHttp: true, resolve: table({}) },
      partPath: partPath(),
      pathFor: (type) => join(dir, `abc-1.${type.ext}`),
      promised: { kind: 'image', filename: null },
      resume,
      maxBytes: 10_000_000,
      timeoutMs: 20_000,
      stallMs: 10_000,
      claimSpace: (d, n) => space.claim(d, n),
      freeSpace: async () => 1e12,
      ...overrides,
    }
  }
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('it should fail'), (error: unknown) => error as DownloadError)
  const files = async () => (await readdir(dir)).sort()
  const mediaLog = async () => ((await (await fetch(`${sim.url}/__sim/media-log`)).json()) as MediaLog).requests

  it('saves a whole file under its final name, typed and hashed, with no .part left', async () => {
    const file = await downloadAttempt(request())
    expect(file).toMatchObject({ path: join(dir, 'abc-1.png'), bytes: body.length, sha256: sha256(body), resumedFrom: 0 })
    expect(file.type).toEqual({ mime: 'image/png', ext: 'png', kind: 'image' })
    expect(await readFile(file.path)).toEqual(body)
    expect(await files()).toEqual(['abc-1.png'])
  })

  it('resumes a download cut at 50 %: Range + If-Range, only the rest is sent, and the hash covers the whole file', async () => {
    sim.faults.cutDownloadsAtPercent = 50
    const cut = await failure(downloadAttempt(request()))
    expect(cut).toMatchObject({ retryable: true, message: `the download was cut short: got 150000 of 300000 bytes` })
    // The start is kept, never under the final name, with what resuming it needs beside it.
    expect(await files()).toEqual(['abc-1.part', 'abc-1.part.resume'])
    expect((await stat(partPath())).size).toBe(150_000)

    const file = await downloadAttempt(request())
    expect(file).toMatchObject({ bytes: body.length, sha256: sha256(body), resumedFrom: 150_000 })
    expect(await readFile(file.path)).toEqual(body)
    expect(await files()).toEqual(['abc-1.png'])

    const [first, second] = await mediaLog()
    expect(first).toMatchObject({ range: null, ifRange: null, status: 200, bytesSent: 150_000 })
    const etag = (await fetch(url, { method: 'HEAD' })).headers.get('etag')
    expect(second).toMatchObject({ range: 'bytes=150000-', ifRange: etag, status: 206, bytesSent: 150_000 })
  })

  it('keeps every byte a host sends before it closes, attempt after attempt (nothing lost while the .part is read)', async () => {
    sim.faults.truncateDownloads = true // each answer: half of what was asked, then the connection closes
    const got: string[] = []
    for (let i = 0; i < 4; i++) got.push((await failure(downloadAttempt(request()))).message)
    expect(got).toEqual([150_000, 225_000, 262_500, 281_250].map((n) => `the download was cut short: got ${n} of 300000 bytes`))
    sim.faults.truncateDownloads = false
    const file = await downloadAttempt(request())
    expect(file).toMatchObject({ sha256: sha256(body), resumedFrom: 281_250 })
  })

  it('starts over when the host answers a Range with the whole file (200)', async () => {
    let calls = 0
    const host = await serve((req, res) => {
      calls++
      const ranged = req.headers.range !== undefined
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length, etag: '"v1"' })
      if (calls === 1 && !ranged) {
        res.write(body.subarray(0, 100_000), () => res.socket?.end())
        return
      }
      res.end(body)
    })
    try {
      const first = await failure(downloadAttempt(request({ url: `${host.url}/x.png` })))
      expect(first.retryable).toBe(true)
      expect(resume.validator).toBe('"v1"')
      const file = await downloadAttempt(request({ url: `${host.url}/x.png` }))
      expect(file).toMatchObject({ bytes: body.length, sha256: sha256(body), resumedFrom: 0 })
      expect(await readFile(file.path)).toEqual(body)
    } finally {
      await host.close()
    }
  })

  it('starts over when the file changed on the host (If-Range no longer matches) and saves the new one', async () => {
    const v2 = pngBytes(200_000).fill(7, 8)
    let version = 1
    const host = await serve((req, res) => {
      const etag = `"v${version}"`
      const bytes = version === 1 ? body : v2
      if (req.headers.range && req.headers['if-range'] === etag) {
        const start = Number(/bytes=(\d+)-/.exec(req.headers.range)![1])
        res.writeHead(206, { 'content-type': 'image/png', 'content-length': bytes.length - start, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`, etag })
        res.end(bytes.subarray(start))
        return
      }
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length, etag })
      if (version === 1) {
        res.write(bytes.subarray(0, 100_000), () => res.socket?.end())
        version = 2
        return
      }
      res.end(bytes)
    })
    try {
      await failure(downloadAttempt(request({ url: `${host.url}/x.png` })))
      const file = await downloadAttempt(request({ url: `${host.url}/x.png` }))
      expect(file).toMatchObject({ bytes: v2.length, sha256: sha256(v2), resumedFrom: 0 })
    } finally {
      await host.close()
    }
  })

  it('starts over when the host has nothing past the .part (416)', async () => {
    const head = await fetch(url, { method: 'HEAD' })
    await writeFile(partPath(), Buffer.concat([body, Buffer.from('stale tail')]))
    resume.validator = head.headers.get('etag')
    resume.total = body.length
    const file = await downloadAttempt(request())
    expect(file).toMatchObject({ bytes: body.length, sha256: sha256(body), resumedFrom: 0 })
    expect((await mediaLog()).map((r) => r.status)).toEqual([200, 416, 200])
  })

  it('never shows a file whose Content-Length is wrong', async () => {
    sim.faults.wrongContentLength = true
    for (let i = 0; i < 2; i++) {
      const error = await failure(downloadAttempt(request()))
      expect(error).toMatchObject({ retryable: true, diskFull: false, message: 'the download was cut short: got 300000 of 450000 bytes' })
      expect(existsSync(join(dir, 'abc-1.png'))).toBe(false)
    }
    // The second attempt asked for the rest, was told there is none (416), and started over.
    expect((await mediaLog()).map((r) => r.status)).toEqual([200, 416, 200])
  })

  it.each(['labelled', 'disguised'] as const)('refuses an HTML page served for an image (%s), keeping nothing', async (mode) => {
    sim.faults.serveHtmlForMedia = mode
    const error = await failure(downloadAttempt(request()))
    expect(error).toMatchObject({ retryable: false, message: 'the host sent a web page instead of the image' })
    expect(await files()).toEqual([])
  })

  it('refuses JSON where a video was promised, and bytes that do not match a declared PNG', async () => {
    const json = await upload(sim, Buffer.from('{"error":"Request has expired"}'), 'video/mp4')
    const refusedJson = await failure(downloadAttempt(request({ url: json, promised: { kind: 'video', filename: 'clip.mp4' } })))
    expect(refusedJson.message).toBe('the host sent JSON data instead of the video')
    const noise = await upload(sim, Buffer.alloc(5000, 0), 'image/png')
    const refusedNoise = await failure(downloadAttempt(request({ url: noise })))
    expect(refusedNoise.message).toMatch(/not the image\/png image it declared/)
    expect(await files()).toEqual([])
  })

  it('saves what the bytes are when the header says otherwise (a PNG served as image/jpeg)', async () => {
    const mislabelled = await upload(sim, body, 'image/jpeg')
    const file = await downloadAttempt(request({ url: mislabelled }))
    expect(file.path).toBe(join(dir, 'abc-1.png'))
    expect(file.type.mime).toBe('image/png')
  })

  it('refuses a redirect to a name that resolves to a private address, before connecting to it', async () => {
    const resolve = table({ 'media.internal.test': '10.0.0.1' })
    sim.faults.redirectMediaTo = 'https://media.internal.test{path}'
    const tcpConnect = vi.spyOn(net, 'connect')
    const tlsConnect = vi.spyOn(tls, 'connect')
    const error = await failure(downloadAttempt(request({ policy: { allowLoopbackHttp: true, resolve } })))
    expect(error).toMatchObject({ retryable: false, message: 'refused redirect: media.internal.test resolves to a private or reserved address (10.0.0.1)' })
    expect(resolve.calls).toEqual(['media.internal.test'])
    expect(tcpConnect).toHaveBeenCalledTimes(1) // the first hop only, to the simulator
    expect(tcpConnect.mock.calls[0]![0]).toMatchObject({ host: '127.0.0.1', port: new URL(sim.url).port })
    expect(tlsConnect).not.toHaveBeenCalled()
    expect(await files()).toEqual([])
  })

  it('follows a redirect that passes the checks, and refuses an endless one', async () => {
    sim.faults.redirectMediaTo = `${sim.url}{path}`
    expect((await downloadAttempt(request())).sha256).toBe(sha256(body))
    await rm(join(dir, 'abc-1.png'))
    sim.faults.redirectMediaTo = url // no `{path}`: every hop redirects again
    expect((await failure(downloadAttempt(request()))).message).toBe('refused: the output link redirects too many times')
  })

  it('connects only to the address the guard checked (the name is never looked up again)', async () => {
    const port = new URL(sim.url).port
    const resolve = table({ 'media.example.test': '127.0.0.1' })
    const pinned = new URL(url)
    pinned.hostname = 'media.example.test'
    pinned.port = port
    const file = await downloadAttempt(request({ url: pinned.toString(), policy: { allowLoopbackHttp: true, resolve } }))
    expect(file.sha256).toBe(sha256(body))
  })

  it('refuses a host whose TLS certificate is not trusted, before a byte is written', async () => {
    const fixtures = join(import.meta.dirname, 'fixtures')
    const server = createHttpsServer({ key: await readFile(join(fixtures, 'self-signed.key')), cert: await readFile(join(fixtures, 'self-signed.crt')) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const error = await failure(downloadAttempt(request({ url: `https://127.0.0.1:${port}/poster.png` })))
      expect(error).toMatchObject({ retryable: false, message: "the output host's certificate was refused (DEPTH_ZERO_SELF_SIGNED_CERT)" })
      expect(await files()).toEqual([])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('refuses a file over the size limit, by its Content-Length and by what arrives', async () => {
    const declared = await failure(downloadAttempt(request({ maxBytes: 100_000 })))
    expect(declared).toMatchObject({ retryable: false, message: 'the output is larger than the 100 kB limit (300 kB)' })
    const chunked = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }) // no Content-Length: chunked
      res.end(body)
    })
    try {
      const counted = await failure(downloadAttempt(request({ url: `${chunked.url}/x.png`, maxBytes: 100_000 })))
      expect(counted.message).toBe('the output is larger than the 100 kB limit')
    } finally {
      await chunked.close()
    }
    expect(await files()).toEqual([])
  })

  it('checks the free space before writing and keeps nothing when it is short', async () => {
    await writeFile(partPath(), body.subarray(0, 1000)) // an earlier attempt's bytes go too
    resume.validator = '"whatever"'
    const space = new SpaceBook(async () => 50_000, 0)
    const error = await failure(downloadAttempt(request({ claimSpace: (d, n) => space.claim(d, n) })))
    expect(error.diskFull).toBe(true)
    expect(error.message).toMatch(/^not enough free space on \/.*: needs 300 kB, has 50 kB$/)
    expect(await files()).toEqual([])
  })

  it('fails clearly on a disk that fills up mid-write, and removes the .part', async () => {
    // A sink that writes the real .part until 100 kB, then fails as a full disk does.
    const filling: OpenPart = async (path, mode) => {
      const real = await openPartFile(path, mode)
      let written = 0
      return {
        write(chunk) {
          written += chunk.length
          if (written > 100_000) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))
          return real.write(chunk)
        },
        commit: () => real.commit(),
        abort: () => real.abort(),
      }
    }
    const error = await failure(downloadAttempt(request({ openPart: filling, freeSpace: async () => 0 })))
    expect(error).toMatchObject({ diskFull: true })
    expect(error.message).toMatch(/^not enough free space on \/.*: needs 300 kB, has 0 bytes$/)
    expect(await files()).toEqual([])
  })

  it('reports a real ENOSPC (a .part written to /dev/full) as a full disk', async () => {
    const devFull: OpenPart = (_path, mode) => openPartFile('/dev/full', mode)
    const error = await failure(downloadAttempt(request({ openPart: devFull })))
    expect(error).toMatchObject({ diskFull: true })
    expect(error.message).toMatch(/^not enough free space on /)
    expect(await files()).toEqual([])
  })

  it('passes on Retry-After with a 429, and marks 404 as an expired link', async () => {
    Object.assign(sim.faults, { failDownloadsWithStatus: 429, retryAfterSeconds: 2 })
    expect(await failure(downloadAttempt(request()))).toMatchObject({ retryable: true, retryAfterMs: 2000, message: 'the output host answered HTTP 429' })
    Object.assign(sim.faults, { failDownloadsWithStatus: 404, retryAfterSeconds: null })
    expect(await failure(downloadAttempt(request()))).toMatchObject({ retryable: false, expired: true })
  })

  it('ends an attempt whose host stops sending, keeping the bytes for a resume', async () => {
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length, etag: '"s"' })
      res.write(body.subarray(0, 70_000)) // then nothing
    })
    try {
      const error = await failure(downloadAttempt(request({ url: `${host.url}/x.png`, stallMs: 300 })))
      expect(error).toMatchObject({ retryable: true, message: 'the output host stopped sending (no data for 0 s)' })
      expect((await stat(partPath())).size).toBe(70_000)
    } finally {
      await host.close()
    }
  })
})
