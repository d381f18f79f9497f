/**
 * The command-line flags of ARCHITECTURE §4 that core reads (`core/config/config.ts`); `--port` belongs
 * to the web host and is accepted so one command line works for both. Electron and Chromium put their
 * own switches in `process.argv` too (and Playwright adds `--inspect`, `--remote-debugging-port`), so
 * only these names are picked out and everything else is left alone.
 */
export const COURIER_FLAGS = [
  'data-dir',
  'library-dir',
  'port',
  'listener-port',
  'tunnel',
  'tunnel-host',
  'public-url',
  'ngrok-domain',
] as const
export type CourierFlag = (typeof COURIER_FLAGS)[number]

const isCourierFlag = (name: string): name is CourierFlag => (COURIER_FLAGS as readonly string[]).includes(name)

/**
 * `--tunnel off` and `--tunnel=off` both give `{ tunnel: 'off' }`; keys keep the flag's own spelling
 * (`--data-dir x` → `{ 'data-dir': 'x' }`). A flag with no value (last, or followed by another
 * `--switch`) is left out rather than guessed. The last occurrence wins, as in most CLIs.
 */
export function parseCourierFlags(argv: readonly string[]): Partial<Record<CourierFlag, string>> {
  const flags: Partial<Record<CourierFlag, string>> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === undefined || !arg.startsWith('--')) continue
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    if (!isCourierFlag(name)) continue
    if (eq !== -1) {
      flags[name] = arg.slice(eq + 1)
      continue
    }
    const next = argv[i + 1]
    if (next !== undefined && !next.startsWith('--')) {
      flags[name] = next
      i++
    }
  }
  return flags
}
