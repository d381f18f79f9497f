import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

export type Level = 'debug' | 'info' | 'warn' | 'error'
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  child(scope: string): Logger
}

/** Secrets never reach a log: hook tokens in webhook paths, bearer keys, token query parameters. */
export function redact(text: string): string {
  return text
    .replace(/(\/hooks\/[a-z]+\/)[^/?#\s"']+/gi, '$1[token]')
    .replace(/(bearer\s+)[^\s"',]+/gi, '$1[key]')
    .replace(/([?&](?:token|cd_token|api_key|key)=)[^&\s"']+/gi, '$1[redacted]')
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** JSON lines to `{dataDir}/logs/courier.log`; warnings and errors also to the sink (stderr by default). */
export function createLogger(opts: { dataDir: string; sink?: (line: string) => void; level?: Level }): Logger {
  const dir = join(opts.dataDir, 'logs')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'courier.log')
  const threshold = ORDER[opts.level ?? 'info']
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`))

  const make = (scope: string): Logger => {
    const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < threshold) return
      const line = redact(JSON.stringify({ t: new Date().toISOString(), level, scope, message, ...fields }))
      try {
        appendFileSync(file, `${line}\n`)
      } catch {
        // A full disk must not take the app down with it; the sink still gets warnings.
      }
      if (ORDER[level] >= ORDER.warn) sink(line)
    }
    return {
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (name) => make(scope ? `${scope}.${name}` : name),
    }
  }
  return make('')
}
