import { readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import type { MethodArgs, MethodName, MethodResult } from '@shared/contract'
import { errorAdvice } from '@shared/errors'
import type { CourierEvent } from '@shared/events'
import type { Result } from '@shared/result'
import { acquireDataLock, describeHolder, processAlive, type DataLock } from '../main/core/instance/data-lock'
import { readWebEndpoint, WEB_TOKEN_FILE, type WebEndpoint } from '../main/core/instance/web-endpoint'
import { CliError, EXIT, exitCodeFor } from './exit-codes'

/**
 * The core a command talks to (issue 20, "one core, two ways"): the running app's, over its local HTTP API
 * and event stream, or one started in this process for the command's length, holding the data folder's lock.
 */
export interface Session {
  /** `app`: the web app running on this data folder; `headless`: a core started by this command. */
  readonly via: 'app' | 'headless'
  /** Where the app listens (attached), else null. */
  readonly appUrl: string | null
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Result<MethodResult<M>>>
  /** Resolves once events flow (so nothing a call then causes is missed); the function stops them. */
  subscribe(listener: (event: CourierEvent) => void): Promise<() => void>
  close(): Promise<void>
}

/** A call's value, or a CliError with the exit code its failure means. */
export async function must<M extends MethodName>(session: Session, method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
  const answer = await session.call(method, args)
  if (answer.ok) return answer.value
  throw failure(answer.error)
}

export function failure(error: { code: Parameters<typeof exitCodeFor>[0]; message: string; field?: string }): CliError {
  const field = error.field ? ` (${error.field})` : ''
  const message = error.message && error.message !== error.code ? `${error.message.replace(/\.$/, '')}${field}` : errorAdvice[error.code]
  return new CliError(message, exitCodeFor(error.code), error.code)
}

export interface OpenOptions {
  dataDir: string
  /** Core's flags for a headless core (`library-dir`, `tunnel`…). */
  flags: Record<string, string | undefined>
  env: NodeJS.ProcessEnv
  /** Where a headless core's warnings go (besides its log file); default nowhere. */
  logSink?: (line: string) => void
  /** How long to wait for a web app that holds the lock but has not published its address yet. */
  appStartWaitMs?: number
}

const sameFolder = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b)
  } catch {
    return a === b
  }
}

/** The app that published `web.json`, if it is alive and answers with this folder's token; null otherwise. */
async function reachApp(dataDir: string): Promise<{ endpoint: WebEndpoint; token: string } | null> {
  const endpoint = readWebEndpoint(dataDir)
  if (!endpoint || !processAlive(endpoint.pid)) return null
  let token: string
  try {
    token = readFileSync(join(dataDir, WEB_TOKEN_FILE), 'utf8').trim()
  } catch {
    throw new CliError(`the app at ${endpoint.url} is running on ${dataDir}, but its token file ${WEB_TOKEN_FILE} cannot be read`, EXIT.config)
  }
  let response: Response
  try {
    response = await fetch(`${endpoint.url}/api/app.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(5000),
    })
  } catch {
    return null // published but not answering: a process that reused the pid, or one stopping
  }
  if (response.status === 401) {
    throw new CliError(`the app at ${endpoint.url} refused the token in ${join(dataDir, WEB_TOKEN_FILE)}`, EXIT.config, 'FORBIDDEN')
  }
  const info = (await response.json().catch(() => null)) as Result<{ dataDir: string }> | null
  if (!info?.ok || !sameFolder(info.value.dataDir, dataDir)) return null
  return { endpoint, token }
}

/** The running app's core, through `POST /api/{method}` and `GET /api/events`. */
function appSession(endpoint: WebEndpoint, token: string): Session {
  const headers = { authorization: `Bearer ${token}` }
  const lost = (error: unknown): CliError =>
    new CliError(`lost the app at ${endpoint.url} (${(error as Error).message}); runs go on in it`, EXIT.failed)
  const streams = new Set<AbortController>()
  return {
    via: 'app',
    appUrl: endpoint.url,
    async call(method, args) {
      let response: Response
      try {
        response = await fetch(`${endpoint.url}/api/${method}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(args),
        })
      } catch (error) {
        throw lost(error)
      }
      if (response.status === 401) throw new CliError(`the app at ${endpoint.url} refused our token`, EXIT.config, 'FORBIDDEN')
      return (await response.json()) as Result<never>
    },
    async subscribe(listener) {
      const controller = new AbortController()
      streams.add(controller)
      const response = await fetch(`${endpoint.url}/api/events`, { headers, signal: controller.signal }).catch((error: unknown) => {
        throw lost(error)
      })
      if (!response.ok || !response.body) throw new CliError(`the app at ${endpoint.url} refused its event stream (${response.status})`, EXIT.config)
      const body = response.body
      void (async () => {
        const decoder = new TextDecoder()
        let buffer = ''
        try {
          for await (const chunk of body) {
            buffer += decoder.decode(chunk, { stream: true })
            let end: number
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end)
              buffer = buffer.slice(end + 2)
              const data = frame
                .split('\n')
                .filter((line) => line.startsWith('data: '))
                .map((line) => line.slice(6))
                .join('\n')
              if (data) listener(JSON.parse(data) as CourierEvent)
            }
          }
        } catch {
          // Aborted, or the app went away: the callers' polling notices the latter.
        }
      })()
      return () => {
        controller.abort()
        streams.delete(controller)
      }
    },
    async close() {
      for (const controller of streams) controller.abort()
      streams.clear()
    },
  }
}

