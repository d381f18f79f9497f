import { describe, expect, it } from 'vitest'
import { parseCourierFlags } from './cli-flags'

describe('parseCourierFlags', () => {
  it('reads our flags in both spellings and ignores Electron, Chromium and Playwright switches', () => {
    const argv = [
      '/usr/lib/electron/electron',
      '--inspect=0',
      '--remote-debugging-port=0',
      '.',
      '--data-dir',
      '/tmp/courier-1',
      '--tunnel=off',
      '--listener-port',
      '0',
      '--no-sandbox',
    ]
    expect(parseCourierFlags(argv)).toEqual({ 'data-dir': '/tmp/courier-1', tunnel: 'off', 'listener-port': '0' })
  })

  it('leaves out a flag with no value instead of taking the next switch as its value', () => {
    expect(parseCourierFlags(['--public-url', '--tunnel', 'url'])).toEqual({ tunnel: 'url' })
    expect(parseCourierFlags(['--port'])).toEqual({})
  })

  it('keeps an explicit empty value and lets the last occurrence win', () => {
    expect(parseCourierFlags(['--tunnel-host=', '--port', '1', '--port', '2'])).toEqual({ 'tunnel-host': '', port: '2' })
  })
})
