import type { CourierEvent, Result } from '@shared/index'
import type { EventHub } from './events/event-hub'

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
}

export interface Core {
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
