import { describe, expect, it, vi } from 'vitest'
import { refuseOutputUrl, type Resolver } from './url-guard'

const resolverFor = (table: Record<string, string[]>): Resolver =>
  vi.fn(async (host: string) => (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))

describe('refuseOutputUrl', () => {
  const resolve = resolverFor({
    'cdn.example.com': ['93.184.216.34'],
    'evil.example.com': ['10.0.0.1'],
    'mixed.example.com': ['93.184.216.34', '192.168.1.20'],
    'metadata.example.com': ['169.254.169.254'],
    'v6.example.com': ['fd00::1'],
    'mapped.example.com': ['::ffff:10.1.2.3'],
    localhost: ['127.0.0.1'],
  })

  it('accepts a public https URL', async () => {
    expect(await refuseOutputUrl('https://cdn.example.com/o/1.png', { allowLoopbackHttp: false, resolve })).toBeNull()
  })

  it('refuses a name that resolves to a private address, before any connection', async () => {
    expect(await refuseOutputUrl('https://evil.example.com/x.png', { allowLoopbackHttp: false, resolve })).toMatch(/private/)
    expect(await refuseOutputUrl('https://mixed.example.com/x.png', { allowLoopbackHttp: false, resolve })).toMatch(/192\.168/)
    expect(await refuseOutputUrl('https://metadata.example.com/', { allowLoopbackHttp: false, resolve })).toMatch(/private/)
    expect(await refuseOutputUrl('https://v6.example.com/', { allowLoopbackHttp: false, resolve })).toMatch(/private/)
    expect(await refuseOutputUrl('https://mapped.example.com/', { allowLoopbackHttp: false, resolve })).toMatch(/private/)
  })

  it('refuses literal private addresses without resolving', async () => {
    const spy = resolverFor({})
    expect(await refuseOutputUrl('https://10.0.0.1/x.png', { allowLoopbackHttp: false, resolve: spy })).toMatch(/private/)
    expect(await refuseOutputUrl('https://[fe80::1]/x.png', { allowLoopbackHttp: false, resolve: spy })).toMatch(/private/)
    expect(spy).not.toHaveBeenCalled()
  })

  it('refuses plain http and loopback unless allowed, and credentials always', async () => {
    expect(await refuseOutputUrl('http://cdn.example.com/x.png', { allowLoopbackHttp: false, resolve })).toMatch(/https only/)
    expect(await refuseOutputUrl('https://localhost/x.png', { allowLoopbackHttp: false, resolve })).toMatch(/loopback/)
    expect(await refuseOutputUrl('http://127.0.0.1:9/x.png', { allowLoopbackHttp: true, resolve })).toBeNull()
    expect(await refuseOutputUrl('http://cdn.example.com/x.png', { allowLoopbackHttp: true, resolve })).toMatch(/only to loopback/)
    expect(await refuseOutputUrl('https://u:p@cdn.example.com/x.png', { allowLoopbackHttp: true, resolve })).toMatch(/credentials/)
    expect(await refuseOutputUrl('file:///etc/passwd', { allowLoopbackHttp: true, resolve })).toMatch(/not allowed/)
  })
})
