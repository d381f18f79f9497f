import { z } from 'zod'
import { ProviderId, RunId } from './run'

export const TunnelMode = z.enum(['off', 'localtunnel', 'url'])
export type TunnelMode = z.infer<typeof TunnelMode>

export const TunnelState = z.enum(['off', 'connecting', 'up', 'down'])
export type TunnelState = z.infer<typeof TunnelState>

export const TunnelStatus = z.object({
  mode: TunnelMode,
  state: TunnelState,
  publicUrl: z.string().nullable(),
  /** Why the tunnel is down, in words a user can act on. */
  error: z.string().nullable(),
})
export type TunnelStatus = z.infer<typeof TunnelStatus>

/** What ingestion made of one received webhook. */
export const WebhookOutcome = z.enum(['applied', 'duplicate', 'stale', 'rejected'])
export type WebhookOutcome = z.infer<typeof WebhookOutcome>

export const WebhookRecord = z.object({
  id: z.number().int(),
  receivedAt: z.number(),
  provider: ProviderId.nullable(),
  runId: RunId.nullable(),
  /** The provider's status word, as sent. */
  status: z.string().nullable(),
  outcome: WebhookOutcome,
  reason: z.string(),
  httpStatus: z.number().int(),
  body: z.string(),
  replayOf: z.number().int().nullable(),
})
export type WebhookRecord = z.infer<typeof WebhookRecord>