/** A core in this process, for the command's length, on the data folder it holds the lock of. */
async function headlessSession(opts: OpenOptions, lock: DataLock): Promise<Session> {
  const { createCore } = await import('../main/core/create-core')
  let core: Awaited<ReturnType<typeof createCore>>
  try {
    core = createCore({ dataDir: opts.dataDir, mode: 'web', flags: opts.flags, env: opts.env, logSink: opts.logSink ?? (() => {}) })
    await core.start()
  } catch (error) {
    lock.release()
    throw new CliError(`could not start Comfy Courier on ${opts.dataDir}: ${(error as Error).message}`, EXIT.config)
  }
  let closed = false
  return {
    via: 'headless',
    appUrl: null,
    call: (method, args) => core.call(method, args),
    subscribe: async (listener) => core.events.subscribe(listener),
    async close() {
      if (closed) return
      closed = true
      try {
        await core.stop()
      } finally {
        lock.release()
      }
    },
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Finds the data folder's core: the web app when it runs on this folder (its `web.json`, checked alive with
 * the token), else a headless core under the folder's lock. Refuses, saying who, when another process holds
 * the lock without publishing an API (the desktop app, or another command's headless core).
 */
export async function openSession(opts: OpenOptions): Promise<Session> {
  const deadline = Date.now() + (opts.appStartWaitMs ?? 15_000)
  for (;;) {
    const app = await reachApp(opts.dataDir)
    if (app) return appSession(app.endpoint, app.token)
    const attempt = acquireDataLock(opts.dataDir, 'cli')
    if (attempt.ok) return headlessSession(opts, attempt.lock)
    // The web app takes the lock before it publishes where it listens: give a starting one a moment.
    if (attempt.holder.kind === 'web' && Date.now() < deadline) {
      await sleep(250)
      continue
    }
    const holder = describeHolder(attempt.holder)
    const advice =
      attempt.holder.kind === 'electron'
        ? 'The desktop app offers no API to the command line: quit it, or run the app as `npm run web`, which does.'
        : attempt.holder.kind === 'cli'
          ? 'Wait for that command to finish (a command runs its own core only while no app is open on the folder), or start the app with `npm run web` so commands share it.'
          : 'It did not answer on its published address: wait for it to start, or restart it.'
    throw new CliError(`The data folder ${opts.dataDir} is in use by ${holder}. ${advice}`, EXIT.config)
  }
}
