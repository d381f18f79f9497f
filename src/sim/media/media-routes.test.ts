import http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'

/** Uploads `bytes` through the ComfyDeploy route and returns the simulator URL that serves them. */
async function stored(sim: Sim, bytes: Buffer): Promise<string> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), 'blob.bin')
  const res = await fetch(`${sim.url}/api/file/upload`, { method: 'POST', body: form, headers: { authorization: 'Bearer k' } })
  return ((await res.json()) as { file_url: string }).file_url
}

/** A raw GET that reports what arrived and how the connection ended, whatever the headers promised. */
function rawGet(url: string): Promise<{ declared: number; received: number; complete: boolean; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let received = 0
        res.on('data', (c: Buffer) => (received += c.length))
        const done = () => resolve({ declared: Number(res.headers['content-length']), received, complete: res.complete, ms: performance.now() - started })
        res.on('end', done)
        res.on('aborted', done)
        res.on('error', done)
      })
      .on('error', reject)
  })
}

describe('media downloads and their knobs', () => {
  let sim: Sim
  const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251))
  let url: string
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0.05 })
    url = await stored(sim, body)
  })
  afterEach(() => sim.close())

  it('serves the bytes with Content-Type and Content-Length, HEAD without a body', async () => {
    const res = await fetch(url)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('content-length')).toBe(String(body.length))
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true)
    const head = await fetch(url, { method: 'HEAD' })
    expect(head.headers.get('content-length')).toBe(String(body.length))
    expect((await head.arrayBuffer()).byteLength).toBe(0)
    expect(sim.stats().mediaServed).toBe(2)
  })

  it('truncateDownloads: full Content-Length, half the body, then the connection ends', async () => {
    sim.faults.truncateDownloads = true
    const got = await rawGet(url)
    expect(got).toMatchObject({ declared: body.length, received: body.length / 2, complete: false })
    await expect(fetch(url).then((r) => r.arrayBuffer())).rejects.toThrow()
  })

  it('wrongContentLength: declares more than it sends, then the connection ends', async () => {
    sim.faults.wrongContentLength = true
    const got = await rawGet(url)
    expect(got.declared).toBeGreaterThan(body.length)
    expect(got).toMatchObject({ received: body.length, complete: false })
  })

  it('slowDownloadsBytesPerSecond throttles the body', async () => {
    sim.faults.slowDownloadsBytesPerSecond = 400_000
    const got = await rawGet(url)
    expect(got).toMatchObject({ received: body.length, complete: true })
    // 200 kB at 400 kB/s: about half a second; a lower bound only, the machine may be slower.
    expect(got.ms).toBeGreaterThanOrEqual(400)
  })

  it('a client that goes away mid-download does not break the server', async () => {
    sim.faults.slowDownloadsBytesPerSecond = 100_000
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, (res) => {
        res.once('data', () => {
          req.destroy()
          resolve()
        })
      })
      req.on('error', (e) => (e.message.includes('aborted') || e.message.includes('socket hang up') ? resolve() : reject(e)))
    })
    sim.faults.slowDownloadsBytesPerSecond = null
    const res = await fetch(url)
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true)
  })
})

