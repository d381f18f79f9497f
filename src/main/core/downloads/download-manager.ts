import { setTimeout as sleepFor } from 'node:timers/promises'
import PQueue from 'p-queue'
import type { DownloadProgress } from '@shared/events'
import type { OutputKind } from '@shared/output'
import { DEFAULT_BACKOFF, fullJitter, type BackoffOptions } from './backoff'
import { DownloadError, downloadAttempt, type Downloaded } from './download-file'
import { FREE_SPACE_MARGIN, SpaceBook, systemFreeSpace, type FreeSpaceProbe } from './free-space'
import type { SavedType } from './output-target'
import type { OpenPart } from './part-file'
import { ProgressMeter } from './progress-meter'
import { readResume, type ResumeState } from './resume-file'
import type { UrlPolicy } from './url-guard'

/** A file's progress as the UI sees it, without the run and index the caller adds. */
export type ProgressUpdate = Omit<DownloadProgress, 'runId' | 'index'>

export interface DownloadJob {
  url: string
  policy: UrlPolicy
  partPath: string
  pathFor: (type: SavedType) => string
  promised: { kind: OutputKind; filename: string | null }
  onProgress?: (progress: ProgressUpdate) => void
}

export interface DownloadManagerOptions {
  /** Files downloading at once, all hosts together (default 6). */
  concurrency?: number
  /** Files downloading at once from one host (default 3). */
  perHost?: number
  /** Attempts per file before giving up for now (default 4). */
  attempts?: number
  backoff?: BackoffOptions
  /** A `Retry-After` longer than this is not waited for here: the file fails for now (default 60 s). */
  maxRetryAfterMs?: number
  maxBytes?: number
  /** Bound on one attempt (default 10 min; a longer file resumes in the next). */
  timeoutMs?: number
  /** No bytes for this long ends an attempt (default 60 s). */
  stallMs?: number
  freeSpace?: FreeSpaceProbe
  marginBytes?: number
  openPart?: OpenPart
  random?: () => number
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Clock for rates and event spacing (default `performance.now`). */
  now?: () => number
}

const abortableSleep = (ms: number, signal: AbortSignal) => sleepFor(ms, undefined, { signal })

/**
 * The download queue: one global cap and one per host, so a slow CDN cannot take every slot and a fast one
 * is not hammered. Each file is tried up to `attempts` times with full-jitter backoff (or the host's
 * `Retry-After`), each attempt resuming what the last one left in the `.part`. Progress goes out per file:
 * queued → downloading (at most every 250 ms, with a smoothed rate and ETA) → retrying (why) → done | failed.
 */
export class DownloadManager {
  private readonly global: PQueue
  private readonly hosts = new Map<string, PQueue>()
  /** Every attempt not yet settled, however its queue slot ended (`idle` waits for them). */
  private readonly attempts = new Set<Promise<unknown>>()
  private readonly resumes = new Map<string, ResumeState>()
  private readonly space: SpaceBook
  private readonly options: Required<Omit<DownloadManagerOptions, 'openPart'>> & { openPart: OpenPart | undefined }

  constructor(options: DownloadManagerOptions = {}) {
    this.options = {
      concurrency: options.concurrency ?? 6,
      perHost: options.perHost ?? 3,
      attempts: options.attempts ?? 4,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      maxBytes: options.maxBytes ?? 2 * 1024 ** 3,
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
      stallMs: options.stallMs ?? 60_000,
      freeSpace: options.freeSpace ?? systemFreeSpace,
      marginBytes: options.marginBytes ?? FREE_SPACE_MARGIN,
      openPart: options.openPart,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? abortableSleep,
      now: options.now ?? (() => performance.now()),
    }
    this.global = new PQueue({ concurrency: this.options.concurrency })
    this.space = new SpaceBook(this.options.freeSpace, this.options.marginBytes)
  }

  /** Files running or waiting, all hosts together. */
  get size(): number {
    let sum = 0
    for (const queue of this.hosts.values()) sum += queue.size + queue.pending
    return sum
  }

  /** Runs `task` in a slot: first the host's (so a busy host waits without holding a global slot), then a global one. */
  private slot<T>(host: string, task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    let queue = this.hosts.get(host)
    if (!queue) this.hosts.set(host, (queue = new PQueue({ concurrency: this.options.perHost })))
    const hostQueue = queue
    // With the signal, a stop takes waiting files out of both queues and their promises reject.
    return hostQueue
      .add(() => this.global.add(task, { signal }), { signal })
      .finally(() => {
        if (hostQueue.size === 0 && hostQueue.pending === 0 && this.hosts.get(host) === hostQueue) this.hosts.delete(host)
      })
  }

