import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

export type Level = 'debug' | 'info' | 'warn' | 'error'
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  child(scope: string): Logger
}

/**
 * Secrets never reach a log: hook tokens in webhook paths, bearer keys, token query parameters, ngrok
 * authtokens (`2abc…_xyz…`, also as quoted by ngrok's errors: "Your authtoken: …").
 */
export function redact(text: string): string {
  return text
    .replace(/(\/hooks\/[a-z]+\/)[^/?#\s"']+/gi, '$1[token]')
    .replace(/(bearer\s+)[^\s"',]+/gi, '$1[key]')
    .replace(/([?&](?:token|cd_token|api_key|key|authtoken)=)[^&\s"']+/gi, '$1[redacted]')
    .replace(/(authtoken"?\s*[:=]\s*"?)[^\s"',]+/gi, '$1[redacted]')
    .replace(/\b[0-9][0-9A-Za-z]{20,40}_[0-9A-Za-z]{15,40}\b/g, '[ngrok-token]')
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** The logger `createLogger` returns: the app's root, which also owns the file's write buffer. */
export interface RootLogger extends Logger {
  /** Writes every buffered line now (stop, tests); it also happens on its own a moment after each line. */
  flush(): void
  /** The last warning and error lines (oldest first), as written: JSON, already redacted. For diagnostics. */
  recent(): string[]
}

/** How many recent warning/error lines `recent()` keeps by default. */
const DEFAULT_RECENT = 20

/** Above this many buffered characters the buffer is written at once rather than at the next turn. */
const FLUSH_AT_CHARS = 64 * 1024

/** Loggers with lines not yet on disk, written out if the process exits before their next flush. */
const unflushed = new Set<() => void>()
let exitHookInstalled = false
function flushAllOnExit(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const flush of unflushed) flush()
  })
}

/**
 * JSON lines to `{dataDir}/logs/courier.log`; warnings and errors also to the sink (stderr by default).
 * Lines are buffered and appended once per turn of the event loop: a burst of webhooks costs one write,
 * not one per line. An error line, `flush()` and process exit write the buffer at once.
 */
export interface LoggerOptions {
  dataDir: string
  sink?: (line: string) => void
  level?: Level
  /** Size at which `courier.log` is rotated (default 5 MiB). */
  maxBytes?: number
  /** Rotated files kept, `courier.1.log` the newest (default 3). */
  keep?: number
  /** Warning/error lines `recent()` keeps (default 20). */
  recentLines?: number
}

/** The log files of a data dir, newest first: `courier.log`, then `courier.1.log`, … */
export function logFiles(dataDir: string, keep = DEFAULT_KEEP): string[] {
  const dir = join(dataDir, 'logs')
  return [join(dir, 'courier.log'), ...Array.from({ length: keep }, (_, i) => join(dir, `courier.${i + 1}.log`))]
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024
const DEFAULT_KEEP = 3

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** courier.log → courier.1.log → … → courier.{keep}.log, the oldest dropped. Errors are ignored: logging goes on. */
function rotate(files: string[]): void {
  try {
    rmSync(files[files.length - 1]!, { force: true })
    for (let i = files.length - 1; i > 0; i--) {
      try {
        renameSync(files[i - 1]!, files[i]!)
      } catch {
        // that generation does not exist yet
      }
    }
  } catch {
    // a read-only or vanished folder: keep appending where we can
  }
}

export function createLogger(opts: LoggerOptions): RootLogger {
  const dir = join(opts.dataDir, 'logs')
  mkdirSync(dir, { recursive: true })
  const files = logFiles(opts.dataDir, opts.keep ?? DEFAULT_KEEP)
  const file = files[0]!
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
  const threshold = ORDER[opts.level ?? 'info']
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`))
  let buffer = ''
  let scheduled: NodeJS.Immediate | null = null
  let written = sizeOf(file)
  const recentMax = Math.max(0, opts.recentLines ?? DEFAULT_RECENT)
  const recentLines: string[] = []

  const flush = () => {
    if (scheduled) clearImmediate(scheduled)
    scheduled = null
    unflushed.delete(flush)
    if (buffer === '') return
    const text = buffer
    buffer = ''
    if (written > 0 && written + text.length > maxBytes) {
      rotate(files)
      written = 0
    }
    try {
      appendFileSync(file, text)
      written += Buffer.byteLength(text)
    } catch {
      // A full disk must not take the app down with it; the sink still gets warnings.
    }
  }

  const make = (scope: string): Logger => {
    const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < threshold) return
      const line = redact(JSON.stringify({ t: new Date().toISOString(), level, scope, message, ...fields }))
      buffer += `${line}\n`
      if (level === 'error' || buffer.length >= FLUSH_AT_CHARS) flush()
      else if (!scheduled) {
        scheduled = setImmediate(flush)
        // A pending log line must not keep a finished process alive; the exit hook writes it.
        scheduled.unref()
        unflushed.add(flush)
        flushAllOnExit()
      }
      if (ORDER[level] >= ORDER.warn) {
        recentLines.push(line)
        if (recentLines.length > recentMax) recentLines.splice(0, recentLines.length - recentMax)
        sink(line)
      }
    }
    return {
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (name) => make(scope ? `${scope}.${name}` : name),
    }
  }
  return { ...make(''), flush, recent: () => [...recentLines] }
}
