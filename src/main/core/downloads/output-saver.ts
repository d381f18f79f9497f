import { setMaxListeners } from 'node:events'
import { randomBytes } from 'node:crypto'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { CourierEvent } from '@shared/events'
import type { Output } from '@shared/output'
import type { EventHub } from '../events/event-hub'
import { probeMedia, type MediaFacts } from '../library/probe'
import type { Logger } from '../log/logger'
import type { WrittenRecord } from '../metadata/write-record'
import type { ProviderClient, RunSnapshot } from '../providers/types'
import type { RunLedger } from '../runs/run-ledger'
import type { NewOutput, OutputsRepo } from '../store/outputs-repo'
import type { StoredRun } from '../store/runs-repo'
import { DownloadError } from './download-file'
import { DownloadManager, type DownloadManagerOptions } from './download-manager'
import { DAY_FOLDER, GRID_PART_NAME, PART_NAME, outputTarget } from './output-target'
import { RESUME_SUFFIX, discardPart, readResume } from './resume-file'
import type { Resolver } from './url-guard'

export interface OutputSaverDeps {
  /** Told where each run's files stand: every output saved, some pending a retry, some lost for good. */
  ledger: RunLedger
  outputs: OutputsRepo
  events: EventHub<CourierEvent>
  log: Logger
  libraryDir: () => string
  resolve: Resolver
  maxBytes?: number
  /** Bound on one attempt at one file (default 10 min; a longer download resumes in the next). */
  timeoutMs?: number
  /** Files downloading at once, all hosts together (default 6; 3 per host). */
  concurrency?: number
  /** Wait before retrying a run whose downloads failed for a passing reason (default 30 s). */
  retryDelayMs?: number
  now?: () => number
  /** The download queue's seams and limits (free-space probe, `.part` sink, backoff…); the defaults are the product's. */
  downloads?: DownloadManagerOptions
  /** Width, height and duration of a saved file (default `probeMedia`). */
  probe?: (file: string, mime: string) => Promise<MediaFacts>
  /** Called after each output's row is inserted (thumbnails). */
  onSaved?: (output: Output) => void
  /**
   * Writes the run's generation record into a saved file, before its row exists (`writeRecord`); the row
   * then holds the file as it is afterwards. Absent: files are kept exactly as sent.
   */
  writeRecord?: (file: { path: string; bytes: number; sha256: string }, run: StoredRun, index: number, size: MediaFacts) => Promise<WrittenRecord>
}

/** Expired links are refreshed by asking the provider again, at most this many times per run. */
const LINK_REFRESHES = 3

/**
 * Removes the partial downloads this app left in the library (`{yyyy-mm-dd}/{deployment}/{runShort}-{n}.part`
 * and its `.part.resume` sidecar) that can no longer be resumed: a `.part` without a usable sidecar (or
 * one older than a week), and a sidecar whose `.part` is gone. A resumable `.part` stays for its run's
 * download to continue. Touches nothing else: no other folder, no file of another name.
 */
export async function removeStaleParts(libraryDir: string, now = Date.now()): Promise<number> {
  let removed = 0
  const days = await readdir(libraryDir, { withFileTypes: true }).catch(() => [])
  for (const day of days) {
    if (!day.isDirectory() || !DAY_FOLDER.test(day.name)) continue
    const deployments = await readdir(join(libraryDir, day.name), { withFileTypes: true }).catch(() => [])
    for (const deployment of deployments) {
      if (!deployment.isDirectory()) continue
      const folder = join(libraryDir, day.name, deployment.name)
      const files = await readdir(folder, { withFileTypes: true }).catch(() => [])
      const names = new Set(files.filter((file) => file.isFile()).map((file) => file.name))
      for (const name of names) {
        if (GRID_PART_NAME.test(name)) {
          await rm(join(folder, name), { force: true })
          removed++
        } else if (PART_NAME.test(name)) {
          const partPath = join(folder, name)
          if ((await readResume(partPath, now)).validator !== null) continue // its run's download continues it
          await discardPart(partPath)
          removed++
        } else if (name.endsWith(RESUME_SUFFIX)) {
          const partName = name.slice(0, -RESUME_SUFFIX.length)
          if (PART_NAME.test(partName) && !names.has(partName)) await rm(join(folder, name), { force: true })
        }
      }
    }
  }
  return removed
}

