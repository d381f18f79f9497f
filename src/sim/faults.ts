import { z } from 'zod'

/**
 * The fault knobs, one table: the schema is the documentation, the default, and the validator of
 * `POST /__sim/faults`. Add a knob here (with `.describe`) and read it where it acts; nothing else changes.
 * Faults are switched on by name, never at random, so a test that sets one knows what will happen.
 */
export const SimFaults = z.object({
  authFailure: z.boolean().default(false).describe('Every /api call answers 401, whatever the key.'),
  dropWebhooks: z.boolean().default(false).describe('Send no webhooks at all; polling must still finish runs.'),
  duplicateWebhooks: z.boolean().default(false).describe('Send every webhook twice, back to back.'),
  reorderWebhooks: z
    .boolean()
    .default(false)
    .describe('Swap each pair of consecutive webhooks of a run (2,1,4,3,…; the last one goes before its partner).'),
  webhookDelayMs: z
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(0)
    .describe('Wait this long (real ms, not scaled) before delivering each webhook.'),
  withholdWebhookIntermediate: z
    .boolean()
    .default(false)
    .describe('Never send progress ticks, even when the run asked for webhook_intermediate_status.'),
  failQueueWithStatus: z
    .number()
    .int()
    .min(400)
    .max(599)
    .nullable()
    .default(null)
    .describe('Answer queue calls with this HTTP status (e.g. 429, 500, 503) instead of creating a run.'),
  failQueueTimes: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('How many queue calls failQueueWithStatus hits before switching itself off; null = until cleared.'),
  retryAfterSeconds: z
    .number()
    .int()
    .min(0)
    .nullable()
    .default(null)
    .describe('Adds a Retry-After header (seconds) to failed queue calls; meant for 429.'),
})
export type SimFaults = z.infer<typeof SimFaults>

/** A partial update; unknown keys are refused so a typo in a test fails loudly instead of doing nothing. */
export const SimFaultsPatch = SimFaults.partial().strict()
export type SimFaultsPatch = z.infer<typeof SimFaultsPatch>

export function defaultFaults(): SimFaults {
  return SimFaults.parse({})
}

/** Knob name → description, for the docs and `GET /__sim/state`. */
export function describeFaults(): Record<string, string> {
  return Object.fromEntries(Object.entries(SimFaults.shape).map(([key, schema]) => [key, schema.description ?? '']))
}
