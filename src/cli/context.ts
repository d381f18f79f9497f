import { resolve } from 'node:path'
import { resolveDataDir } from '../main/core/config/data-dir'
import { CliError, EXIT } from './exit-codes'
import { createReporter, wantsJson, type Reporter } from './reporter'
import { openSession, type Session } from './session'

/** The options every command takes (before or after its name). */
export interface GlobalOptions {
  dataDir?: string
  libraryDir?: string
  tunnel?: string
  json?: boolean
  verbose?: boolean
}

/** What a command is handed: where to write, the data folder, its session (opened on first use) and Ctrl+C. */
export interface Context {
  readonly reporter: Reporter
  readonly dataDir: string
  readonly env: NodeJS.ProcessEnv
  /** A person can be asked: stdin and stderr are terminals, and `--json` was not given. */
  readonly interactive: boolean
  session(): Promise<Session>
  /** Resolves at the first Ctrl+C once a command has said it handles it (`handleInterrupt`). */
  interrupted: Promise<void>
  /** The command deals with Ctrl+C itself (cancel, or leave the run going); otherwise Ctrl+C ends it at once. */
  handleInterrupt(): void
  /** Fields the error summary carries for this command (a run's: run, outputs, cost). */
  summaryShape: Record<string, unknown>
}

export type CommandBody = (ctx: Context) => Promise<number>

/**
 * Runs one command: its session opened on demand and always closed (a headless core stopped, the lock
 * released), a failure the user can act on printed as one line (and, for programs, one summary line), and the
 * exit code answered.
 */
export async function runCommand(globals: GlobalOptions, body: CommandBody, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const json = wantsJson(globals.json)
  const reporter = createReporter({ json, env })
  const dataDir = resolveDataDir(globals.dataDir === undefined ? undefined : resolve(globals.dataDir), env)
  let session: Promise<Session> | null = null
  let interruptHandled = false
  let interrupt: () => void = () => {}
  const interrupted = new Promise<void>((resolveInterrupt) => (interrupt = resolveInterrupt))
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (!interruptHandled || interrupts > 1) {
      reporter.stopBars()
      process.exit(EXIT.interrupted) // the lock is released on exit
    }
    interrupt()
  }
  process.on('SIGINT', onSigint)
  // Stopped by a supervisor (kill, a CI timeout): leave runs going, release the lock on the way out.
  const onSigterm = () => {
    reporter.stopBars()
    process.exit(143)
  }
  process.on('SIGTERM', onSigterm)
  const flags: Record<string, string | undefined> = {}
  if (globals.libraryDir !== undefined) flags['library-dir'] = resolve(globals.libraryDir)
  if (globals.tunnel !== undefined) flags.tunnel = globals.tunnel
  const ctx: Context = {
    reporter,
    dataDir,
    env,
    // A person at a terminal can be asked on stderr even when stdout goes to a file; `--json` says a program
    // is driving, which is never asked.
    interactive: globals.json !== true && process.stdin.isTTY === true && process.stderr.isTTY === true,
    session: () =>
      (session ??= openSession({
        dataDir,
        flags,
        env,
        ...(globals.verbose ? { logSink: (line: string) => process.stderr.write(`${line}\n`) } : {}),
      }).then((opened) => {
        if (opened.via === 'app' && Object.keys(flags).length > 0) {
          reporter.note(`--library-dir and --tunnel apply to a core this command runs; the app at ${opened.appUrl} keeps its own settings`)
        }
        return opened
      })),
    interrupted,
    handleInterrupt: () => {
      interruptHandled = true
    },
    summaryShape: {},
  }
  try {
    return await body(ctx)
  } catch (error) {
    reporter.stopBars()
    const failure =
      error instanceof CliError
        ? error
        : new CliError(`unexpected error: ${(error as Error)?.message ?? String(error)}${globals.verbose && error instanceof Error ? `\n${error.stack}` : ''}`, EXIT.failed)
    reporter.note(`courier: ${failure.message}`)
    reporter.summary({ ok: false, ...ctx.summaryShape, error: { code: failure.code, message: failure.message, exitCode: failure.exitCode } })
    return failure.exitCode
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigterm)
    if (session) await (await (session as Promise<Session>).catch(() => null))?.close()
  }
}
