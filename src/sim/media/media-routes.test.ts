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
