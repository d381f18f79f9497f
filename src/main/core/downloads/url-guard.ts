import { BlockList, isIP } from 'node:net'
import { lookup } from 'node:dns/promises'

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true })

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

/** Addresses an output URL must never reach: private, link-local, shared, multicast, reserved, unspecified. */
const forbidden = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  forbidden.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  forbidden.addSubnet(net, prefix, 'ipv6')

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4')

function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped?.[1] ?? address
}

export function isLoopback(address: string): boolean {
  const plain = unmapped(address)
  return loopback.check(plain, family(plain))
}

export function isForbiddenAddress(address: string): boolean {
  const plain = unmapped(address)
  return forbidden.check(plain, family(plain))
}

export interface UrlPolicy {
  /** Plain http to a loopback host: the built-in simulator and tests only. */
  allowLoopbackHttp: boolean
  resolve: Resolver
  /**
   * The user's own server (ComfyUI), on loopback or the LAN on purpose: URLs at exactly this origin may be
   * plain http and private, and get `headers` (its auth). Any other origin, redirects included, gets neither.
   */
  trusted?: { origin: string; headers: Record<string, string> } | null
}

export type UrlCheck =
  /** May be fetched, and only at these addresses: the connection is pinned to them (no second lookup). */
  | { ok: true; url: URL; host: string; addresses: { address: string; family: number }[] }
  /** `transient`: the name did not resolve, which a flaky network explains; worth another try later. */
  | { ok: false; reason: string; transient: boolean }

/**
 * Checks an output URL before any connection: https only (http only to loopback where allowed), no
 * credentials, and every address the name resolves to must be public (loopback only where allowed). The
 * addresses it returns are the ones the request must connect to, so a name cannot resolve to a public
 * address for the check and to a private one for the connection (DNS rebinding).
 */
export async function checkOutputUrl(raw: string, policy: UrlPolicy): Promise<UrlCheck> {
  const refuse = (reason: string, transient = false): UrlCheck => ({ ok: false, reason, transient })
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuse('not a valid URL')
  }
  if (url.username || url.password) return refuse('URLs carrying credentials are refused')
  const trusted = policy.trusted != null && url.origin === policy.trusted.origin
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (policy.allowLoopbackHttp || trusted))) {
    return refuse(`${url.protocol.replace(':', '')} is not allowed for downloads (https only)`)
  }
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let addresses: { address: string; family: number }[]
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await policy.resolve(host)
  } catch {
    return refuse(`cannot resolve ${host}`, true)
  }
  if (addresses.length === 0) return refuse(`cannot resolve ${host}`, true)
  if (trusted) return { ok: true, url, host, addresses: addresses.map(({ address, family }) => ({ address, family: family === 6 || isIP(address) === 6 ? 6 : 4 })) }
  for (const { address } of addresses) {
    if (isLoopback(address)) {
      if (!policy.allowLoopbackHttp) return refuse(`${host} resolves to a loopback address`)
      continue
    }
    if (isForbiddenAddress(address)) return refuse(`${host} resolves to a private or reserved address (${address})`)
  }
  if (url.protocol === 'http:' && !addresses.every(({ address }) => isLoopback(address))) return refuse('plain http is allowed only to loopback')
  return { ok: true, url, host, addresses: addresses.map(({ address, family }) => ({ address, family: family === 6 || isIP(address) === 6 ? 6 : 4 })) }
}

/** `checkOutputUrl`, reduced to why it refused (null when the URL may be fetched). */
export async function refuseOutputUrl(raw: string, policy: UrlPolicy): Promise<string | null> {
  const check = await checkOutputUrl(raw, policy)
  return check.ok ? null : check.reason
}
