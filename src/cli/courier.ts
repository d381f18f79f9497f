import { CommanderError } from 'commander'
import { runCommand } from './context'
import { EXIT } from './exit-codes'
import { buildProgram } from './program'

/*
 * `courier` (bundled to out/main/courier.js; `bin/courier.mjs` is the package's bin). Parses the command
 * line, runs one command and exits with its code. Usage mistakes exit 2, with commander's one-line message.
 */
let exitCode: number = EXIT.ok
// A reader that stops early (`courier ls | head -1`) closes the pipe: stop quietly, not with a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(exitCode)
  throw error
})
const program = buildProgram(async (globals, body) => {
  exitCode = await runCommand(globals, body)
})

try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; every other parse error is a usage error.
    exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage
  } else {
    process.stderr.write(`courier: unexpected error: ${(error as Error).message}\n`)
    exitCode = EXIT.failed
  }
}
// Let stdout drain (a pipe may still hold the summary line), then leave even if a socket lingers.
process.stdout.write('', () => process.exit(exitCode))
