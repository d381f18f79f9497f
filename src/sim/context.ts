import type { PicturePainter } from './media/painter'
import type { SimFaults } from './faults'
import type { SimLedger } from './ledger'
import type { MediaStore } from './media/media-store'
import type { SimStats } from './stats'
import type { Route } from './http/router'
import type { WebhookSender } from './webhooks/webhook-sender'

/** What every provider module of the simulator shares; built once per `startSim`. */
export interface SimContext {
  /** Draws the pictures outputs carry (in-process, or on a low-priority worker thread). */
  readonly painter: PicturePainter
  readonly timeScale: number
  /** How many runs a ComfyDeploy machine works on at once; the rest wait `not-started` (`MachineSlots`). */
  readonly machineConcurrency: number
  readonly faults: SimFaults
  readonly stats: SimStats
  readonly media: MediaStore
  readonly webhooks: WebhookSender
  /** What each run used and cost (the spend routes and `GET /__sim/ledger` read it); cleared by reset. */
  readonly ledger: SimLedger
  log(line: string): void
  /** `http://host:port`, known once the server listens. */
  baseUrl(): string
  /** Aborted by `close()` and by `POST /__sim/reset` (then replaced), so timelines and retries stop together. */
  signal(): AbortSignal
}

/** One simulated service (ComfyDeploy now, RunComfy later): its routes and how to forget its state. */
export interface SimProvider {
  routes: Route[]
  /** Forget every run; called after the shared signal was aborted. */
  reset(): void
}
