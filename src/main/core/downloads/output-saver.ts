import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import PQueue from 'p-queue'
import type { CourierEvent } from '@shared/events'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import { outputRelativePath, savedType } from '../library/paths'
import type { ProviderClient, RunSnapshot } from '../providers/types'
import type { OutputsRepo } from '../store/outputs-repo'
import type { RunsRepo, StoredRun } from '../store/runs-repo'
import { publicRun } from '../store/runs-repo'
import { DownloadError, downloadFile } from './download-file'
import { pngSize } from './image-size'
import type { Resolver } from './url-guard'

export interface OutputSaverDeps {
  runs: RunsRepo
  outputs: OutputsRepo
  events: EventHub<CourierEvent>
  log: Logger
  libraryDir: () => string
  resolve: Resolver
  maxBytes?: number
  timeoutMs?: number
  concurrency?: number
  /** Wait before retrying a run whose downloads failed for a passing reason (default 30 s). */
  retryDelayMs?: number
  now?: () => number
}

/** Expired links are refreshed by asking the provider again, at most this many times per run. */
const LINK_REFRESHES = 3

const ATTEMPTS = 3
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Saves a succeeded run's outputs into the library, each once: `.part`, checks, rename, then the row and
 * `output.saved`. The run's `downloads` state stays 'pending' until all are on disk, so a restart resumes.
 */
export class OutputSaver {
  private readonly queue: PQueue
  private readonly active = new Set<string>()
  private readonly stopping = new AbortController()
  private readonly now: () => number
  /** Runs whose last attempt failed for a passing reason: not retried before this time. */
  private readonly retryAfter = new Map<string, number>()
  private readonly refreshes = new Map<string, number>()

  constructor(private readonly deps: OutputSaverDeps) {
    this.queue = new PQueue({ concurrency: deps.concurrency ?? 3 })
    this.now = deps.now ?? Date.now
  }

  isBusy(runId: string): boolean {
    return this.active.has(runId) || (this.retryAfter.get(runId) ?? 0) > this.now()
  }

  save(run: StoredRun, snapshot: RunSnapshot, provider: ProviderClient): void {
    if (this.active.has(run.id) || this.stopping.signal.aborted) return
    this.active.add(run.id)
    this.retryAfter.delete(run.id)
    if (run.downloads !== 'pending') this.deps.runs.setDownloads(run.id, 'pending', this.now())
    void this.saveAll(run, snapshot, provider).finally(() => this.active.delete(run.id))
  }

  private async saveAll(run: StoredRun, snapshot: RunSnapshot, provider: ProviderClient): Promise<void> {
    const saved = this.deps.outputs.savedIndexes(run.id)
    const jobs = snapshot.outputs
      .map((ref, index) => ({ ref, index }))
      .filter(({ index }) => !saved.has(index))
      .map(({ ref, index }) => this.queue.add(() => this.saveOne(run, ref, index, provider)))
    const results = await Promise.allSettled(jobs)
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    if (this.stopping.signal.aborted) return
    if (failures.length === 0) {
      this.refreshes.delete(run.id)
      this.deps.runs.setDownloads(run.id, 'done', this.now())
      this.deps.runs.setError(run.id, null, this.now())
    } else {
      const first = failures[0]
      const diskFull = first instanceof DownloadError && first.diskFull
      // An expired link is worth a fresh one: the poller's next GET of the run signs new URLs.
      const refreshes = this.refreshes.get(run.id) ?? 0
      const refresh = first instanceof DownloadError && first.expired && refreshes < LINK_REFRESHES
      if (refresh) this.refreshes.set(run.id, refreshes + 1)
      const passing = refresh || (first instanceof DownloadError && first.retryable)
      // Passing failures stay 'pending' and are retried by the poller; refused ones are final.
      this.deps.runs.setDownloads(run.id, passing ? 'pending' : 'failed', this.now())
      if (passing) this.retryAfter.set(run.id, this.now() + (refresh ? 0 : (this.deps.retryDelayMs ?? 30_000)))
      this.deps.runs.setError(
        run.id,
        {
          code: diskFull ? 'DISK_FULL' : 'DOWNLOAD_FAILED',
          message: `${failures.length} of ${snapshot.outputs.length} outputs not saved: ${(first as Error).message}${passing ? ' (will retry)' : ''}`,
        },
        this.now(),
      )
      this.deps.log.warn('outputs not saved', { runId: run.id, failures: failures.length, reason: (first as Error).message })
    }
    this.deps.events.publish({ type: 'run.updated', run: publicRun(this.deps.runs.require(run.id)) })
  }

  private async saveOne(run: StoredRun, ref: RunSnapshot['outputs'][number], index: number, provider: ProviderClient): Promise<void> {
    const libraryDir = this.deps.libraryDir()
    let relative = ''
    let lastProgressAt = 0
    for (let attempt = 1; ; attempt++) {
      try {
        const file = await downloadFile({
          url: ref.url,
          pathFor: (contentType) => {
            const { ext } = savedType(contentType, ref.filename)
            relative = outputRelativePath({ createdAt: run.createdAt, deploymentName: run.deploymentName, runId: run.id, index, ext })
            return join(libraryDir, ...relative.split('/'))
          },
          policy: { allowLoopbackHttp: provider.allowLoopbackMedia, resolve: this.deps.resolve },
          maxBytes: this.deps.maxBytes ?? 2 * 1024 ** 3,
          timeoutMs: this.deps.timeoutMs ?? 10 * 60_000,
          signal: this.stopping.signal,
          onProgress: (receivedBytes, totalBytes) => {
            // A chunk can be a few KiB: tell the UI at most every 100 ms, and always at the end.
            const now = Date.now()
            if (receivedBytes !== totalBytes && now - lastProgressAt < 100) return
            lastProgressAt = now
            this.deps.events.publish({ type: 'download.progress', progress: { runId: run.id, index, receivedBytes, totalBytes } })
          },
        })
        const type = savedType(file.contentType, ref.filename)
        const size = type.mime === 'image/png' ? pngSize(file.head) : null
        const output = this.deps.outputs.insert({
          id: `o_${randomBytes(9).toString('base64url')}`,
          runId: run.id,
          index,
          root: libraryDir,
          path: relative,
          kind: type.kind,
          mime: type.mime,
          bytes: file.bytes,
          sha256: file.sha256,
          width: size?.width ?? null,
          height: size?.height ?? null,
          createdAt: this.now(),
        })
        this.deps.runs.refreshOutputCount(run.id)
        this.deps.events.publish({ type: 'output.saved', output })
        this.deps.log.info('output saved', { runId: run.id, index, bytes: file.bytes })
        return
      } catch (error) {
        const retry = error instanceof DownloadError && error.retryable && !error.diskFull && attempt < ATTEMPTS
        if (!retry || this.stopping.signal.aborted) throw error
        await sleep(500 * 2 ** (attempt - 1) * (1 + Math.random() / 2))
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort()
    this.queue.clear()
    await this.queue.onIdle()
  }
}