describe('media byte ranges and validators', () => {
  let sim: Sim
  const body = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 11) % 253))
  let url: string
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0.05 })
    url = await stored(sim, body)
  })
  afterEach(() => sim.close())

  const log = async () =>
    ((await (await fetch(`${sim.url}/__sim/media-log`)).json()) as { requests: { path: string; range: string | null; ifRange: string | null; status: number; bytesSent: number }[] })
      .requests

  it('sends a strong ETag, Last-Modified and Accept-Ranges, and serves a range as 206', async () => {
    const whole = await fetch(url)
    const etag = whole.headers.get('etag')!
    const lastModified = whole.headers.get('last-modified')!
    await whole.arrayBuffer()
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(Date.parse(lastModified)).toBeGreaterThan(0)
    expect(whole.headers.get('accept-ranges')).toBe('bytes')

    const part = await fetch(url, { headers: { range: 'bytes=60000-' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 60000-99999/100000')
    expect(part.headers.get('content-length')).toBe('40000')
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(60_000))).toBe(true)

    const suffix = await fetch(url, { headers: { range: 'bytes=-10' } })
    expect(Buffer.from(await suffix.arrayBuffer()).equals(body.subarray(-10))).toBe(true)
  })

  it('answers 416 past the end, and ignores a Range whose If-Range names another version', async () => {
    const beyond = await fetch(url, { headers: { range: 'bytes=100000-' } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe('bytes */100000')
    const etag = (await fetch(url, { method: 'HEAD' })).headers.get('etag')!

    const same = await fetch(url, { headers: { range: 'bytes=10-19', 'if-range': etag } })
    expect(same.status).toBe(206)
    await same.arrayBuffer()
    const other = await fetch(url, { headers: { range: 'bytes=10-19', 'if-range': '"another"' } })
    expect(other.status).toBe(200)
    expect(Buffer.from(await other.arrayBuffer()).equals(body)).toBe(true)
    const weak = await fetch(url, { headers: { range: 'bytes=10-19', 'if-range': `W/${etag}` } })
    expect(weak.status).toBe(200)
    await weak.arrayBuffer()
    const lastModified = (await fetch(url, { method: 'HEAD' })).headers.get('last-modified')!
    const byDate = await fetch(url, { headers: { range: 'bytes=10-19', 'if-range': lastModified } })
    expect(byDate.status).toBe(206)
    await byDate.arrayBuffer()
    expect((await log()).map((r) => [r.status, r.ifRange])).toEqual([
      [416, null],
      [200, null],
      [206, etag],
      [200, '"another"'],
      [200, `W/${etag}`],
      [200, null],
      [206, lastModified],
    ])
  })

  it('cutDownloadsAtPercent cuts each URL’s first request only; a resume gets the rest', async () => {
    sim.faults.cutDownloadsAtPercent = 50
    expect(await rawGet(url)).toMatchObject({ declared: 100_000, received: 50_000, complete: false })
    const rest = await fetch(url, { headers: { range: 'bytes=50000-' } })
    expect(Buffer.from(await rest.arrayBuffer()).equals(body.subarray(50_000))).toBe(true)
    expect((await log()).map((r) => [r.range, r.bytesSent])).toEqual([
      [null, 50_000],
      ['bytes=50000-', 50_000],
    ])
  })

  it('cutDownloadsTimes cuts the next N requests, whatever the URL, then switches off', async () => {
    Object.assign(sim.faults, { cutDownloadsAtPercent: 10, cutDownloadsTimes: 2 })
    expect((await rawGet(url)).received).toBe(10_000)
    expect((await rawGet(url)).received).toBe(10_000)
    expect(await rawGet(url)).toMatchObject({ received: 100_000, complete: true })
    expect(sim.faults).toMatchObject({ cutDownloadsAtPercent: null, cutDownloadsTimes: null })
  })

  it('serveHtmlForMedia sends a sign-in page, labelled or disguised', async () => {
    sim.faults.serveHtmlForMedia = 'labelled'
    const labelled = await fetch(url)
    expect(labelled.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await labelled.text()).toMatch(/^<!DOCTYPE html>/)
    sim.faults.serveHtmlForMedia = 'disguised'
    const disguised = await fetch(url)
    expect(disguised.headers.get('content-type')).toBe('application/octet-stream')
    expect(await disguised.text()).toMatch(/Sign in/)
  })

  it('redirectMediaTo answers 302 once, with the path carried over', async () => {
    sim.faults.redirectMediaTo = `${sim.url}{path}`
    const hop = await fetch(url, { redirect: 'manual' })
    expect(hop.status).toBe(302)
    expect(hop.headers.get('location')).toBe(`${url}?redirected=1`)
    const followed = await fetch(url)
    expect(Buffer.from(await followed.arrayBuffer()).equals(body)).toBe(true)
  })

  it('failDownloadsWithStatus answers that status N times, with Retry-After', async () => {
    Object.assign(sim.faults, { failDownloadsWithStatus: 503, failDownloadsTimes: 1, retryAfterSeconds: 7 })
    const failed = await fetch(url)
    expect(failed.status).toBe(503)
    expect(failed.headers.get('retry-after')).toBe('7')
    await failed.arrayBuffer()
    expect((await fetch(url)).status).toBe(200)
  })
})
