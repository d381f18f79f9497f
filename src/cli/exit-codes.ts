import type { ErrorCode } from '@shared/errors'

/** The `courier` command's exit codes (issue 20); `docs/cli.md` lists them from here. */
export const EXIT = {
  ok: 0,
  /** The run (or one of them) failed, was cancelled elsewhere, or its files could not be saved. */
  failed: 1,
  /** A usage mistake: an unknown option, a bad `key=value`, an unknown deployment or input. */
  usage: 2,
  /** Auth or configuration: no key, a refused key, a data folder another app holds, a feature not available. */
  config: 3,
  /** Refused by the budget, or spending without consent (`--yes`, `--max-cost`). */
  budget: 4,
  /** `--timeout` passed before the run ended; the run goes on. */
  timeout: 124,
  /** Interrupted (Ctrl+C). */
  interrupted: 130,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const EXIT_CODE_TABLE: readonly (readonly [number, string])[] = [
  [EXIT.ok, 'succeeded'],
  [EXIT.failed, 'the run failed (or was cancelled elsewhere, or its files could not be saved)'],
  [EXIT.usage, 'usage error (options, inputs, an unknown deployment, input or run)'],
  [EXIT.config, 'auth or configuration (no key or a refused one, the data folder held by an app without an API, not supported)'],
  [EXIT.budget, 'refused by the budget, or a paid run without --yes / --max-cost in a script'],
  [EXIT.timeout, '--timeout passed (the run goes on: `courier watch <run>`)'],
  [EXIT.interrupted, 'interrupted with Ctrl+C (the run is cancelled only if you said so, or with --cancel-on-exit)'],
]

/** The exit code for a core error code. */
export function exitCodeFor(code: ErrorCode): ExitCode {
  switch (code) {
    case 'BAD_INPUT':
    case 'NOT_FOUND':
    case 'PROVIDER_VALIDATION':
    case 'PROVIDER_NOT_FOUND':
      return EXIT.usage
    case 'NOT_CONFIGURED':
    case 'NOT_SUPPORTED':
    case 'FORBIDDEN':
    case 'UNKNOWN_METHOD':
    case 'PROVIDER_AUTH':
    case 'PROVIDER_NAME_NOT_FOUND':
    case 'PROVIDER_CONNECTION_REFUSED':
    case 'PROVIDER_TLS':
      return EXIT.config
    case 'SPEND_CONFIRMATION_REQUIRED':
    case 'BUDGET_EXCEEDED':
      return EXIT.budget
    default:
      return EXIT.failed
  }
}

/** A failure the user caused or can act on: printed as one line, never with a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Core's error code, when the failure came from core. */
    readonly code: ErrorCode | 'USAGE' | 'TIMEOUT' | 'INTERRUPTED' | null = null,
  ) {
    super(message)
  }
}

export const usage = (message: string): CliError => new CliError(message, EXIT.usage, 'USAGE')
