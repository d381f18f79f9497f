import { randomBytes } from 'node:crypto'
import { realpath, stat } from 'node:fs/promises'
import { basename, isAbsolute } from 'node:path'
import type { CourierEvent } from '@shared/events'
import type { ImportFolder, ImportProgress } from '@shared/imports'
import { err, ok, type Result } from '@shared/result'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ImportsRepo } from '../store/imports-repo'
import type { OutputsRepo } from '../store/outputs-repo'
import { HashClaims, indexImportedFile, type IndexFileDeps } from './import-file'
import { walkImportFolder } from './import-walk'
import { isInside } from './media'

export interface ImportServiceDeps extends IndexFileDeps {
  outputs: IndexFileDeps['outputs'] & Pick<OutputsRepo, 'importedFiles' | 'setMissing'>
  imports: ImportsRepo
  events: Pick<EventHub<CourierEvent>, 'publish'>
  log: Logger
  /** The library folder in effect now: never imported, never walked into. */
  libraryDir: () => string
  /** The app's data folder (database, thumbnails): never walked into either. */
  dataDir: string
  /** How often watched folders are scanned again (default 60 s). */
  watchIntervalMs?: number
  /** Default 250 ms. */
  progressIntervalMs?: number
  /** Files indexed at once in a scan (default `IMPORT_CONCURRENCY`). */
  concurrency?: number
  now?: () => number
}

interface Job {
  id: string
  importId: number
  folder: string
  controller: AbortController
  done: Promise<void>
}

const realOrSelf = (path: string) => realpath(path).catch(() => path)

/**
 * Files a scan indexes at once. Two: while one file's thumbnail is decoded (sharp, on libuv's threads,
 * still one at a time in `Thumbnails`), the next is read, hashed, probed and its metadata read on the main
 * thread, so neither waits for the other; more would only hold more files in memory, as decoding is the
 * slowest step and stays one at a time.
 */
export const IMPORT_CONCURRENCY = 2

/**
 * Folders added to the library (`library.import`): each scan walks the folder, indexes new files in place,
 * skips unchanged ones (same path, size and modification time), and marks files gone from it missing
 * (rows are never dropped). One scan per folder at a time; watched folders are scanned again every
 * `watchIntervalMs` while the app runs (simpler and sturdier across systems than file-system watchers).
 */
export class ImportService {
  private readonly jobs = new Map<string, Job>()
  /** Shared by every scan, so two copies of a file in two folders scanned at once are still one output. */
  private readonly claims = new HashClaims()
  private timer: ReturnType<typeof setInterval> | null = null
  private stopped = false

  constructor(private readonly deps: ImportServiceDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now()
  }

  /** Checks the folder and starts its scan; answers the scan's id (a scan already under way for it: that one's). */
  async start(folder: string, watch: boolean | undefined): Promise<Result<{ id: string }>> {
    if (this.stopped) return err('CONFLICT', 'the app is shutting down')
    if (!isAbsolute(folder)) return err('BAD_INPUT', `${folder} is not a full path: give the folder's absolute path.`, 'folder')
    const info = await stat(folder).catch(() => null)
    if (info === null) return err('BAD_INPUT', `There is no folder ${folder}.`, 'folder')
    if (!info.isDirectory()) return err('BAD_INPUT', `${folder} is not a folder.`, 'folder')
    const real = await realpath(folder)
    const library = await realOrSelf(this.deps.libraryDir())
    if (isInside(library, real)) return err('BAD_INPUT', `${folder} is the library folder or inside it: its files are in the library already.`, 'folder')
    const dataDir = await realOrSelf(this.deps.dataDir)
    if (isInside(dataDir, real)) return err('BAD_INPUT', `${folder} is the app's own data folder.`, 'folder')
    const row = this.deps.imports.upsert(real, watch, this.now())
    const running = [...this.jobs.values()].find((job) => job.importId === row.id)
    if (running) return ok({ id: running.id })
    return ok({ id: this.scan(row.id, real) })
  }

  cancel(id: string): Result<Record<string, never>> {
    const job = this.jobs.get(id)
    if (!job) return err('NOT_FOUND', `no scan ${id} is under way: it may have ended`)
    job.controller.abort()
    return ok({})
  }

  list(): ImportFolder[] {
    const byFolder = new Map([...this.jobs.values()].map((job) => [job.importId, job.id]))
    return this.deps.imports.list((id) => byFolder.get(id) ?? null)
  }

  /** The id of the scan under way for the folder, or null. */
  scanOf(importId: number): string | null {
    return [...this.jobs.values()].find((job) => job.importId === importId)?.id ?? null
  }

  /** Cancels any scan of the folder and waits until none runs (before its rows go: `ImportFolders.remove`). */
  async stopScans(importId: number): Promise<void> {
    for (let jobs = this.jobsOf(importId); jobs.length > 0; jobs = this.jobsOf(importId)) {
      for (const job of jobs) job.controller.abort()
      await Promise.all(jobs.map((job) => job.done))
    }
  }

  private jobsOf(importId: number): Job[] {
    return [...this.jobs.values()].filter((job) => job.importId === importId)
  }

