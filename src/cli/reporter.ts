import { createInterface } from 'node:readline'
import cliProgress from 'cli-progress'
import type { Run } from '@shared/run'

/**
 * Where a command's words go (issue 20). For people (stdout a terminal, no `--json`): progress bars and
 * notes on stderr, the final line and saved paths on stdout. For programs (`--json`, or stdout not a
 * terminal): stdout carries only NDJSON events, then exactly one summary line; notes still go to stderr.
 */
export interface Reporter {
  readonly json: boolean
  /** One NDJSON event (programs only). */
  event(name: string, fields: Record<string, unknown>): void
  /** A note for people, on stderr (both modes: it never mixes with the JSON on stdout). */
  note(text: string): void
  /** Human output on stdout (people only). */
  line(text: string): void
  /** The one summary line (programs only). */
  summary(value: Record<string, unknown>): void
  /** A run's bar moved (people only; drawn where stderr is a terminal). */
  runBar(run: Run): void
  /** Stops drawing bars, so a question or the final line can be written. */
  stopBars(): void
  /** Asks a yes/no question on the terminal; false without one. */
  confirm(question: string): Promise<boolean>
  /** `green`/`red`/`dim` text, plain when NO_COLOR is set or stderr/stdout is not a terminal. */
  paint(style: 'green' | 'red' | 'yellow' | 'dim' | 'bold', text: string): string
}

export interface ReporterOptions {
  json: boolean
  env: NodeJS.ProcessEnv
  stdout?: NodeJS.WriteStream
  stderr?: NodeJS.WriteStream
  stdin?: NodeJS.ReadStream
}

const CODES = { green: [32, 39], red: [31, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const

/** NO_COLOR (any non-empty value, no-color.org) turns colour off; so does a stream that is not a terminal. */
export const colourAllowed = (env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean =>
  !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && stream.isTTY === true && env.TERM !== 'dumb'

/** Whether the command speaks to a program: `--json`, or stdout is not a terminal. */
export const wantsJson = (json: boolean | undefined, stdout: { isTTY?: boolean } = process.stdout): boolean => json === true || stdout.isTTY !== true

const label = (run: Run): string => {
  const name = run.deploymentName.length > 24 ? `${run.deploymentName.slice(0, 23)}…` : run.deploymentName
  return `${name} ${run.id.slice(-6)}`
}

export function createReporter(opts: ReporterOptions): Reporter {
  const stdout = opts.stdout ?? process.stdout
  const stderr = opts.stderr ?? process.stderr
  const stdin = opts.stdin ?? process.stdin
  const colour = colourAllowed(opts.env, stderr)
  const bars = new Map<string, cliProgress.SingleBar>()
  const lastStatus = new Map<string, string>()
  let multi: cliProgress.MultiBar | null = null

  const paint: Reporter['paint'] = (style, text) => {
    if (!colour) return text
    const [on, off] = CODES[style]
    return `\u001b[${on}m${text}\u001b[${off}m`
  }

  return {
    json: opts.json,
    event(name, fields) {
      if (opts.json) stdout.write(`${JSON.stringify({ event: name, ...fields })}\n`)
    },
    note(text) {
      if (multi) multi.log(`${text}\n`)
      else stderr.write(`${text}\n`)
    },
    line(text) {
      if (!opts.json) stdout.write(`${text}\n`)
    },
    summary(value) {
      if (opts.json) stdout.write(`${JSON.stringify(value)}\n`)
    },
    runBar(run) {
      if (opts.json) return
      const status = run.liveStatus ? `${run.status} · ${run.liveStatus}` : run.status
      if (stderr.isTTY !== true) {
        // No terminal to draw on: one line per change of state.
        if (lastStatus.get(run.id) !== run.status) stderr.write(`${label(run)}: ${run.status}\n`)
        lastStatus.set(run.id, run.status)
        return
      }
      multi ??= new cliProgress.MultiBar(
        {
          stream: stderr,
          format: `{name} {bar} {percentage}% {status}`,
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          autopadding: true,
          barCompleteChar: '█',
          barIncompleteChar: '░',
        },
        cliProgress.Presets.shades_classic,
      )
      const value = Math.round(run.progress * 100)
      const bar = bars.get(run.id)
      if (bar) bar.update(value, { status })
      else bars.set(run.id, multi.create(100, value, { name: label(run), status }))
    },
    stopBars() {
      multi?.stop()
      multi = null
      bars.clear()
    },
    async confirm(question) {
      if (stdin.isTTY !== true || stderr.isTTY !== true) return false
      this.stopBars()
      const rl = createInterface({ input: stdin, output: stderr })
      try {
        const answer = await new Promise<string>((resolve) => {
          rl.on('SIGINT', () => resolve('')) // Ctrl+C at the question: no
          rl.question(`${question} [y/N] `, resolve)
        })
        return /^y(es)?$/i.test(answer.trim())
      } finally {
        rl.close()
      }
    },
    paint,
  }
}
