import { describe, expect, it } from 'vitest'
import { FakeNgrok } from '../../../../test/support/fake-ngrok'
import { redact } from '../log/logger'
import { describeNgrokError, loadNgrok, openNgrok, scrubToken, type NgrokForwardConfig, type NgrokModule } from './ngrok-client'
import { TunnelSetupError } from './open-tunnel'

const TOKEN = '2Xq7TestAuthtokenAbcdefghij_5LmNoPqRsTuVwXyZ01234'

function ngrokError(message: string, code: string | null): Error {
  const error = new Error(code ? `${message}\n\nerror_code: ${code}` : message) as Error & { errorCode?: string }
  if (code) error.errorCode = code
  return error
}

const describeIt = (error: unknown, domain: string | null = null) => describeNgrokError(error, { authtoken: TOKEN, domain })

describe('describeNgrokError', () => {
  it('turns each refused-token code into one sentence saying where to get a token, marked as a setting to fix', () => {
    for (const code of ['ERR_NGROK_105', 'ERR_NGROK_106', 'ERR_NGROK_107', 'ERR_NGROK_4018']) {
      const error = describeIt(ngrokError(`The authtoken you specified does not look like a proper ngrok authtoken.\nYour authtoken: ${TOKEN}`, code))
      expect(error).toBeInstanceOf(TunnelSetupError)
      expect(error.message).toBe(
        `ngrok refused the authtoken (${code}): copy yours from https://dashboard.ngrok.com/get-started/your-authtoken into Settings → ngrok authtoken`,
      )
    }
  })

  it('reads the code from the message when the library did not set errorCode', () => {
    expect(describeIt(new Error(`authentication failed: Your authtoken: ${TOKEN}\n\nERR_NGROK_107`)).message).toMatch(/^ngrok refused the authtoken \(ERR_NGROK_107\)/)
  })

  it('says what to do about a domain, with or without one set', () => {
    const taken = describeIt(ngrokError('This domain is reserved for another account.', 'ERR_NGROK_320'), 'mine.ngrok.app')
    expect(taken).toBeInstanceOf(TunnelSetupError)
    expect(taken.message).toMatch(/^ngrok will not serve mine\.ngrok\.app for this account \(ERR_NGROK_320\): use a domain reserved at https:\/\/dashboard\.ngrok\.com\/domains/)
    const needed = describeIt(ngrokError('Your account requires registering a Domain', 'ERR_NGROK_15002'))
    expect(needed.message).toMatch(/^ngrok needs a reserved domain for this account \(ERR_NGROK_15002\): reserve one at/)
  })

  it('keeps passing troubles retryable: the domain online elsewhere, the agent limit, the network', () => {
    const online = describeIt(ngrokError('The endpoint https://mine.ngrok.app is already online.', 'ERR_NGROK_334'), 'mine.ngrok.app')
    expect(online).not.toBeInstanceOf(TunnelSetupError)
    expect(online.message).toBe('mine.ngrok.app is already online in another ngrok agent (ERR_NGROK_334): stop that one')
    expect(describeIt(ngrokError('Your account is limited to 1 simultaneous ngrok agent sessions.', 'ERR_NGROK_108'))).not.toBeInstanceOf(TunnelSetupError)
    const network = describeIt(new Error('failed to connect session: failed to establish tcp connection'))
    expect(network).not.toBeInstanceOf(TunnelSetupError)
    expect(network.message).toBe('ngrok service unreachable (failed to establish tcp connection): check your internet connection')
    expect(describeIt(ngrokError('Something new went wrong', 'ERR_NGROK_9999')).message).toBe('ngrok refused the tunnel (ERR_NGROK_9999): Something new went wrong')
    expect(describeIt('weird').message).toBe('ngrok failed: weird')
  })

  it('never carries the token, whichever message quotes it', () => {
    const messages = [
      ngrokError(`The authtoken you specified is properly formed, but it is invalid. Your authtoken: ${TOKEN}`, 'ERR_NGROK_107'),
      ngrokError(`unexpected reply for ${TOKEN}`, 'ERR_NGROK_9999'),
      new Error(`failed to connect session: bad token ${TOKEN}`),
      new Error(`boom ${TOKEN}`),
    ]
    for (const error of messages) expect(describeIt(error).message).not.toContain(TOKEN)
  })
})

