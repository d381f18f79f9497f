import { z } from 'zod'

/** RunComfy replies, parsed leniently: strict about what we use, tolerant of fields that grow. */

/** Display-only fields: a value of an unexpected type is dropped, never a reason to lose the deployment. */
const cosmetic = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined)

/** Deployment payload parts (`includes=payload`), top level or nested under `payload` as the MCP server reads them. */
const PayloadParts = {
  workflow_api_json: z.unknown().optional(),
  overrides: z.unknown().optional(),
  object_info_url: cosmetic(z.string()),
}

export const DeploymentModel = z.looseObject({
  id: z.string().min(1),
  name: cosmetic(z.string()),
  description: cosmetic(z.string()),
  workflow_id: cosmetic(z.string()),
  /** Type undocumented: a label like "v3", maybe a number. */
  workflow_version: cosmetic(z.union([z.string(), z.number()])),
  hardware: cosmetic(z.union([z.array(z.string()), z.string()])),
  status: cosmetic(z.string()),
  is_enabled: cosmetic(z.boolean()),
  payload: cosmetic(z.looseObject(PayloadParts)),
  ...PayloadParts,
})
export type DeploymentModel = z.infer<typeof DeploymentModel>

/** The list is a bare array; a wrapped `{data:[…]}` / `{deployments:[…]}` is tolerated too. */
export const DeploymentList = z.union([
  z.array(z.unknown()),
  z.looseObject({ data: z.array(z.unknown()) }).transform((body) => body.data),
  z.looseObject({ deployments: z.array(z.unknown()) }).transform((body) => body.deployments),
])

/** One node of a `workflow_api.json` graph. */
export const GraphNode = z.looseObject({
  class_type: z.string().min(1),
  inputs: z.record(z.string(), z.unknown()).optional(),
  _meta: z.looseObject({ title: z.string().nullish() }).nullish(),
})
export type GraphNode = z.infer<typeof GraphNode>

export const QueueReply = z.looseObject({
  request_id: z.string().min(1),
  status_url: z.string().nullish(),
  result_url: z.string().nullish(),
  cancel_url: z.string().nullish(),
})

export const StatusReply = z.looseObject({
  request_id: z.string().nullish(),
  status: z.string().min(1),
  /** Cosmetic (liveStatus only): never a reason to reject the reply. */
  queue_position: z.unknown().optional(),
  instance_id: z.unknown().optional(),
})

export const ResultReply = z.looseObject({
  request_id: z.string().nullish(),
  status: z.string().min(1),
  outputs: z.unknown().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
})
export type ResultReply = z.infer<typeof ResultReply>

/** A field read only to price a request: a value of an unexpected type reads as unsaid, never fails the run. */
const priced = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null)

/** The times that bound a request's GPU seconds: `/result` has `created_at` and `finished_at`; `started_at` where given. */
export const RequestTimings = z.looseObject({
  created_at: priced(z.string()),
  started_at: priced(z.string()),
  finished_at: priced(z.string()),
})

/** `GET /prod/v2/balance` (the official CLI's `balance`): dollars left on the account; a numeric string is read too. */
export const BalanceReply = z.looseObject({
  balance_usd: z.union([z.number().finite(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]),
  currency: z.string().nullish(),
})

export const CancelReply = z.looseObject({
  request_id: z.string().nullish(),
  status: z.string().nullish(),
  outcome: z.string().nullish(),
})

/** Every callback of runcomfy.md §7: `status` and/or `outcome`, or neither (in_queue). */
export const WebhookBody = z.looseObject({
  request_id: z.string().min(1),
  deployment_id: z.string().nullish(),
  status: z.string().nullish(),
  outcome: z.string().nullish(),
  queue_position: z.unknown().optional(),
  instance_id: z.unknown().optional(),
  output: z.unknown().optional(),
  outputs: z.unknown().optional(),
  error: z.unknown().optional(),
})
export type WebhookBody = z.infer<typeof WebhookBody>
