import type { TunnelStatus } from '@shared/delivery'
import { describe, expect, it } from 'vitest'
import { canRetryTunnel, countdownText, tunnelAnnouncement, tunnelProblem, tunnelText } from './tunnel-words'

const down = (patch: Partial<TunnelStatus> = {}): TunnelStatus => ({
  mode: 'localtunnel',
  state: 'down',
  publicUrl: null,
  error: 'tunnel connection error: connection refused: 127.0.0.1:4000 (check your firewall settings)',
  retryAt: null,
  address: 'https://localtunnel.me',
  ...patch,
})

describe('countdownText', () => {
  it('counts whole seconds up, in words', () => {
    expect(countdownText(48_000, 0)).toBe('in 48 seconds')
    expect(countdownText(47_001, 0)).toBe('in 48 seconds')
    expect(countdownText(1000, 0)).toBe('in 1 second')
    expect(countdownText(60_000, 0)).toBe('in 1 minute')
    expect(countdownText(125_000, 0)).toBe('in 2 minutes 5 seconds')
    expect(countdownText(61_000, 0)).toBe('in 1 minute 1 second')
  })

  it('says now once the time has come', () => {
    expect(countdownText(1000, 1000)).toBe('now')
    expect(countdownText(1000, 5000)).toBe('now')
  })
})

describe('tunnelText', () => {
  it('ticks down to the next try from retryAt, in a full sentence', () => {
    const t = down({ retryAt: 100_000 })
    expect(tunnelText(t, 52_000)).toBe('The public URL is down. Trying again in 48 seconds.')
    expect(tunnelText(t, 53_000)).toBe('The public URL is down. Trying again in 47 seconds.')
    expect(tunnelText(t, 100_000)).toBe('The public URL is down. Trying again now.')
  })

  it('never shows main’s raw reason in the bar', () => {
    expect(tunnelText(down({ retryAt: 10_000 }), 0)).not.toMatch(/refused|firewall|retrying/)
    expect(tunnelText(down(), 0)).toBe('The public URL is down until its settings are fixed.')
  })

  it('names the other states in sentences', () => {
    expect(tunnelText(null)).toBe('Checking the public URL…')
    expect(tunnelText({ ...down(), state: 'up', publicUrl: 'https://a.loca.lt', error: null })).toBe('Services reach this app at https://a.loca.lt')
    expect(tunnelText({ ...down(), mode: 'off', state: 'off', error: null })).toBe('The public URL is off, so runs are checked by polling.')
  })
})

describe('tunnelAnnouncement', () => {
  it('carries no seconds, so a screen reader hears a change once', () => {
    expect(tunnelAnnouncement(down({ retryAt: 10_000 }))).toBe(tunnelAnnouncement(down({ retryAt: 20_000 })))
    expect(tunnelAnnouncement(down())).not.toMatch(/\d/)
  })
})

describe('tunnelProblem', () => {
  it('turns main’s reasons into plain words', () => {
    expect(tunnelProblem(down())).toBe('The tunnel server refused the connection. It may be down, or a firewall may be blocking it.')
    expect(tunnelProblem(down({ error: 'tunnel server unreachable: ENOTFOUND' }))).toBe(
      'The address of the tunnel server could not be found. Check your internet connection.',
    )
    expect(tunnelProblem(down({ error: 'the public URL stopped reaching this app: it answered HTTP 504' }))).toBe(
      'The public URL stopped reaching this app, so the services could not send their updates through it.',
    )
    expect(tunnelProblem(down({ mode: 'ngrok', error: 'the ngrok tunnel did not open within 15 s' }))).toBe('Ngrok did not answer in time.')
    expect(tunnelProblem(down({ mode: 'ngrok', error: 'the ngrok connection was lost' }))).toBe('The connection to ngrok was lost.')
  })

  it('passes other reasons through as a sentence', () => {
    expect(tunnelProblem(down({ mode: 'url', error: 'no public URL set: add yours in Settings' }))).toBe('No public URL set: add yours in Settings.')
  })
})

describe('canRetryTunnel', () => {
  it('only for a tunnel the app opens itself, while it is down', () => {
    expect(canRetryTunnel(down())).toBe(true)
    expect(canRetryTunnel(down({ mode: 'ngrok' }))).toBe(true)
    expect(canRetryTunnel(down({ mode: 'url' }))).toBe(false)
    expect(canRetryTunnel({ ...down(), state: 'connecting' })).toBe(false)
    expect(canRetryTunnel(null)).toBe(false)
  })
})
