import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../../src/main/core/create-core'
import type { Core, CoreDeps } from '../../src/main/core/core-types'
import type { CourierEvent } from '../../src/shared/events'
import type { MethodArgs, MethodName, MethodResult } from '../../src/shared/contract'
import type { Run } from '../../src/shared/run'

export interface TestCore {
  core: Core
  dataDir: string
  libraryDir: string
  /** Every event the core published, in order. */
  seen: CourierEvent[]
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>>
  /** Resolves when the run reaches a state matching `done`, or rejects after `timeoutMs`. */
  waitForRun(id: string, done: (run: Run) => boolean, timeoutMs?: number): Promise<Run>
  /** Resolves once `predicate` holds for some published event. */
  waitForEvent(predicate: (event: CourierEvent) => boolean, timeoutMs?: number): Promise<CourierEvent>
  stop(): Promise<void>
  restart(): Promise<TestCore>
}

/** A free loopback port, for a listener whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface TestCoreOptions {
  env?: NodeJS.ProcessEnv
  flags?: Record<string, string>
  tuning?: CoreDeps['tuning']
  dataDir?: string
  /**
   * 'direct': providers call the listener straight on loopback (tunnel mode `url` pointed at it), for
   * tests about webhooks rather than about the tunnel.
   */
  webhooks?: 'direct'
}

/** A core on a throw-away data folder; logs go to the folder and, for warnings, to the test's output. */
export async function startTestCore(opts: TestCoreOptions): Promise<TestCore> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'courier-test-')))
  if (opts.webhooks === 'direct' && !opts.flags?.['listener-port']) {
    const port = await freePort()
    opts = { ...opts, flags: { ...opts.flags, tunnel: 'url', 'public-url': `http://127.0.0.1:${port}`, 'listener-port': String(port) } }
  }
  const libraryDir = join(dataDir, 'library')
  const seen: CourierEvent[] = []
  const waiters = new Set<() => void>()
  const core = createCore({
    dataDir,
    mode: 'web',
    flags: { 'library-dir': libraryDir, tunnel: 'off', ...opts.flags },
    env: { ...opts.env },
    tuning: { pollIntervalMs: 200, demoTimeScale: 0.1, ...opts.tuning },
    logSink: () => {},
  })
  core.events.subscribe((event) => {
    seen.push(event)
    for (const wake of waiters) wake()
  })
  await core.start()

  const call = async <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> => {
    const result = await core.call(method, args)
    if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`)
    return result.value
  }

  const waitFor = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const wake = () => {
        const value = check()
        if (value === undefined) return
        clearTimeout(timer)
        waiters.delete(wake)
        resolve(value)
      }
      const timer = setTimeout(() => {
        waiters.delete(wake)
        reject(new Error(`timed out waiting for ${what}`))
      }, timeoutMs)
      waiters.add(wake)
      wake()
    })

  const handle: TestCore = {
    core,
    dataDir,
    libraryDir,
    seen,
    call,
    waitForRun: async (id, done, timeoutMs = 15_000) => {
      const now = await call('runs.get', { id: id as Run['id'] })
      if (done(now)) return now
      return waitFor(
        () => {
          const latest = seen.filter((e): e is Extract<CourierEvent, { type: 'run.updated' }> => e.type === 'run.updated' && e.run.id === id).at(-1)
          return latest && done(latest.run) ? latest.run : undefined
        },
        timeoutMs,
        `run ${id}`,
      )
    },
    waitForEvent: (predicate, timeoutMs = 15_000) => waitFor(() => seen.find(predicate), timeoutMs, 'event'),
    stop: () => core.stop(),
    restart: async () => {
      await core.stop()
      return startTestCore({ ...opts, dataDir })
    },
  }
  return handle
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
