import { createHash } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startSim, type Sim } from '../../../sim/index'
import { DownloadManager, type DownloadJob, type ProgressUpdate } from './download-manager'
import { openPartFile, type OpenPart } from './part-file'
import type { Resolver } from './url-guard'

const noResolve: Resolver = async () => []
function pngBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 13) & 0xff
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0)
  return bytes
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

async function upload(sim: Sim, bytes: Buffer): Promise<string> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'file.png')
  const res = await fetch(`${sim.url}/api/file/upload`, { method: 'POST', body: form, headers: { authorization: 'Bearer k' } })
  return ((await res.json()) as { file_url: string }).file_url
}

describe('DownloadManager', () => {
  let sim: Sim
  let dir: string
  const body = pngBytes(300_000)
  let url: string
  const waits: number[] = []
  const stop = new AbortController()

  beforeAll(async () => {
    sim = await startSim({ timeScale: 0.05 })
  })
  afterAll(() => sim.close())
  beforeEach(async () => {
    sim.reset()
    waits.length = 0
    url = await upload(sim, body)
    dir = await mkdtemp(join(tmpdir(), 'courier-mgr-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  const manager = (options: ConstructorParameters<typeof DownloadManager>[0] = {}) =>
    new DownloadManager({
      freeSpace: async () => 1e12,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms)
      },
      ...options,
    })
  const job = (name: string, seen: ProgressUpdate[] = [], overrides: Partial<DownloadJob> = {}): DownloadJob => ({
    url,
    policy: { allowLoopbackHttp: true, resolve: noResolve },
    partPath: join(dir, `${name}.part`),
    pathFor: (type) => join(dir, `${name}.${type.ext}`),
    promised: { kind: 'image', filename: null },
    onProgress: (p) => seen.push(p),
    ...overrides,
  })

  it('retries 5xx with full-jitter backoff, saying why, then saves the file', async () => {
    Object.assign(sim.faults, { failDownloadsWithStatus: 503, failDownloadsTimes: 2 })
    const seen: ProgressUpdate[] = []
    const file = await manager().download(job('a', seen), stop.signal)
    expect(file.sha256).toBe(sha256(body))
    expect(waits).toEqual([250, 500]) // half of 500 ms, then half of 1 s
    const states = seen.map((p) => p.state).filter((s, i, all) => s !== all[i - 1])
    expect(states).toEqual(['queued', 'retrying', 'downloading', 'done'])
    expect(seen.find((p) => p.state === 'retrying')!.message).toBe('the output host answered HTTP 503; retrying in a moment')
    expect(seen.at(-1)).toMatchObject({ state: 'done', receivedBytes: body.length, totalBytes: body.length, etaSeconds: 0, message: null })
  })

  it('honours Retry-After, and gives up after the last attempt with the reason', async () => {
    Object.assign(sim.faults, { failDownloadsWithStatus: 429, retryAfterSeconds: 2 })
    const seen: ProgressUpdate[] = []
    await expect(manager({ attempts: 3 }).download(job('b', seen), stop.signal)).rejects.toMatchObject({ message: 'the output host answered HTTP 429', retryable: true })
    expect(waits).toEqual([2000, 2000])
    expect(seen.filter((p) => p.state === 'retrying').map((p) => p.message)).toEqual([
      'the output host answered HTTP 429; retrying in 2 s',
      'the output host answered HTTP 429; retrying in 2 s',
    ])
    expect(seen.at(-1)).toMatchObject({ state: 'failed', message: 'the output host answered HTTP 429' })
  })

  it('does not wait here for a Retry-After longer than its limit', async () => {
    Object.assign(sim.faults, { failDownloadsWithStatus: 503, retryAfterSeconds: 3600 })
    await expect(manager().download(job('c'), stop.signal)).rejects.toMatchObject({ retryAfterMs: 3_600_000 })
    expect(waits).toEqual([])
  })

  it('does not retry a refusal', async () => {
    sim.faults.serveHtmlForMedia = 'labelled'
    const seen: ProgressUpdate[] = []
    await expect(manager().download(job('d', seen), stop.signal)).rejects.toMatchObject({ retryable: false })
    expect(seen.map((p) => p.state)).toEqual(['queued', 'downloading', 'failed'])
    expect(await readdir(dir)).toEqual([])
  })

  it('resumes a cut download on the next attempt', async () => {
    sim.faults.cutDownloadsAtPercent = 50
    const seen: ProgressUpdate[] = []
    const file = await manager().download(job('e', seen), stop.signal)
    expect(file).toMatchObject({ sha256: sha256(body), resumedFrom: 150_000 })
    expect(seen.find((p) => p.state === 'retrying')!.message).toMatch(/^the download was cut short: got 150000 of 300000 bytes; retrying/)
    // The resumed attempt announces itself at once, however soon after the last event it starts.
    expect(seen.map((p) => p.state).filter((s, i, all) => s !== all[i - 1])).toEqual(['queued', 'downloading', 'retrying', 'downloading', 'done'])
    expect(seen.find((p, i) => p.state === 'downloading' && seen[i - 1]?.state === 'retrying')!.receivedBytes).toBe(150_000)
    expect(await readdir(dir)).toEqual(['e.png'])
  })

  it('after a stop, is idle only once the stopped attempt has finished with its file (nothing writes after)', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const events: string[] = []
    // The disk holds the final sync until released: the attempt is finishing its file when the stop comes.
    const openPart: OpenPart = async (path, mode) => {
      const real = await openPartFile(path, mode)
      return {
        write: (chunk) => real.write(chunk),
        commit: async () => {
          events.push('committing')
          await gate
          await real.commit()
          events.push('committed')
        },
        abort: () => real.abort(),
      }
    }
    const stopping = new AbortController()
    const m = manager({ openPart })
    const download = m.download(job('s'), stopping.signal)
    await vi.waitFor(() => expect(events).toContain('committing'))
    stopping.abort()
    await expect(download).rejects.toMatchObject({ message: 'the download was stopped' })
    let idle = false
    const idled = m.idle().then(() => (idle = true))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(idle).toBe(false)
    release()
    await idled
    expect(events).toEqual(['committing', 'committed'])
  })

  it('resumes after a restart: a new manager continues the .part an earlier one left', async () => {
    sim.faults.cutDownloadsAtPercent = 50
    const before = manager({ attempts: 1 })
    await expect(before.download(job('r'), stop.signal)).rejects.toMatchObject({ retryable: true })
    expect((await readdir(dir)).sort()).toEqual(['r.part', 'r.part.resume'])

    sim.faults.cutDownloadsAtPercent = 0
    const seen: ProgressUpdate[] = []
    const file = await manager().download(job('r', seen), stop.signal) // nothing in memory: as after a restart
    expect(file).toMatchObject({ sha256: sha256(body), resumedFrom: 150_000 })
    expect(seen.find((p) => p.state === 'downloading')!.receivedBytes).toBe(150_000)
    const log = (await (await fetch(`${sim.url}/__sim/media-log`)).json()) as { requests: { range: string | null; status: number; bytesSent: number }[] }
    expect(log.requests.map(({ range, status, bytesSent }) => ({ range, status, bytesSent }))).toEqual([
      { range: null, status: 200, bytesSent: 150_000 },
      { range: 'bytes=150000-', status: 206, bytesSent: 150_000 },
    ])
    expect(await readdir(dir)).toEqual(['r.png']) // the sidecar goes with the .part
  })

  it('starts over when the .part has no usable record of its version', async () => {
    sim.faults.cutDownloadsAtPercent = 50
    await expect(manager({ attempts: 1 }).download(job('s'), stop.signal)).rejects.toMatchObject({ retryable: true })
    await writeFile(join(dir, 's.part.resume'), '{"validator": 42')
    sim.faults.cutDownloadsAtPercent = 0
    const file = await manager().download(job('s'), stop.signal)
    expect(file).toMatchObject({ sha256: sha256(body), resumedFrom: 0 })
    expect(await readdir(dir)).toEqual(['s.png'])
  })

  it('reports progress at most every 250 ms, with a rate and an ETA', async () => {
    sim.faults.slowDownloadsBytesPerSecond = 400_000
    const clock: number[] = []
    const seen: ProgressUpdate[] = []
    const now = () => performance.now()
    const m = manager({
      now: () => {
        const t = now()
        clock.push(t)
        return t
      },
    })
    const at: number[] = []
    await m.download(job('f', [], { onProgress: (p) => (seen.push(p), at.push(clock.at(-1)!)) }), stop.signal)
    const downloading = seen.map((p, i) => ({ p, t: at[i]! })).filter(({ p }) => p.state === 'downloading')
    expect(downloading.length).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < downloading.length; i++) expect(downloading[i]!.t - downloading[i - 1]!.t).toBeGreaterThanOrEqual(250)
    const measured = downloading.filter(({ p }) => p.bytesPerSecond !== null)
    expect(measured.length).toBeGreaterThan(0)
    for (const { p } of measured) {
      expect(p.bytesPerSecond).toBeGreaterThan(0)
      expect(p.etaSeconds).toBeGreaterThanOrEqual(0)
      expect(p.totalBytes).toBe(body.length)
    }
    const received = downloading.map(({ p }) => p.receivedBytes)
    expect(received).toEqual([...received].sort((a, b) => a - b))
  })
})

