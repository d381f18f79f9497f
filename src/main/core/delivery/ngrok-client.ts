import { redact } from '../log/logger'
import { TunnelLoss, TunnelSetupError, type OpenTunnel } from './open-tunnel'

/** The part of `@ngrok/ngrok`'s listener this app uses. */
export interface NgrokListener {
  url(): string | null
  close(): Promise<void>
}

/** What `openNgrok` hands to `forward` (a subset of `@ngrok/ngrok`'s `Config`). */
export interface NgrokForwardConfig {
  /** Where ngrok forwards to: the webhook listener on IPv4 loopback. */
  addr: string
  authtoken: string
  domain?: string
  /** A session of its own for each tunnel: the current token, and a status callback that is ours. */
  force_new_session: boolean
  /** `'closed'` when the session loses its connection, `'connected'` when it (re)connects. */
  onStatusChange: (status: string) => void
}

/** The part of `@ngrok/ngrok` this app uses; tests hand in a fake with the same shape. */
export interface NgrokModule {
  forward(config: NgrokForwardConfig): Promise<NgrokListener>
  /** With no URL: closes every listener and the session. */
  disconnect(url?: string | null): Promise<void>
}

export type NgrokLoader = () => Promise<NgrokModule>

/**
 * The real library, imported on first use: the app starts, and localtunnel or url mode runs, without ever
 * loading its native part.
 */
export const loadNgrok: NgrokLoader = async () => {
  const lib = await import('@ngrok/ngrok')
  // A CommonJS package: Node hands its exports over as `default` (named ones only where it detects them).
  const ngrok = lib.default ?? lib
  return { forward: (config) => ngrok.forward(config), disconnect: (url) => ngrok.disconnect(url) }
}

export const NGROK_AUTHTOKEN_PAGE = 'https://dashboard.ngrok.com/get-started/your-authtoken'
export const NGROK_DOMAINS_PAGE = 'https://dashboard.ngrok.com/domains'

/** The supervisor's answer in ngrok mode without a token: it never dials. */
export const NO_NGROK_AUTHTOKEN = `no ngrok authtoken set: copy yours from ${NGROK_AUTHTOKEN_PAGE} into Settings → ngrok authtoken (or set NGROK_AUTHTOKEN)`

/** Bound on closing a listener or the session: a dead connection must not hold up the next open. */
const CLOSE_BOUND_MS = 5000

const AUTH_CODES = new Set(['ERR_NGROK_105', 'ERR_NGROK_106', 'ERR_NGROK_107', 'ERR_NGROK_4018'])
const DOMAIN_CODES = new Set([
  'ERR_NGROK_314',
  'ERR_NGROK_320',
  'ERR_NGROK_331',
  'ERR_NGROK_354',
  'ERR_NGROK_412',
  'ERR_NGROK_7117',
  'ERR_NGROK_7118',
  'ERR_NGROK_15000',
  'ERR_NGROK_15002',
])

/**
 * Per library instance: its calls run one after another (the library keeps one global session, and
 * `disconnect()` closes every listener), and how many tunnels are open or opening, so that the session
 * is closed once none is.
 */
interface LibraryState {
  queue: Promise<void>
  users: number
}
const libraries = new WeakMap<NgrokModule, LibraryState>()

function stateOf(ngrok: NgrokModule): LibraryState {
  let state = libraries.get(ngrok)
  if (!state) libraries.set(ngrok, (state = { queue: Promise.resolve(), users: 0 }))
  return state
}

/** Runs `op` once every earlier call queued on this library has finished. */
function queued<T>(state: LibraryState, op: () => Promise<T>): Promise<T> {
  const run = state.queue.then(op)
  state.queue = run.then(
    () => undefined,
    () => undefined,
  )
  return run
}

/** Settles when `promise` does or after `ms`, whichever comes first; never rejects. */
function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    promise.then(
      () => {
        clearTimeout(timer)
        resolve()
      },
      () => {
        clearTimeout(timer)
        resolve()
      },
    )
  })
}

/** One tunnel fewer: when none is left, the session (which holds the token) is closed too. */
function release(ngrok: NgrokModule, state: LibraryState, listener: NgrokListener | null): void {
  state.users--
  const last = state.users === 0
  if (!listener && !last) return
  void queued(state, () =>
    bounded(
      (async () => {
        if (listener) await listener.close()
        if (last && state.users === 0) await ngrok.disconnect()
      })(),
      CLOSE_BOUND_MS,
    ),
  )
}