  /** Scans watched folders again every `watchIntervalMs`, from now on. */
  startWatching(): void {
    if (this.timer !== null || this.stopped) return
    this.timer = setInterval(() => this.rescanWatched(), this.deps.watchIntervalMs ?? 60_000)
    this.timer.unref?.()
  }

  /** A scan of each watched folder that is not being scanned now. */
  rescanWatched(): void {
    if (this.stopped) return
    for (const row of this.deps.imports.watched()) {
      if ([...this.jobs.values()].some((job) => job.importId === row.id)) continue
      void stat(row.path).then(
        (info) => {
          // Checked again after the wait: the folder may have been removed from the library meanwhile.
          if (info.isDirectory() && !this.stopped && this.deps.imports.get(row.id) && this.jobsOf(row.id).length === 0) this.scan(row.id, row.path)
        },
        () => undefined, // gone for now (an unplugged disk): tried again next time
      )
    }
  }

  /** Stops the watch and every scan, and waits for them to end (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    const jobs = [...this.jobs.values()]
    for (const job of jobs) job.controller.abort()
    await Promise.all(jobs.map((job) => job.done))
  }

  private scan(importId: number, folder: string): string {
    const id = `imp_${randomBytes(6).toString('base64url')}`
    const controller = new AbortController()
    const job: Job = { id, importId, folder, controller, done: Promise.resolve() }
    this.jobs.set(id, job)
    job.done = this.run(job).finally(() => this.jobs.delete(id))
    return id
  }

  private async run(job: Job): Promise<void> {
    const { signal } = job.controller
    const interval = this.deps.progressIntervalMs ?? 250
    const progress: ImportProgress = { id: job.id, folder: job.folder, state: 'scanning', found: 0, done: 0, added: 0, duplicates: 0, failed: 0, message: null }
    let sentAt = 0
    const report = (force = false) => {
      const at = this.now()
      if (!force && at - sentAt < interval) return
      sentAt = at
      this.deps.events.publish({ type: 'library.importing', progress: { ...progress } })
    }
    report(true)
    const log = this.deps.log
    try {
      const known = this.deps.outputs.importedFiles(job.importId)
      const seen = new Set<string>()
      const back: string[] = []
      const skip = [await realOrSelf(this.deps.libraryDir()), await realOrSelf(this.deps.dataDir)]
      const walk = { truncated: false }
      const folderName = basename(job.folder)
      const concurrency = Math.max(1, this.deps.concurrency ?? IMPORT_CONCURRENCY)
      const at = { importId: job.importId, root: job.folder, folderName, claims: this.claims }
      const inFlight = new Set<Promise<void>>()
      try {
        for await (const found of walkImportFolder(job.folder, { skip, signal }, walk)) {
          progress.found++
          seen.add(found.path)
          const before = known.get(found.path)
          if (before && before.bytes === found.size && before.mtime === found.mtime) {
            if (before.missing) back.push(before.id)
            progress.done++
            report()
          } else {
            // A file changed in place is indexed again: its old row goes (with its search entry and thumbnail).
            if (before) {
              this.deps.outputs.remove([before.id])
              await this.deps.thumbnails.remove(before.id).catch(() => undefined)
            }
            const task: Promise<void> = indexImportedFile(this.deps, at, found, signal).then((outcome) => {
              inFlight.delete(task)
              if (outcome.kind === 'cancelled') return // stopped before its row: not done, and no row
              if (outcome.kind === 'added') progress.added++
              else if (outcome.kind === 'duplicate') progress.duplicates++
              else {
                progress.failed++
                log.info('import: file not indexed', { folder: job.folder, reason: outcome.reason })
              }
              progress.done++
              report()
            })
            inFlight.add(task)
            // Bounded: the walk waits while `concurrency` files are in flight (each may hold its bytes).
            while (inFlight.size >= concurrency) await Promise.race(inFlight)
          }
          if (signal.aborted) break
        }
      } finally {
        // Whatever ends the walk (done, cancelled, an unreadable folder), the files in flight end first.
        await Promise.all(inFlight)
      }
      if (back.length > 0) this.deps.outputs.setMissing(back, false)
      if (signal.aborted) {
        progress.state = 'cancelled'
      } else {
        // Only a whole walk can say what is gone: files not seen are marked missing, never dropped.
        if (!walk.truncated) {
          const gone = [...known.values()].filter((file) => !seen.has(file.path) && !file.missing).map((file) => file.id)
          if (gone.length > 0) this.deps.outputs.setMissing(gone, true)
        } else {
          progress.message = `Stopped after ${progress.found.toLocaleString('en')} files: a scan takes at most that many.`
        }
        progress.state = 'done'
        this.deps.imports.scanned(job.importId, { duplicates: progress.duplicates, failed: progress.failed, at: this.now() })
      }
    } catch (error) {
      progress.state = signal.aborted ? 'cancelled' : 'failed'
      progress.message = signal.aborted ? null : `The folder could not be read: ${(error as Error).message}`
      if (!signal.aborted) log.warn('import failed', { folder: job.folder, error: String(error) })
    }
    log.info('import scan ended', { folder: job.folder, state: progress.state, found: progress.found, added: progress.added, duplicates: progress.duplicates, failed: progress.failed })
    report(true)
  }
}
