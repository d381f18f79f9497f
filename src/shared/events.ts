import { z } from 'zod'
import { Run } from './run'
import { Output } from './output'
import { TunnelStatus, WebhookRecord } from './delivery'
import { ImportProgress } from './imports'
import { BudgetAlert } from './spend'
import { Grid } from './grid'

export const DownloadState = z.enum(['queued', 'downloading', 'retrying', 'done', 'failed'])
export type DownloadState = z.infer<typeof DownloadState>

/** One output file on its way to disk: sent as it starts, about every 250 ms while bytes flow, and at its end. */
export const DownloadProgress = z.object({
  runId: z.string(),
  /** The output's position among its run's outputs. */
  index: z.number().int(),
  state: DownloadState,
  receivedBytes: z.number().int(),
  totalBytes: z.number().int().nullable(),
  /** Smoothed over the last seconds; null until measurable. */
  bytesPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** Why it is retrying or failed, in words a user can act on; null otherwise. */
  message: z.string().nullable(),
})
export type DownloadProgress = z.infer<typeof DownloadProgress>

/** How far a file input's upload to the service has got (for `uploads.create` calls given an `uploadId`). */
export const UploadProgress = z.object({
  uploadId: z.string(),
  sentBytes: z.number().int(),
  totalBytes: z.number().int(),
})
export type UploadProgress = z.infer<typeof UploadProgress>

export const AppOpenTarget = z.discriminatedUnion('view', [
  z.object({ view: z.literal('gallery'), outputId: z.string() }),
  z.object({ view: z.literal('runs'), runId: z.string() }),
])
export type AppOpenTarget = z.infer<typeof AppOpenTarget>

/** A change of library folder on its way: sent as it starts, about every 250 ms while files move, and at its end. */
export const LibraryMoveProgress = z.object({
  from: z.string(),
  to: z.string(),
  state: z.enum(['moving', 'done', 'failed']),
  doneFiles: z.number().int(),
  totalFiles: z.number().int(),
  doneBytes: z.number().int(),
  totalBytes: z.number().int(),
  /** Why it failed, in words a user can act on; null otherwise. */
  message: z.string().nullable(),
})
export type LibraryMoveProgress = z.infer<typeof LibraryMoveProgress>

/** Everything main tells the renderer, over IPC (`courier:events`) or SSE (`GET /api/events`). */
export const CourierEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.updated'), run: Run }),
  z.object({ type: z.literal('output.saved'), output: Output }),
  z.object({ type: z.literal('download.progress'), progress: DownloadProgress }),
  z.object({ type: z.literal('upload.progress'), progress: UploadProgress }),
  z.object({ type: z.literal('tunnel.changed'), tunnel: TunnelStatus }),
  z.object({ type: z.literal('webhook.received'), webhook: WebhookRecord }),
  /** The desktop shell asks the page to show something (a notification was clicked): an output or a run. */
  z.object({ type: z.literal('app.open'), target: AppOpenTarget }),
  z.object({ type: z.literal('library.moving'), progress: LibraryMoveProgress }),
  /** A scan of an import folder (`library.import`, or a watched folder's rescan). */
  z.object({ type: z.literal('library.importing'), progress: ImportProgress }),
  /** A provider's spend this month reached 80 % of its budget, or passed it. */
  z.object({ type: z.literal('spend.budget'), alert: BudgetAlert }),
  /**
   * An import folder left the library (`library.importRemove`): its `removed` outputs are gone from the store,
   * so a gallery showing them reloads. Its files are still on disk.
   */
  z.object({ type: z.literal('library.importRemoved'), importId: z.number().int(), folder: z.string(), removed: z.number().int().nonnegative() }),
  /** A comparison grid changed: a cell's run moved on, or its image is being made or was saved. */
  z.object({ type: z.literal('grid.updated'), grid: Grid }),
])
export type CourierEvent = z.infer<typeof CourierEvent>
export type CourierEventType = CourierEvent['type']