/** Removes the token however the library or the service quoted it, then the usual log redactions. */
export function scrubToken(text: string, authtoken: string): string {
  const trimmed = authtoken.trim()
  let out = trimmed.length >= 4 ? text.split(trimmed).join('[authtoken]') : text
  // "Your authtoken: …" as the service quotes it, even if spelled differently from the one we sent.
  out = out.replace(/(authtoken\s*[:=]\s*)[^\s"',]+/gi, '$1[authtoken]')
  return redact(out)
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? ''
  return line.length > 160 ? `${line.slice(0, 157)}…` : line
}

/** The library's error as a short sentence the user can act on, without the token. */
export function describeNgrokError(error: unknown, opts: { authtoken: string; domain: string | null }): Error {
  const raw = error instanceof Error ? error.message : String(error)
  const message = scrubToken(raw, opts.authtoken)
  const code = (error as { errorCode?: unknown } | null)?.errorCode
  const errorCode = typeof code === 'string' ? code : (/ERR_NGROK_\d+/.exec(raw)?.[0] ?? null)
  const tag = errorCode ? ` (${errorCode})` : ''
  if ((errorCode && AUTH_CODES.has(errorCode)) || (!errorCode && /authtoken|authenticat/i.test(raw))) {
    return new TunnelSetupError(`ngrok refused the authtoken${tag}: copy yours from ${NGROK_AUTHTOKEN_PAGE} into Settings → ngrok authtoken`)
  }
  if (errorCode && DOMAIN_CODES.has(errorCode)) {
    return new TunnelSetupError(
      opts.domain
        ? `ngrok will not serve ${opts.domain} for this account${tag}: use a domain reserved at ${NGROK_DOMAINS_PAGE}, or clear the ngrok domain in Settings`
        : `ngrok needs a reserved domain for this account${tag}: reserve one at ${NGROK_DOMAINS_PAGE} and enter it in Settings → ngrok domain`,
    )
  }
  if (errorCode === 'ERR_NGROK_334') return new Error(`${opts.domain ?? 'this URL'} is already online in another ngrok agent${tag}: stop that one`)
  if (errorCode === 'ERR_NGROK_108') return new Error(`this ngrok account already runs as many agents as its plan allows${tag}: stop another one`)
  if (errorCode) return new Error(`ngrok refused the tunnel${tag}: ${firstLine(message).replace(/\s*error_code:.*$/, '')}`)
  const session = /failed to connect session:\s*(.+)/i.exec(message)
  if (session) return new Error(`ngrok service unreachable (${firstLine(session[1] ?? '')}): check your internet connection`)
  return new Error(`ngrok failed: ${firstLine(message) || 'no reason given'}`)
}

export interface NgrokOpenOptions {
  localPort: number
  authtoken: string
  /** A reserved domain; null lets ngrok pick the URL. */
  domain: string | null
  timeoutMs: number
  signal?: AbortSignal
  /** Where the library comes from (default: `@ngrok/ngrok`, imported on first use). */
  load?: NgrokLoader
}

/**
 * Opens one ngrok tunnel to the listener. Settles within `timeoutMs` whatever the library does; `signal`
 * abandons it sooner. A listener that arrives after that is closed at once. Errors never carry the token.
 */
export function openNgrok(opts: NgrokOpenOptions): Promise<OpenTunnel> {
  const load = opts.load ?? loadNgrok
  const loss = new TunnelLoss()
  let opened = false
  /** Closes the listener (once), set when it opens. */
  let letGo = () => {}
  const fireClosed = (reason: string) => {
    if (!opened) return
    // The library would go on reconnecting by itself: this tunnel is given up, the supervisor opens another.
    loss.report(reason, () => letGo())
  }
  return new Promise((resolve, reject) => {
    let settled = false
    const settle = (error: Error | null) => {
      if (settled) return false
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (error) reject(error)
      return true
    }
    const timer = setTimeout(() => settle(new Error(`the ngrok tunnel did not open within ${opts.timeoutMs / 1000} s`)), opts.timeoutMs)
    const onAbort = () => settle(new Error('opening the tunnel was cancelled'))
    if (opts.signal?.aborted) return onAbort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })

    void (async () => {
      let ngrok: NgrokModule
      try {
        ngrok = await load()
      } catch (error) {
        settle(new Error(`the ngrok library could not be loaded: ${firstLine(scrubToken(error instanceof Error ? error.message : String(error), opts.authtoken))}`))
        return
      }
      const state = stateOf(ngrok)
      state.users++
      let listener: NgrokListener
      try {
        listener = await queued(state, async () => {
          // Abandoned while an earlier call held the library: never dial.
          if (settled) throw new Error('abandoned')
          return ngrok.forward({
            addr: `127.0.0.1:${opts.localPort}`, // not "localhost": the listener is bound to IPv4 loopback
            authtoken: opts.authtoken,
            ...(opts.domain ? { domain: opts.domain } : {}),
            force_new_session: true,
            onStatusChange: (status) => {
              if (status === 'closed') fireClosed('the ngrok connection was lost')
            },
          })
        })
      } catch (error) {
        release(ngrok, state, null)
        settle(describeNgrokError(error, opts))
        return
      }
      const url = listener.url()
      if (!url) {
        release(ngrok, state, listener)
        settle(new Error('ngrok gave no URL'))
        return
      }
      // Too late (timed out or cancelled while the listener was on its way): close it at once.
      if (!settle(null)) return release(ngrok, state, listener)
      opened = true
      let released = false
      letGo = () => {
        if (released) return
        released = true
        release(ngrok, state, listener)
      }
      resolve(loss.handle(url, () => letGo()))
    })()
  })
}
