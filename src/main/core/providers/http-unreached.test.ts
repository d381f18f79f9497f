import { createSocket } from 'node:dgram'
import { Resolver } from 'node:dns'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { connect, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { requestJson, unreachedError } from './http'
import { ProviderError } from './types'

// Issue 15, item 2: each way a request can fail to reach the service gets its own code, from a REAL Node
// error on loopback (never real DNS, never a non-loopback address). The renderer words each code.

const fixtures = join(import.meta.dirname, '..', 'downloads', 'fixtures')
const servers: Array<{ close(cb?: () => void): unknown }> = []
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()))
})

const call = (url: string, timeoutMs = 5000) =>
  requestJson({ method: 'GET', url, apiKey: 'k', timeoutMs, idempotent: false, describeError: () => ({ message: 'refused' }) })

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ProviderError)
  return error as ProviderError
}

async function listen(server: Server | ReturnType<typeof createHttpsServer>): Promise<number> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

describe('requestJson: a request that never reached the service', () => {
  it('ECONNREFUSED (a closed loopback port) is PROVIDER_CONNECTION_REFUSED, with the raw words as the message', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const error = await failure(call(`http://127.0.0.1:${port}/api/deployments`))
    expect(error.code).toBe('PROVIDER_CONNECTION_REFUSED')
    expect(error.message).toBe(`cannot reach 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`)
    expect(error.details.answerLost).toBe(false)
  })

  it('a self-signed certificate (a loopback HTTPS server) is PROVIDER_TLS', async () => {
    const server = createHttpsServer({ key: await readFile(join(fixtures, 'self-signed.key')), cert: await readFile(join(fixtures, 'self-signed.crt')) }, (_req, res) =>
      res.end('{}'),
    )
    const port = await listen(server)
    const error = await failure(call(`https://127.0.0.1:${port}/api/deployments`))
    expect(error.code).toBe('PROVIDER_TLS')
    expect(error.message).toMatch(new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port}: .*(self[- ]signed|certificate)`, 'i'))
    expect(error.details.answerLost).toBe(false)
  })

  it('a loopback server that never answers is PROVIDER_TIMEOUT', async () => {
    const port = await listen(createServer(() => undefined))
    const error = await failure(call(`http://127.0.0.1:${port}/api/deployments`, 300))
    expect(error.code).toBe('PROVIDER_TIMEOUT')
    expect(error.message).toBe('no answer within 0.3 s')
  })

  it('ENOTFOUND from a resolver (a loopback DNS server that knows no names) is PROVIDER_NAME_NOT_FOUND', async () => {
    // A DNS server on loopback answering every query "no such name" (NXDOMAIN): the resolver's error is Node's own.
    const dns = createSocket('udp4')
    dns.on('message', (query, peer) => {
      const answer = Buffer.from(query)
      answer.writeUInt16BE(0x8183, 2) // a response, recursion desired and available, RCODE 3: no such name
      answer.writeUInt16BE(0, 6) // no answers
      answer.writeUInt16BE(0, 8)
      answer.writeUInt16BE(0, 10)
      dns.send(answer.subarray(0, answer.length), peer.port, peer.address)
    })
    await new Promise<void>((resolve) => dns.bind(0, '127.0.0.1', resolve))
    servers.push({ close: (cb?: () => void) => dns.close(cb) })
    const resolver = new Resolver({ timeout: 1000, tries: 1 })
    resolver.setServers([`127.0.0.1:${(dns.address() as AddressInfo).port}`])

    // A socket whose lookup goes through that resolver: the error it emits is the one fetch would wrap.
    const cause = await new Promise<Error>((resolve) => {
      const socket = connect({
        host: 'api.comfydeploy.invalid',
        port: 443,
        lookup: (hostname, _options, callback) =>
          resolver.resolve4(hostname, (error, addresses) => (error ? callback(error, '', 4) : callback(null, addresses[0] ?? '', 4))),
      })
      socket.on('error', resolve)
    })
    expect((cause as NodeJS.ErrnoException).code).toBe('ENOTFOUND')
    const error = unreachedError(new TypeError('fetch failed', { cause }), 'https://api.comfydeploy.invalid/api/deployments')
    expect(error.code).toBe('PROVIDER_NAME_NOT_FOUND')
    expect(error.message).toMatch(/^cannot reach api\.comfydeploy\.invalid: .*ENOTFOUND/)
    expect(error.details.answerLost).toBe(false)
  })

  it('no network (EAI_AGAIN, ENETUNREACH) is PROVIDER_OFFLINE; anything else stays PROVIDER_UNAVAILABLE', () => {
    const wrapped = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code} api.runcomfy.net`), { code }) })
    expect(unreachedError(wrapped('EAI_AGAIN'), 'https://api.runcomfy.net/prod/v1').code).toBe('PROVIDER_OFFLINE')
    expect(unreachedError(wrapped('ENETUNREACH'), 'https://api.runcomfy.net/prod/v1').code).toBe('PROVIDER_OFFLINE')
    const other = unreachedError(wrapped('ECONNRESET'), 'https://api.runcomfy.net/prod/v1')
    expect(other.code).toBe('PROVIDER_UNAVAILABLE')
    // The request may have arrived before the connection broke: a submit is reconciled, never repeated.
    expect(other.details.answerLost).toBe(true)
  })
})