  /** Forgets what a `.part` could be resumed with (its file is gone, or will never be resumed). */
  forget(partPath: string): void {
    this.resumes.delete(partPath)
  }

  /**
   * Downloads one file to its final path, or throws the last `DownloadError`. A failure worth another try
   * leaves the `.part` (and what it needs to resume) for a later call; any other removes it.
   */
  async download(job: DownloadJob, signal: AbortSignal): Promise<Downloaded> {
    const { options } = this
    // First use of this `.part` in this process: what an earlier run of the app left can be continued.
    let resume = this.resumes.get(job.partPath)
    if (!resume) this.resumes.set(job.partPath, (resume = await readResume(job.partPath)))
    const meter = new ProgressMeter(options.now)
    let received = 0
    let total = resume.total
    let rate: number | null = null
    let last: ProgressUpdate['state'] | null = null
    const emit = (state: ProgressUpdate['state'], message: string | null = null, eta: number | null = null) => {
      last = state
      job.onProgress?.({ state, receivedBytes: received, totalBytes: total, bytesPerSecond: rate, etaSeconds: eta, message })
    }
    emit('queued')

    let host: string
    try {
      host = new URL(job.url).host
    } catch {
      host = ''
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const file = await this.slot(host, () => {
          signal.throwIfAborted()
          let started = false
          return this.track(downloadAttempt({
            url: job.url,
            policy: job.policy,
            partPath: job.partPath,
            pathFor: job.pathFor,
            promised: job.promised,
            resume: resume,
            maxBytes: options.maxBytes,
            timeoutMs: options.timeoutMs,
            stallMs: options.stallMs,
            signal,
            claimSpace: (dir, bytes) => this.space.claim(dir, bytes),
            freeSpace: options.freeSpace,
            ...(options.openPart ? { openPart: options.openPart } : {}),
            onBytes: (bytes, totalBytes) => {
              received = bytes
              total = totalBytes
              if (!started) {
                started = true
                meter.start(bytes)
              }
              // A new state always goes out; more of the same at most every 250 ms.
              if (!meter.due(last !== 'downloading')) return
              const sample = meter.sample(bytes, totalBytes)
              rate = sample.bytesPerSecond
              emit('downloading', null, sample.etaSeconds)
            },
          }))
        }, signal)
        received = file.bytes
        total = file.bytes
        this.resumes.delete(job.partPath)
        emit('done', null, 0)
        return file
      } catch (error) {
        const failure =
          error instanceof DownloadError ? error : new DownloadError(signal.aborted ? 'the download was stopped' : `the download failed: ${(error as Error).message}`, true)
        const waitMs = failure.retryAfterMs ?? fullJitter(attempt - 1, options.backoff, options.random)
        const again = !signal.aborted && failure.retryable && !failure.diskFull && attempt < options.attempts && waitMs <= options.maxRetryAfterMs
        if ((!failure.retryable && !failure.expired) || failure.diskFull) this.resumes.delete(job.partPath)
        if (!again) {
          rate = null
          emit('failed', failure.message)
          throw failure
        }
        rate = null
        emit('retrying', `${failure.message}; retrying in ${waitMs < 1000 ? 'a moment' : `${Math.round(waitMs / 1000)} s`}`)
        try {
          await options.sleep(waitMs, signal)
        } catch {
          emit('failed', 'the download was stopped')
          throw new DownloadError('the download was stopped', true)
        }
      }
    }
  }

  /**
   * An attempt, followed to its real end. A stop rejects the queues' promises at once, while the attempt
   * itself is still closing its `.part` (or renaming it): `idle` waits for that too, so that nothing writes
   * in the library once the saver has stopped.
   */
  private track<T>(attempt: Promise<T>): Promise<T> {
    this.attempts.add(attempt)
    const settled = () => void this.attempts.delete(attempt)
    attempt.then(settled, settled)
    return attempt
  }

  /** Resolves once nothing is running or waiting (after a stop: once the aborted attempts have unwound). */
  async idle(): Promise<void> {
    await this.global.onIdle()
    await Promise.all([...this.hosts.values()].map((queue) => queue.onIdle()))
    await Promise.allSettled([...this.attempts])
  }
}
