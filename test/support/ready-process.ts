import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface ReadyProcess<T> {
  ready: T
  child: ChildProcess
  /** What the process wrote to stderr, for failing tests to explain themselves. */
  stderr(): string
  stop(): Promise<void>
}

/**
 * Starts a command and resolves with the first `{"event":"ready",…}` JSON line it prints on stdout — the
 * readiness marker of `npm run web` and `npm run sim` — or rejects with its stderr if it exits first.
 */
export function startReadyProcess<T>(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ReadyProcess<T>> {
  const child = spawn(command, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let errText = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errText = (errText + chunk.toString('utf8')).slice(-20_000)
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`${command} ${args.join(' ')} was not ready in time:\n${errText}`))
    }, opts.timeoutMs ?? 60_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} ${args.join(' ')} exited (${code}) before it was ready:\n${errText}`))
    })
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        return
      }
      if ((parsed as { event?: unknown }).event !== 'ready') return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ ready: parsed as T, child, stderr: () => errText, stop })
    })
  })
}

/** `npm run sim` as its own process (tsx directly, so no npm wrapper sits between us and the signal). */
export function startSimProcess(timeScale = 0.1): Promise<ReadyProcess<{ url: string }>> {
  return startReadyProcess<{ url: string }>(process.execPath, ['--import', 'tsx', 'src/sim/cli.ts', '--port', '0', '--time-scale', String(timeScale), '--quiet'])
}
