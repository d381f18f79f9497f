import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebHost } from '../../src/main/web/web-host'
import type { CourierEvent } from '../../src/shared/events'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'
import { startTestWebHost } from '../support/web-host-fixture'

const TOKEN = 'test-token-0123456789abcdefghijklmnop'

/** A raw request, so the Host header can be anything (fetch will not send a foreign Host). */
function raw(port: number, opts: { path: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: opts.path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

describe('the web host', () => {
  let t: TestCore
  let host: WebHost
  const auth = { authorization: `Bearer ${TOKEN}` }
  const api = (method: string, args: unknown, headers: Record<string, string> = auth) =>
    fetch(`${host.origin}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(args) })

  beforeAll(async () => {
    t = await startTestCore({})
    host = await startTestWebHost(t, TOKEN)
  })
  afterAll(async () => {
    await host.close()
    await t.stop()
    await removeDir(t.dataDir)
  })

  it('is bound to loopback and prints a URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`)
  })

  it('refuses requests without the token with 401', async () => {
    expect((await api('app.info', {}, {})).status).toBe(401)
    expect((await api('app.info', {}, { authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await fetch(`${host.origin}/`)).status).toBe(401)
    expect((await fetch(`${host.origin}/?token=wrong`)).status).toBe(401)
    expect((await fetch(`${host.origin}/api/events`)).status).toBe(401)
  })

  it('refuses a foreign Host header or Origin with 403, token or not', async () => {
    const foreignHost = await raw(host.port, { path: '/api/app.info', method: 'POST', headers: { host: 'evil.example:80', ...auth, 'content-type': 'application/json' }, body: '{}' })
    expect(foreignHost.status).toBe(403)
    const rebinding = await raw(host.port, { path: `/?token=${TOKEN}`, headers: { host: `attacker.test:${host.port}` } })
    expect(rebinding.status).toBe(403)
    expect((await api('app.info', {}, { ...auth, origin: 'https://evil.example' })).status).toBe(403)
  })

  it('trades the token in the URL for an HttpOnly cookie, then serves the app with a CSP', async () => {
    const opened = await fetch(host.url, { redirect: 'manual' })
    expect(opened.status).toBe(302)
    expect(opened.headers.get('location')).toBe('/')
    const cookie = opened.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const page = await fetch(`${host.origin}/`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('<div id="root">')
    const info = await api('app.info', {}, { cookie: cookie.split(';')[0]! })
    expect(await info.json()).toMatchObject({ ok: true, value: { mode: 'web', dataDir: t.dataDir } })
  })

  it('answers API errors as results, not exceptions', async () => {
    expect(await (await api('runs.explode', {})).json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
    expect(await (await api('runs.get', { id: 42 })).json()).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(await (await api('runs.get', { id: 'r_missing' })).json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const notJson = await fetch(`${host.origin}/api/app.info`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{' })
    expect(notJson.status).toBe(400)
  })

  it('takes a file of the largest size the app allows as base64, and stops reading a body beyond it', async () => {
    const largest = Buffer.alloc(25 * 1024 * 1024, 7)
    const answer = await api('files.inspect', { fileName: 'large.bin', dataBase64: largest.toString('base64') })
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ ok: true, value: { source: null } })
    // Refused mid-body: a 413 when the client reads it before the socket closes, else the connection is cut.
    const beyond = await api('files.inspect', { fileName: 'huge.bin', dataBase64: Buffer.alloc(27 * 1024 * 1024, 7).toString('base64') }).then(
      (response) => response.status,
      (error: Error) => (error.cause as { code?: string } | undefined)?.code ?? error.message,
    )
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(beyond)
  })

  it('streams events over SSE and serves the saved image, with byte ranges', async () => {
    const controller = new AbortController()
    const stream = await fetch(`${host.origin}/api/events`, { headers: auth, signal: controller.signal })
    expect(stream.headers.get('content-type')).toBe('text/event-stream')
    const events: CourierEvent[] = []
    const reading = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of stream.body!) {
        buffer += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = frame.split('\n').find((line) => line.startsWith('data: '))
          if (data) events.push(JSON.parse(data.slice(6)) as CourierEvent)
          if (events.some((e) => e.type === 'output.saved')) return
        }
      }
    })()

    const deployments = (await (await api('deployments.list', { provider: 'demo' })).json()) as { value: { id: string; name: string }[] }
    const deployment = deployments.value.find((d) => d.name === 'Dreamscape SDXL')!
    const submitted = (await (await api('runs.submit', { provider: 'demo', deploymentId: deployment.id, inputs: { positive_prompt: 'over SSE' } })).json()) as { value: { id: string } }
    await reading
    controller.abort()
    const statuses = events.flatMap((e) => (e.type === 'run.updated' && e.run.id === submitted.value.id ? [e.run.status] : []))
    expect(statuses).toEqual(expect.arrayContaining(['queued', 'running', 'succeeded']))
    const saved = events.find((e): e is Extract<CourierEvent, { type: 'output.saved' }> => e.type === 'output.saved')!

    const media = await fetch(`${host.origin}/media/${saved.output.id}`, { headers: auth })
    expect(media.status).toBe(200)
    expect(media.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await media.arrayBuffer()).length).toBe(saved.output.bytes)
    const part = await fetch(`${host.origin}/media/${saved.output.id}`, { headers: { ...auth, range: 'bytes=0-7' } })
    expect(part.status).toBe(206)
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect((await fetch(`${host.origin}/media/o_nope`, { headers: auth })).status).toBe(404)
    expect((await fetch(`${host.origin}/media/..%2f..%2fcourier.db`, { headers: auth })).status).toBe(404)
  })

  it('serves built assets but never files outside the renderer folder', async () => {
    expect((await fetch(`${host.origin}/assets/app.js`, { headers: auth })).status).toBe(200)
    expect((await fetch(`${host.origin}/assets/missing.js`, { headers: auth })).status).toBe(404)
    const traversal = await raw(host.port, { path: '/..%2f..%2fcourier.db', headers: { host: `127.0.0.1:${host.port}`, ...auth } })
    expect(traversal.status).toBe(404)
  })
})
