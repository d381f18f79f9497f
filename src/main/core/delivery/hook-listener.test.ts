import { request as httpRequest } from 'node:http'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../log/logger'
import { clientKey, MAX_HOOK_BODY, startHookListener, type HookListener, type HookListenerOptions, type HookRequest } from './hook-listener'

const TOKEN = 'tok_SECRET_0123456789'

interface Started {
  listener: HookListener
  calls: HookRequest[]
  logLines: string[]
}

const open: HookListener[] = []
const sockets: Socket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  for (const listener of open.splice(0)) await listener.close()
})

async function start(overrides: Partial<HookListenerOptions> = {}): Promise<Started> {
  const calls: HookRequest[] = []
  const logLines: string[] = []
  const log: Logger = {
    debug: (m, f) => logLines.push(JSON.stringify({ m, f })),
    info: (m, f) => logLines.push(JSON.stringify({ m, f })),
    warn: (m, f) => logLines.push(JSON.stringify({ m, f })),
    error: (m, f) => logLines.push(JSON.stringify({ m, f })),
    child: () => log,
  }
  const listener = await startHookListener({
    port: 0,
    instanceId: 'test-instance',
    log,
    handler: (request) => {
      calls.push(request)
      return { status: 200, body: { ok: true, bytes: request.body.length } }
    },
    ...overrides,
  })
  open.push(listener)
  return { listener, calls, logLines }
}

/** A raw loopback connection whose bytes we write by hand; `closed` resolves with ms since connect. */
async function rawSocket(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<number>; isClosed: () => boolean }> {
  const socket = connect(port, '127.0.0.1')
  sockets.push(socket)
  let text = ''
  let isClosed = false
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
  socket.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const connectedAt = Date.now()
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      isClosed = true
      resolve(Date.now() - connectedAt)
    }),
  )
  return { socket, received: () => text, closed, isClosed: () => isClosed }
}