describe('DownloadManager concurrency', () => {
  const servers: Server[] = []
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  /**
   * Hosts that hold every request until `release()`, counting how many are in flight per host. `arrived(n)`
   * resolves once n requests are in flight in all.
   */
  async function heldHosts(count: number) {
    const body = pngBytes(10_000)
    const inFlight = new Map<number, number>()
    const peakPerHost = new Map<number, number>()
    let total = 0
    let peak = 0
    const waiters: { n: number; wake: () => void }[] = []
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const urls: string[] = []
    for (let h = 0; h < count; h++) {
      const server = createServer((_req, res) => {
        total++
        inFlight.set(h, (inFlight.get(h) ?? 0) + 1)
        peak = Math.max(peak, total)
        peakPerHost.set(h, Math.max(peakPerHost.get(h) ?? 0, inFlight.get(h)!))
        for (const w of waiters) if (total >= w.n) w.wake()
        void released.then(() => {
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length })
          res.end(body, () => {
            total--
            inFlight.set(h, inFlight.get(h)! - 1)
          })
        })
      })
      servers.push(server)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    }
    return {
      urls,
      release: () => release(),
      arrived: (n: number) => new Promise<void>((wake) => waiters.push({ n, wake })),
      peak: () => peak,
      peakPerHost: () => Math.max(...peakPerHost.values()),
    }
  }

  async function run(urls: string[], jobs: number, until: Promise<void>, release: () => void) {
    const dir = await mkdtemp(join(tmpdir(), 'courier-mgr-'))
    try {
      const m = new DownloadManager({ freeSpace: async () => 1e12 })
      const started = Array.from({ length: jobs }, (_, i) =>
        m.download(
          {
            url: `${urls[i % urls.length]}/f${i}.png`,
            policy: { allowLoopbackHttp: true, resolve: noResolve },
            partPath: join(dir, `f${i}.part`),
            pathFor: (type) => join(dir, `f${i}.${type.ext}`),
            promised: { kind: 'image', filename: null },
          },
          new AbortController().signal,
        ),
      )
      await until
      expect(m.size).toBe(jobs)
      release()
      expect(await Promise.all(started)).toHaveLength(jobs)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  it('runs at most 3 files from one host at once', async () => {
    const hosts = await heldHosts(1)
    await run(hosts.urls, 5, hosts.arrived(3), hosts.release)
    expect(hosts.peakPerHost()).toBe(3)
  })

  it('runs at most 6 files in all, and no host more than 3', async () => {
    const hosts = await heldHosts(3)
    await run(hosts.urls, 15, hosts.arrived(6), hosts.release)
    expect(hosts.peak()).toBe(6)
    expect(hosts.peakPerHost()).toBeLessThanOrEqual(3)
  })
})
