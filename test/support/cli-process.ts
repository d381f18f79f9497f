import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { startReadyProcess, type ReadyProcess } from './ready-process'

export const ROOT = resolve(import.meta.dirname, '../..')
/** The package's bin, as `npx courier` runs it. */
export const COURIER_BIN = join(ROOT, 'bin', 'courier.mjs')
const BUILT = ['out/main/courier.js', 'out/main/web.js', 'out/main/painter-worker.js', 'out/renderer/index.html'].map((file) => join(ROOT, file))

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (!entry.name.includes('.test.')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/**
 * The CLI's tests drive the built bundles (`npm run build`), as a user gets them. CI runs Vitest before
 * its build step, and a developer may have an old `out/`: build when a bundle is missing or older than the sources.
 */
export function ensureBuilt(): void {
  const sources = Math.max(newestSource(join(ROOT, 'src')), statSync(join(ROOT, 'electron.vite.config.ts')).mtimeMs)
  if (BUILT.every((file) => existsSync(file) && statSync(file).mtimeMs >= sources)) return
  const built = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`)
}

export interface CourierResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout's lines, parsed (every line must be JSON when stdout is not a terminal). */
  lines: Record<string, unknown>[]
  events: Record<string, unknown>[]
  /** The last line: the summary. */
  summary: Record<string, unknown>
}

const parse = (stdout: string, stderr: string): Omit<CourierResult, 'code'> => {
  const lines = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>
      } catch {
        throw new Error(`stdout carried a line that is not JSON: ${line}\nstderr: ${stderr}`)
      }
    })
  return { stdout, stderr, lines, events: lines.filter((line) => 'event' in line), summary: lines.at(-1) ?? {} }
}

/** A running `courier` command: its events as they come, and its end. */
export interface CourierProcess {
  child: ChildProcess
  /** Resolves with the first event line `predicate` accepts. */
  waitForEvent(predicate: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  done: Promise<CourierResult>
}

export function startCourier(args: string[], env: NodeJS.ProcessEnv): CourierProcess {
  const child = spawn(process.execPath, [COURIER_BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const seen: Record<string, unknown>[] = []
  const waiters = new Set<() => void>()
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout += `${line}\n`
    try {
      seen.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      // reported by parse() at the end
    }
    for (const wake of waiters) wake()
  })
  const done = new Promise<CourierResult>((resolveDone) => {
    child.once('close', (code) => resolveDone({ code, ...parse(stdout, stderr) }))
  })
  return {
    child,
    done,
    waitForEvent: (predicate) =>
      new Promise((resolveEvent, reject) => {
        const check = () => {
          const found = seen.find(predicate)
          if (found) {
            waiters.delete(check)
            resolveEvent(found)
          }
        }
        waiters.add(check)
        check()
        void done.then(() => {
          waiters.delete(check)
          reject(new Error(`courier ${args.join(' ')} ended before the event:\n${stdout}\n${stderr}`))
        })
      }),
  }
}

/** Runs `courier …` to its end (stdout a pipe: the output for programs). */
export const courier = (args: string[], env: NodeJS.ProcessEnv): Promise<CourierResult> => startCourier(args, env).done

/** The built web host (`npm run web` without the build) on a data folder, any free port. */
export function startWebProcess(dataDir: string, env: NodeJS.ProcessEnv): Promise<ReadyProcess<{ web: string }>> {
  return startReadyProcess<{ web: string }>(process.execPath, [join(ROOT, 'out', 'main', 'web.js'), '--data-dir', dataDir, '--port', '0'], { env })
}
