import { z } from 'zod'
import { ProviderId, RunId } from './run'

export const TunnelMode = z.enum(['off', 'localtunnel', 'ngrok', 'url'])
export type TunnelMode = z.infer<typeof TunnelMode>

/** A domain reserved in the user's ngrok dashboard, as a bare host name (`hooks.ngrok.app`, no scheme). */
export const NgrokDomain = z
  .string()
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i, 'a host name such as hooks.ngrok.app')
export type NgrokDomain = z.infer<typeof NgrokDomain>

export const TunnelState = z.enum(['off', 'connecting', 'up', 'down'])
export type TunnelState = z.infer<typeof TunnelState>

export const TunnelStatus = z.object({
  mode: TunnelMode,
  state: TunnelState,
  publicUrl: z.string().nullable(),
  /** Why the tunnel is down, in words a user can act on (when the next try comes: see `retryAt`). */
  error: z.string().nullable(),
  /** While down: when (epoch ms) the supervisor tries again by itself; null when it waits for new settings. */
  retryAt: z.number().nullable().optional(),
  /** Where the tunnel is opened: the localtunnel server, the ngrok domain, or your own public URL; null when off. */
  address: z.string().nullable().optional(),
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
  /** The few headers kept for the inspector (`content-type`, `user-agent`, `content-length`), already redacted. */
  headers: z.record(z.string(), z.string()),
  replayOf: z.number().int().nullable(),
})
export type WebhookRecord = z.infer<typeof WebhookRecord>

export const WEBHOOKS_LIST_DEFAULT = 200
export const WEBHOOKS_LIST_MAX = 500

/** `webhooks.list`'s filters: each one optional, all of them combined (AND). Newest first. */
export const WebhookListArgs = z
  .object({
    provider: ProviderId.optional(),
    outcome: WebhookOutcome.optional(),
    runId: RunId.optional(),
    /** A case-insensitive substring of the body or the reason (an empty string filters nothing). */
    text: z.string().max(200).optional(),
    /** Only records older than this id: the last id of the page shown, to load the next older page. */
    beforeId: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(WEBHOOKS_LIST_MAX).optional(),
  })
  .strict()
export type WebhookListArgs = z.input<typeof WebhookListArgs>
