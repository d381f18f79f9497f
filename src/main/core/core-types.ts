import type { MethodArgs, MethodName, MethodResult } from '@shared/contract'
import type { ProviderId } from '@shared/run'
import type { CourierEvent, Result } from '@shared/index'
import type { EventHub } from './events/event-hub'
import type { Logger } from './log/logger'
import type { DownloadManagerOptions } from './downloads/download-manager'
import type { Resolver } from './downloads/url-guard'

/** How API keys are kept at rest: Electron's safeStorage in the app, a user-only file in web mode. */
export interface SecretBox {
  readonly kind: 'safeStorage' | 'file'
  seal(plain: string): string
  open(sealed: string): string
}

/** The desktop's file actions (Electron's `shell`); web mode has none, so `outputs.open` answers NOT_SUPPORTED. */
export interface DesktopShell {
  /** Opens the file with its default app; resolves to '' on success, else the system's reason (as `shell.openPath`). */
  openPath(path: string): Promise<string>
  /** Shows the file selected in its folder (Finder, Explorer, the file manager). */
  showItemInFolder(path: string): void
}

/** Moves one file to the OS trash; rejects when it could not (Electron's `shell.trashItem`, the `trash` package). */
export type TrashFile = (path: string) => Promise<void>

export interface CoreDeps {
  /** Where courier.db, settings.json and logs/ live. */
  dataDir: string
  mode: 'electron' | 'web'
  /** Command-line flags already split into key/value (`--tunnel off` → { tunnel: 'off' }). */
  flags?: Record<string, string | undefined>
  env?: NodeJS.ProcessEnv
  secrets?: SecretBox
  /** App version shown in app.info. */
  version?: string
  /** Where log lines also go (besides logs/courier.log); default stderr for warnings and errors. */
  logSink?: (line: string) => void
  /** How `outputs.delete` trashes files; default the `trash` package (web mode). */
  trash?: TrashFile
  /** Present in the desktop app only. */
  desktop?: DesktopShell
  /**
   * The bundled `painter-worker.js`, beside the app's entry: the Demo draws its pictures there, on a thread
   * of its own at the lowest priority, instead of on core's thread (tests run without it).
   */
  demoPainterWorker?: string
  /** Timings and seams for tests and benchmarks; the defaults are the product's. */
  tuning?: CoreTuning
}

export interface CoreTuning {
  /** Waits between ComfyUI socket reconnects (default 0.5 s doubling to 15 s). */
  comfyuiSocketBackoffMs?: readonly number[]
  /** Poll interval for runs without webhooks (default 2000 ms, as the services recommend). */
  pollIntervalMs?: number
  /** Safety-net poll for runs whose webhooks should be flowing (default 30 s). */
  safetyPollMs?: number
  /** Speed of the embedded Demo simulator's run timeline (1 = about 3 s a run). */
  demoTimeScale?: number
  /** Resolves output hosts before downloading (tests inject one to prove private addresses are refused). */
  resolve?: Resolver
  /** The download queue's limits and seams (free-space probe, `.part` sink, backoff): tests and benches. */
  downloads?: DownloadManagerOptions
  /** Wait before retrying downloads that failed for a passing reason (default 30 s). */
  downloadRetryMs?: number
  /** The listener's per-client rate limit; false turns it off (benchmarks). */
  listenerRateLimit?: { requests: number; perMs: number } | false
  /** Bound on opening a tunnel (default 15 s). */
  tunnelOpenTimeoutMs?: number
  /** How long a run whose queue answer was lost is looked for before it is given up (default 2 min). */
  lostSubmitWindowMs?: number
  /** Runs at once per provider through the local queue (default `PROVIDER_CONCURRENCY`): tests and benches. */
  providerConcurrency?: Partial<Record<ProviderId, number>>
  /** The least time between two `grid.updated` of a grid (default 200 ms). */
  gridUpdateEveryMs?: number
  /** How often watched import folders are scanned again (default 60 s). */
  importWatchMs?: number
  /** The trash `outputs.delete` uses when `deps.trash` is not given (tests: never the user's real trash). */
  trash?: TrashFile
}

export interface Core {
  /**
   * The door for the transports (IPC, HTTP), whose callers name methods the contract may not have:
   * an unknown name is an answer (`UNKNOWN_METHOD`), args are validated with the contract, it never throws.
   */
  invoke(method: string, rawArgs: unknown): Promise<Result<unknown>>
  /**
   * The same door, typed, for trusted callers (the shells, tests, benchmarks): the method name and its
   * args are checked at compile time, and args are still validated as `invoke` validates them.
   */
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Result<MethodResult<M>>>
  events: EventHub<CourierEvent>
  /**
   * Serves a saved output by id, confined to the library folder; honours a `Range` header. With
   * `thumbnail`, its WebP thumbnail instead (made on the spot if missing; 404 for outputs without one).
   */
  media(outputId: string, rangeHeader: string | null, opts?: { thumbnail?: boolean; download?: boolean }): Promise<Response>
  /**
   * Several saved outputs as one ZIP, streamed as it is built: the given ids, or every output of a batch (at most
   * `ARCHIVE_MAX_FILES`; 413 beyond, 404 when none is in the library). Each file is confined like `media`.
   * With `download` above, a file goes out as an attachment named from deployment, seed and index.
   */
  archive(selector: { ids: readonly string[] } | { batchId: string }): Promise<Response>
  /** Where the webhook listener is bound (available after start). */
  listenerUrl(): string
  readonly dataDir: string
  /** Core's logger: the shell writes through it too (one file, one rotation, secrets redacted). */
  readonly log: Logger
  start(): Promise<void>
  stop(): Promise<void>
}