/** Rejects when `promise` takes longer than `ms`: every wait in these tests is bounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)
    }),
  ])
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const post = (url: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })

describe('hook listener: routes', () => {
  it('answers the health route and the hook routes, 404 for everything else', async () => {
    const { listener, calls } = await start()
    const health = await fetch(`${listener.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true, service: 'comfy-courier', instance: 'test-instance' })

    const hook = await post(`${listener.url}/hooks/comfydeploy/${TOKEN}`, '{"a":1}')
    expect(hook.status).toBe(200)
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({ family: 'comfydeploy', token: TOKEN })
    expect(calls[0]!.body.toString()).toBe('{"a":1}')
    // ComfyDeploy may retry as GET.
    expect((await fetch(`${listener.url}/hooks/runcomfy/${TOKEN}`)).status).toBe(200)

    for (const path of ['/', '/hooks/other/abc', '/hooks/comfydeploy/', '/hooks/comfydeploy/a/b', '/api/runs.list']) {
      expect((await post(`${listener.url}${path}`, '{}')).status, path).toBe(404)
    }
    expect((await fetch(`${listener.url}/hooks/comfydeploy/${TOKEN}`, { method: 'PUT', body: '{}' })).status).toBe(404)
    expect(calls).toHaveLength(2)
  })

  it('answers 400 to a request target that is not a URL, and keeps serving', async () => {
    const { listener, calls } = await start()
    const raw = await rawSocket(listener.port)
    raw.socket.write('GET http://[/ HTTP/1.1\r\nHost: a\r\n\r\n')
    await within(
      (async () => {
        while (!raw.received().includes('bad request target')) await sleep(10)
      })(),
      2000,
      'answer to a broken target',
    )
    expect(raw.received()).toMatch(/^HTTP\/1\.1 400 /)
    expect((await fetch(`${listener.url}/healthz`)).status).toBe(200)
    expect(calls).toEqual([])
  })
})

describe('hook listener: header deadline (slowloris)', () => {
  it('destroys a connection that trickles its headers past the deadline', async () => {
    const { listener, calls } = await start({ headerDeadlineMs: 300 })
    const raw = await rawSocket(listener.port)
    raw.socket.write('POST /hooks/comfydeploy/x HTTP/1.1\r\nHost: a\r\n')
    // A header byte every 100 ms: bytes keep coming, but the deadline runs from the first one.
    const header = 'X-Slow: ' + 'a'.repeat(200)
    let i = 0
    const trickle = setInterval(() => {
      if (!raw.isClosed()) raw.socket.write(header[i++ % header.length]!)
    }, 100)
    try {
      const elapsed = await within(raw.closed, 3000, 'slowloris socket closed')
      expect(elapsed).toBeGreaterThanOrEqual(250)
      expect(elapsed).toBeLessThan(1500)
    } finally {
      clearInterval(trickle)
    }
    expect(raw.received()).toBe('') // destroyed, not answered: no stray 408 for a tunnel to pass on
    expect(calls).toEqual([])
  })

  it('also destroys a keep-alive connection whose second request trickles', async () => {
    const { listener } = await start({ headerDeadlineMs: 300 })
    const raw = await rawSocket(listener.port)
    raw.socket.write('GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n')
    await within(
      (async () => {
        while (!raw.received().includes('comfy-courier')) await sleep(10)
      })(),
      2000,
      'first answer',
    )
    await sleep(500) // idle between requests: fine
    expect(raw.isClosed()).toBe(false)
    raw.socket.write('GET /healthz HTTP/1.1\r\nHo')
    const sentAt = Date.now()
    await within(raw.closed, 3000, 'second request cut off')
    expect(Date.now() - sentAt).toBeLessThan(1500)
  })

  it('leaves an idle connection that sends nothing alone, and serves it later', async () => {
    const { listener } = await start({ headerDeadlineMs: 300 })
    const idle = await rawSocket(listener.port)
    await sleep(1000)
    expect(idle.isClosed()).toBe(false)
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n')
    await within(
      (async () => {
        while (!idle.received().includes('comfy-courier')) await sleep(10)
      })(),
      2000,
      'answer on the idle socket',
    )
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /)
    // And after the answer, idling again is still fine.
    await sleep(700)
    expect(idle.isClosed()).toBe(false)
  })

  it('closes every connection and clears its timers on close()', async () => {
    const { listener } = await start({ headerDeadlineMs: 60_000 })
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const slow = await rawSocket(listener.port)
    slow.socket.write('POST /hooks/comfydeploy/x HTTP/1.1\r\n')
    const idle = await rawSocket(listener.port)
    await sleep(50)
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeGreaterThan(before)
    await within(listener.close(), 2000, 'listener closed')
    await within(Promise.all([slow.closed, idle.closed]), 2000, 'sockets closed')
    await sleep(20)
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(before)
  })
})

describe('hook listener: body', () => {
  it('answers 408 to a body that trickles past the body deadline', async () => {
    const { listener, calls } = await start({ deadlineMs: 300 })
    const raw = await rawSocket(listener.port)
    raw.socket.write(`POST /hooks/comfydeploy/${TOKEN} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`)
    const trickle = setInterval(() => {
      if (!raw.isClosed()) raw.socket.write(' ')
    }, 50)
    try {
      await within(raw.closed, 3000, 'socket closed after 408')
    } finally {
      clearInterval(trickle)
    }
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /)
    expect(raw.received()).toContain('body not received in time')
    expect(calls).toEqual([])
  })

  it('answers 413 to a 10 MB body announced by Content-Length, without calling the handler', async () => {
    const { listener, calls } = await start()
    const response = await post(`${listener.url}/hooks/comfydeploy/${TOKEN}`, new Uint8Array(10 * 1024 * 1024))
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: `body over ${MAX_HOOK_BODY} bytes` })
    expect(calls).toEqual([])
  })

  it('answers 413 as soon as a chunked body passes 1 MiB, without calling the handler', async () => {
    const { listener, calls } = await start()
    const status = await within(
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${listener.url}/hooks/comfydeploy/${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.on('error', reject)
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        let sent = 0
        const pump = () => {
          // Up to 10 MB, but the answer must come long before that.
          while (sent < 10 * 1024 * 1024 && !req.destroyed) {
            sent += chunk.length
            if (!req.write(chunk)) return void req.once('drain', pump)
          }
          if (!req.destroyed) req.end()
        }
        pump()
      }),
      5000,
      'chunked 413',
    )
    expect(status).toBe(413)
    expect(calls).toEqual([])
  })

  it('accepts a body just under the cap', async () => {
    const { listener, calls } = await start()
    const response = await post(`${listener.url}/hooks/comfydeploy/${TOKEN}`, new Uint8Array(MAX_HOOK_BODY))
    expect(response.status).toBe(200)
    expect(calls[0]?.body.length).toBe(MAX_HOOK_BODY)
  })
})

describe('hook listener: rate limit', () => {
  it('answers 429 with Retry-After past the limit, per forwarded address, health exempt', async () => {
    const { listener, calls, logLines } = await start({ rateLimit: { requests: 3, perMs: 60_000 } })
    const hook = `${listener.url}/hooks/comfydeploy/${TOKEN}`
    for (let i = 0; i < 3; i++) expect((await post(hook, '{}')).status).toBe(200)
    const refused = await post(hook, '{}')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20)
    expect(await refused.json()).toEqual({ error: 'too many requests' })
    expect(calls).toHaveLength(3)
    // Unknown routes count too (no free scanning), and are refused the same way.
    expect((await post(`${listener.url}/nope`, '{}')).status).toBe(429)

    // The health route is never limited.
    for (let i = 0; i < 5; i++) expect((await fetch(`${listener.url}/healthz`)).status).toBe(200)

    // Behind the tunnel (loopback + x-forwarded-for), each caller has its own bucket.
    const from = (ip: string) => ({ 'x-forwarded-for': `${ip}, 10.0.0.1` })
    for (let i = 0; i < 3; i++) expect((await post(hook, '{}', from('203.0.113.7'))).status).toBe(200)
    expect((await post(hook, '{}', from('203.0.113.7'))).status).toBe(429)
    expect((await post(hook, '{}', from('198.51.100.2'))).status).toBe(200)
    expect(calls).toHaveLength(7)

    // The warning names the caller, never the path with its token.
    expect(logLines.some((line) => line.includes('rate limit'))).toBe(true)
    expect(logLines.join('\n')).not.toContain(TOKEN)
  })

  it('never limits webhooks for a run we know, so a flood cannot lock the services out', async () => {
    const { listener, calls } = await start({ rateLimit: { requests: 2, perMs: 60_000 }, isKnownHook: (_family, token) => token === TOKEN })
    const stranger = `${listener.url}/hooks/comfydeploy/${'z'.repeat(22)}`
    for (let i = 0; i < 2; i++) await post(stranger, '{}')
    expect((await post(stranger, '{}')).status).toBe(429)
    for (let i = 0; i < 10; i++) expect((await post(`${listener.url}/hooks/comfydeploy/${TOKEN}`, '{}')).status).toBe(200)
    expect(calls.filter((c) => c.token === TOKEN)).toHaveLength(10)
  })

  it('can be turned off', async () => {
    const { listener } = await start({ rateLimit: false })
    for (let i = 0; i < 80; i++) expect((await post(`${listener.url}/hooks/comfydeploy/${TOKEN}`, '{}')).status).toBe(200)
  })

  it('defaults to a burst of 60, refilling at 60 per 10 s', async () => {
    const { listener } = await start()
    const startedAt = Date.now()
    let passed = 0
    let refused: Response | null = null
    while (passed < 200) {
      const response = await post(`${listener.url}/hooks/comfydeploy/${TOKEN}`, '{}')
      if (response.status === 429) {
        refused = response
        break
      }
      expect(response.status).toBe(200)
      passed++
    }
    // The burst, plus one token per 10 000 / 60 ms for however long the loop took on this machine.
    const earned = Math.floor((Date.now() - startedAt) / (10_000 / 60))
    expect(passed).toBeGreaterThanOrEqual(60)
    expect(passed).toBeLessThanOrEqual(60 + earned)
    expect(refused?.headers.get('retry-after')).toBe('1')
  })
})

describe('clientKey', () => {
  it('is the socket address, unless loopback brought x-forwarded-for', () => {
    expect(clientKey('203.0.113.9', undefined)).toBe('203.0.113.9')
    // Only the tunnel on loopback is trusted to say who called.
    expect(clientKey('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9')
    expect(clientKey('127.0.0.1', undefined)).toBe('127.0.0.1')
    expect(clientKey('127.0.0.1', ' 198.51.100.4 , 10.0.0.2')).toBe('198.51.100.4')
    expect(clientKey('::1', '2001:DB8::1')).toBe('2001:db8::1')
    expect(clientKey('::ffff:127.0.0.1', '198.51.100.4')).toBe('198.51.100.4')
    expect(clientKey('127.0.0.1', '')).toBe('127.0.0.1')
    expect(clientKey('127.0.0.1', ['198.51.100.4', '10.0.0.3'])).toBe('198.51.100.4')
    expect(clientKey(undefined, '198.51.100.4')).toBe('unknown')
  })
})

describe('hook listener: options', () => {
  it('refuses deadlines that would fire at once or never', async () => {
    await expect(start({ headerDeadlineMs: 0 })).rejects.toThrow(RangeError)
    await expect(start({ deadlineMs: Number.POSITIVE_INFINITY })).rejects.toThrow(RangeError)
  })
})
