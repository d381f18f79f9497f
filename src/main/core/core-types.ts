import type { CourierEvent, Result } from '@shared/index'
import type { CoreApi } from './api/build-api'
import type { EventHub } from './events/event-hub'
import type { Resolver } from './downloads/url-guard'

/** How API keys are kept at rest: Electron's safeStorage in the app, a user-only file in web mode. */
export interface SecretBox {
  readonly kind: 'safeStorage' | 'file'
  seal(plain: string): string
  open(sealed: string): string
}

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
  /** Timings and seams for tests and benchmarks; the defaults are the product's. */
  tuning?: CoreTuning
}

export interface CoreTuning {
  /** Poll interval for runs without webhooks (default 2000 ms, as the services recommend). */
  pollIntervalMs?: number
  /** Safety-net poll for runs whose webhooks should be flowing (default 30 s). */
  safetyPollMs?: number
  /** Speed of the embedded Demo simulator's run timeline (1 = about 3 s a run). */
  demoTimeScale?: number
  /** Resolves output hosts before downloading (tests inject one to prove private addresses are refused). */
  resolve?: Resolver
  /** Wait before retrying downloads that failed for a passing reason (default 30 s). */
  downloadRetryMs?: number
  /** The listener's per-client rate limit; false turns it off (benchmarks). */
  listenerRateLimit?: { requests: number; perMs: number } | false
  /** Bound on opening a tunnel (default 15 s). */
  tunnelOpenTimeoutMs?: number
  /** How long a run whose queue answer was lost is looked for before it is given up (default 2 min). */
  lostSubmitWindowMs?: number
}

export interface Core {
  /** The method bodies, typed by the contract; transports go through `invoke`, which validates first. */
  api: CoreApi
  /** The one door both transports use: validates args with the contract, never throws. */
  invoke(method: string, rawArgs: unknown): Promise<Result<unknown>>
  events: EventHub<CourierEvent>
  /** Serves a saved output by id, confined to the library folder; honours a `Range` header. */
  media(outputId: string, rangeHeader: string | null): Promise<Response>
  /** Where the webhook listener is bound (available after start). */
  listenerUrl(): string
  readonly dataDir: string
  start(): Promise<void>
  stop(): Promise<void>
}