describe('scrubToken and redact', () => {
  it('removes the token itself, "Your authtoken: …" quotes, and anything shaped like an ngrok token', () => {
    expect(scrubToken(`a ${TOKEN} b`, TOKEN)).toBe('a [authtoken] b')
    expect(scrubToken('Your authtoken: some-other-form', TOKEN)).not.toContain('some-other-form')
    expect(redact(`{"error":"token ${TOKEN}"}`)).not.toContain(TOKEN)
    expect(redact('{"authtoken":"abc-def"}')).not.toContain('abc-def')
    expect(redact('https://x/?authtoken=abc123&b=1')).not.toContain('abc123')
  })

  it('leaves ordinary log text alone', () => {
    for (const text of ['run r_1 succeeded', 'ngrok refused the authtoken (ERR_NGROK_107): copy yours', 'no ngrok authtoken set: copy yours', 'file 2024-05-01_abc.png']) {
      expect(redact(text)).toBe(text)
    }
  })
})

describe('openNgrok', () => {
  it('forwards to 127.0.0.1, ignores status reports before it opened, and closes the listener and session', async () => {
    const fake = new FakeNgrok()
    try {
      const tunnel = await openNgrok({ localPort: 9, authtoken: TOKEN, domain: null, timeoutMs: 2000, load: async () => fake })
      expect(tunnel.url).toBe(fake.listeners[0]!.url())
      expect(fake.forwards[0]).toMatchObject({ addr: '127.0.0.1:9', authtoken: TOKEN, force_new_session: true })
      const reasons: string[] = []
      tunnel.onClosed((reason) => reasons.push(reason))
      fake.forwards[0]!.onStatusChange('connected')
      tunnel.close()
      fake.forwards[0]!.onStatusChange('closed') // our own close: not a loss
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(reasons).toEqual([])
      expect(fake.listeners[0]!.closed).toBe(true)
      expect(fake.disconnects).toBe(1)
    } finally {
      await fake.closeAll()
    }
  })

  it("a loss before onClosed is attached is still heard, once", async () => {
    const fake = new FakeNgrok()
    try {
      const tunnel = await openNgrok({ localPort: 9, authtoken: TOKEN, domain: null, timeoutMs: 2000, load: async () => fake })
      fake.forwards[0]!.onStatusChange('closed')
      fake.forwards[0]!.onStatusChange('closed')
      const reasons: string[] = []
      tunnel.onClosed((reason) => reasons.push(reason))
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(reasons).toEqual(['the ngrok connection was lost'])
      expect(fake.listeners[0]!.closed).toBe(true) // given up on: the library would keep reconnecting it
    } finally {
      await fake.closeAll()
    }
  })

  it('a status callback fired while connecting (as the library does on a failed connect) is ignored', async () => {
    const failing: NgrokModule = {
      forward: async (config: NgrokForwardConfig) => {
        config.onStatusChange('closed')
        throw new Error('failed to connect session: failed to establish tcp connection')
      },
      disconnect: async () => {},
    }
    await expect(openNgrok({ localPort: 9, authtoken: TOKEN, domain: null, timeoutMs: 2000, load: async () => failing })).rejects.toThrow(
      /^ngrok service unreachable/,
    )
  })

  it('an aborted signal means no dial at all; a library that cannot load says so without the token', async () => {
    const fake = new FakeNgrok()
    const aborted = AbortSignal.abort()
    await expect(openNgrok({ localPort: 9, authtoken: TOKEN, domain: null, timeoutMs: 2000, signal: aborted, load: async () => fake })).rejects.toThrow(
      'opening the tunnel was cancelled',
    )
    expect(fake.forwards).toHaveLength(0)
    const broken = openNgrok({
      localPort: 9,
      authtoken: TOKEN,
      domain: null,
      timeoutMs: 2000,
      load: async () => {
        throw new Error(`Cannot find module '@ngrok/ngrok-linux-x64-gnu' (token ${TOKEN})`)
      },
    })
    await expect(broken).rejects.toThrow(/^the ngrok library could not be loaded: Cannot find module/)
    await expect(broken).rejects.not.toThrow(TOKEN)
  })

  it('loadNgrok imports the real library lazily and exposes forward and disconnect (never called here)', async () => {
    const ngrok = await loadNgrok()
    expect(typeof ngrok.forward).toBe('function')
    expect(typeof ngrok.disconnect).toBe('function')
  })
})
