import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

/**
 * One core per data folder (issue 20). The database is opened by one process at a time: the web host, the
 * desktop app, or a headless `courier` command. Each takes `courier.lock` in the data folder before it opens
 * `courier.db`, and removes it when it stops. The file is created exclusively (`wx`), so two processes never
 * both win; a lock whose process is gone (a crash, a kill -9) is stale and taken over.
 */
export const LOCK_FILE = 'courier.lock'

export const LockHolder = z.object({
  pid: z.number().int().positive(),
  /** Who holds it: the web host, the desktop app, or a command line running a core of its own. */
  kind: z.enum(['web', 'electron', 'cli']),
  startedAt: z.number(),
})
export type LockHolder = z.infer<typeof LockHolder>

export interface DataLock {
  readonly file: string
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void
}

export type LockAttempt = { ok: true; lock: DataLock } | { ok: false; holder: LockHolder }

/** True when a process with this id exists (on POSIX `kill(pid, 0)`; EPERM means it exists but is not ours). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The holder named in the lock file, or null when there is none or it is unreadable (a half-written file). */
export function readLock(dataDir: string): LockHolder | null {
  try {
    const parsed = LockHolder.safeParse(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Takes the data folder's lock for this process, or says who holds it. A lock file naming a process that is
 * no longer running, or that cannot be read, is stale and replaced. The lock is removed at process exit too,
 * so a command that ends without `release()` does not leave it behind.
 */
export function acquireDataLock(dataDir: string, kind: LockHolder['kind']): LockAttempt {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, LOCK_FILE)
  const mine: LockHolder = { pid: process.pid, kind, startedAt: Date.now() }
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number
    try {
      fd = openSync(file, 'wx', 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readLock(dataDir)
      if (holder && holder.pid !== process.pid && processAlive(holder.pid)) return { ok: false, holder }
      // Stale (its process is gone) or unreadable: take it over. Another process doing the same at the same
      // moment loses the `wx` race on the next turn.
      rmSync(file, { force: true })
      continue
    }
    try {
      writeSync(fd, JSON.stringify(mine))
    } finally {
      closeSync(fd)
    }
    let released = false
    const release = (): void => {
      if (released) return
      released = true
      process.off('exit', release)
      if (readLock(dataDir)?.pid === process.pid) rmSync(file, { force: true })
    }
    process.on('exit', release)
    return { ok: true, lock: { file, release } }
  }
  const holder = readLock(dataDir)
  return holder ? { ok: false, holder } : { ok: false, holder: { pid: 0, kind: 'cli', startedAt: 0 } }
}

/** Who holds a lock, in words: "the web host (pid 4242)". */
export function describeHolder(holder: LockHolder): string {
  const who = holder.kind === 'web' ? 'the web app (npm run web)' : holder.kind === 'electron' ? 'the desktop app' : 'another courier command'
  return holder.pid > 0 ? `${who}, process ${holder.pid}` : who
}