/**
 * Saves a succeeded run's outputs into the library, each once, through the download queue: `.part`,
 * checks, rename, then the row, `output.saved` and `onSaved`. The run's `outputs` stay 'pending' until all
 * are on disk, so a restart resumes.
 */
export class OutputSaver {
  private readonly manager: DownloadManager
  private readonly active = new Set<string>()
  private readonly stopping = new AbortController()
  private readonly now: () => number
  /** Runs whose last attempt failed for a passing reason: not retried before this time. */
  private readonly retryAfter = new Map<string, number>()
  private readonly refreshes = new Map<string, number>()
  private readonly running = new Set<Promise<void>>()
  /** Start-up cleaning of stale `.part` files; every save waits for it. */
  private readonly cleaned: Promise<void>

  constructor(private readonly deps: OutputSaverDeps) {
    this.now = deps.now ?? Date.now
    // Every queued file listens for the stop: dozens at once is normal, not a leak.
    setMaxListeners(0, this.stopping.signal)
    this.manager = new DownloadManager({
      ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
      ...(deps.maxBytes !== undefined ? { maxBytes: deps.maxBytes } : {}),
      ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
      ...deps.downloads,
    })
    this.cleaned = removeStaleParts(deps.libraryDir()).then(
      (count) => {
        if (count > 0) deps.log.info('removed stale partial downloads', { count })
      },
      (error: unknown) => deps.log.warn('could not clean partial downloads', { reason: (error as Error).message }),
    )
  }

  isBusy(runId: string): boolean {
    return this.active.has(runId) || (this.retryAfter.get(runId) ?? 0) > this.now()
  }

  save(run: StoredRun, snapshot: RunSnapshot, provider: ProviderClient): void {
    if (this.active.has(run.id) || this.stopping.signal.aborted) return
    this.active.add(run.id)
    this.retryAfter.delete(run.id)
    if (run.outputs !== 'pending') this.deps.ledger.change(run.id, { outputs: 'pending' })
    const job = this.saveAll(run, snapshot, provider)
      .catch((error: unknown) => this.deps.log.error('saving outputs failed', { runId: run.id, reason: (error as Error).message }))
      .finally(() => {
        this.active.delete(run.id)
        this.running.delete(job)
      })
    this.running.add(job)
  }

  private async saveAll(run: StoredRun, snapshot: RunSnapshot, provider: ProviderClient): Promise<void> {
    await this.cleaned
    const libraryDir = this.deps.libraryDir()
    const saved = this.deps.outputs.savedIndexes(run.id)
    const pending = snapshot.outputs.map((ref, index) => ({ ref, index })).filter(({ index }) => !saved.has(index))
    const results = await Promise.allSettled(pending.map(({ ref, index }) => this.saveOne(run, ref, index, provider, libraryDir)))
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ reason: r.reason as unknown, index: pending[i]!.index }] : []))
    if (this.stopping.signal.aborted) return
    if (failures.length === 0) {
      this.refreshes.delete(run.id)
      this.deps.ledger.change(run.id, { outputs: 'saved', error: null })
    } else {
      const first = failures[0]!.reason
      const failure = first instanceof DownloadError ? first : null
      const diskFull = failures.some(({ reason }) => reason instanceof DownloadError && reason.diskFull)
      // An expired link is worth a fresh one: the poller's next GET of the run signs new URLs.
      const refreshes = this.refreshes.get(run.id) ?? 0
      const refresh = failure !== null && failure.expired && refreshes < LINK_REFRESHES
      if (refresh) this.refreshes.set(run.id, refreshes + 1)
      const passing = refresh || (failure !== null && failure.retryable)
      if (passing) {
        const wait = refresh ? 0 : Math.max(this.deps.retryDelayMs ?? 30_000, failure?.retryAfterMs ?? 0)
        this.retryAfter.set(run.id, this.now() + wait)
      } else {
        // Never resumed now: their `.part` files go.
        for (const { index } of failures) {
          const { partPath } = outputTarget(libraryDir, run, index)
          this.manager.forget(partPath)
          await discardPart(partPath)
        }
      }
      const shown = diskFull ? (failures.find(({ reason }) => reason instanceof DownloadError && reason.diskFull)?.reason as Error) : (first as Error)
      // Passing failures stay 'pending' and are retried by the poller; refused ones are final.
      this.deps.ledger.change(run.id, {
        outputs: passing ? 'pending' : 'failed',
        error: {
          code: diskFull ? 'DISK_FULL' : 'DOWNLOAD_FAILED',
          message: `${failures.length} of ${snapshot.outputs.length} outputs not saved: ${shown.message}${passing ? ' (will retry)' : ''}`,
        },
      })
      this.deps.log.warn('outputs not saved', { runId: run.id, failures: failures.length, reason: shown.message })
    }
  }

  private async saveOne(run: StoredRun, ref: RunSnapshot['outputs'][number], index: number, provider: ProviderClient, libraryDir: string): Promise<void> {
    const target = outputTarget(libraryDir, run, index)
    let relative = ''
    const file = await this.manager.download(
      {
        url: ref.url,
        policy: { allowLoopbackHttp: provider.allowLoopbackMedia, resolve: this.deps.resolve },
        partPath: target.partPath,
        pathFor: (type) => {
          relative = target.relativeFor(type.ext)
          return target.pathFor(type.ext)
        },
        promised: { kind: ref.kind, filename: ref.filename },
        onProgress: (progress) => this.deps.events.publish({ type: 'download.progress', progress: { runId: run.id, index, ...progress } }),
      },
      this.stopping.signal,
    )
    let output: Output
    try {
      const facts = await (this.deps.probe ?? probeMedia)(file.path, file.type.mime)
      const written = await this.recordInto(file, run, index, facts)
      const row: NewOutput = {
        id: `o_${randomBytes(9).toString('base64url')}`,
        runId: run.id,
        index,
        root: libraryDir,
        path: relative,
        kind: file.type.kind,
        mime: file.type.mime,
        bytes: written.bytes,
        sha256: written.sha256,
        originalSha256: written.sha256 === file.sha256 ? null : file.sha256,
        record: written.how,
        width: facts.width,
        height: facts.height,
        durationMs: facts.durationMs,
        createdAt: this.now(),
      }
      // The row and its run's new count are one transaction; the run is announced with its count.
      output = this.deps.ledger.transaction((tx) => {
        const inserted = this.deps.outputs.insert(row)
        tx.change(run.id, { recountOutputs: true })
        return inserted
      })
    } catch (error) {
      // No row, no file: a file the library does not list would be an orphan. The next round saves it again.
      // (Unless a row for this output exists after all: then the file is the one it points at.)
      if (!this.deps.outputs.savedIndexes(run.id).has(index)) await rm(file.path, { force: true })
      const full = /SQLITE_FULL|database or disk is full/i.test((error as Error).message)
      throw new DownloadError(`the saved file could not be recorded: ${(error as Error).message}`, true, full)
    }
    this.deps.events.publish({ type: 'output.saved', output })
    this.deps.log.info('output saved', { runId: run.id, index, bytes: file.bytes, resumedFrom: file.resumedFrom })
    try {
      this.deps.onSaved?.(output)
    } catch (error) {
      this.deps.log.warn('onSaved failed', { outputId: output.id, reason: (error as Error).message })
    }
  }

  /** The record written into the file; what fails there is logged and the file is saved as it was sent. */
  private async recordInto(file: { path: string; bytes: number; sha256: string }, run: StoredRun, index: number, facts: MediaFacts): Promise<WrittenRecord> {
    const unchanged: WrittenRecord = { how: null, bytes: file.bytes, sha256: file.sha256, why: null }
    if (!this.deps.writeRecord) return unchanged
    try {
      const written = await this.deps.writeRecord(file, run, index, facts)
      if (written.why !== null) this.deps.log.warn('generation record not embedded', { runId: run.id, index, how: written.how, reason: written.why })
      return written
    } catch (error) {
      this.deps.log.warn('generation record not written', { runId: run.id, index, reason: (error as Error).message })
      return unchanged
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort()
    await Promise.allSettled([...this.running])
    await this.manager.idle()
  }
}
