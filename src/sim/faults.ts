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
  rejectInput: z
    .object({ input: z.string().min(1), message: z.string().min(1) })
    .nullable()
    .default(null)
    .describe(
      'Refuse the next queue call with a 422 naming this input (RunComfy: "nodeId.inputName"), as a service does for a value only it can judge; then off.',
    ),
  loseQueueAnswers: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe(
      'The next N queue calls (ComfyDeploy and RunComfy) create the run, then cut the connection without answering, as a network failure after the service accepted it; then off.',
    ),
  dropQueueRequests: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('The next N queue calls (ComfyDeploy and RunComfy) cut the connection without creating a run, as a network failure before the service got the call; then off.'),
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
  // RunComfy (src/sim/runcomfy; runcomfy.md). The shared webhook knobs above apply to RunComfy too.
  runcomfyErrorAsHttp200: z
    .boolean()
    .default(false)
    .describe('RunComfy: every error answers HTTP 200 with its {error_code, error_message} body, as some real endpoints do.'),
  runcomfyCanceledSpelling: z
    .boolean()
    .default(false)
    .describe("RunComfy: write the cancelled state 'canceled' (one L) in status, result, cancel replies and webhooks."),
  runcomfyErrorArray: z
    .boolean()
    .default(false)
    .describe('RunComfy: a failed request reports `error` as an array [{errorCode, error, debugInfo}] instead of an object.'),
  runcomfyCancelRequested: z
    .boolean()
    .default(false)
    .describe(
      'RunComfy: cancelling an in_progress request answers {request_id, status:"cancellation_requested"} and ends it cancelled a moment later, instead of not_cancellable.',
    ),
  runcomfyWebhookOutputs: z
    .enum(['outputs', 'output', 'flat', 'none'])
    .default('outputs')
    .describe(
      'RunComfy ComfyUI deployments, succeeded webhook: node-keyed `outputs` as in /result (default); `output` = the same map under `output`; `flat` = `output: {images: [url, …]}` like LoRA; `none` = no outputs key.',
    ),
  runcomfyOutputTtlMs: z
    .number()
    .int()
    .min(0)
    .nullable()
    .default(null)
    .describe('RunComfy outputs answer 404 this many real ms after the request finished (the scaled "7 days"); null = never.'),
  runcomfyFailSubmitWithCode: z
    .literal([401001, 403003, 404001, 422001, 500001, 10001, 10002, 10003])
    .nullable()
    .default(null)
    .describe('RunComfy: answer inference submits with this error_code (HTTP status from its first three digits, 403 for 1000x) instead of creating a request.'),
  runcomfyFailSubmitTimes: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('How many submits runcomfyFailSubmitWithCode hits before switching itself off; null = until cleared.'),
  // ComfyDeploy webhooks (src/sim/comfydeploy; comfydeploy.md §9).
  webhookDialect: z
    .enum(['A', 'A-no-event-type', 'B'])
    .default('A')
    .describe(
      'ComfyDeploy webhook bodies: A = server/SDK shape with event_type (default); A-no-event-type = the same without event_type; B = newer docs: status queued|processing|completed|failed|cancelled, progress 0–100, no live_status/event_type.',
    ),
  runOutputEvents: z
    .boolean()
    .default(false)
    .describe('ComfyDeploy: send a run.output event per saved output even when the webhook URL has no target_events=…run.output… (which turns them on by itself).'),
  webhookRetryAsGet: z
    .boolean()
    .default(false)
    .describe('ComfyDeploy: webhook attempts 2 and 3 go out as GET with the same JSON body (§9.5 quirk).'),
  duplicateTerminalWebhook: z
    .boolean()
    .default(false)
    .describe('ComfyDeploy: re-send the success/failed webhook once more after it was delivered, as the server does on a late runner update.'),
  finalApiLagMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(0)
    .describe(
      "ComfyDeploy: a run's final webhook goes out this many real ms before GET /run shows that final state (until then the API still answers the state before it), as a service whose webhook runs ahead of its own API.",
    ),
  failRunsWithInput: z
    .string()
    .min(1)
    .max(500)
    .nullable()
    .default(null)
    .describe(
      'ComfyDeploy: a run any of whose submitted values contains this text (e.g. a word of its prompt) fails at its first progress tick, as a run the GPU could not finish; the others run as usual. null = off.',
    ),
  skipQueuedStarted: z
    .boolean()
    .default(false)
    .describe('ComfyDeploy: non-Modal machine; runs go from not-started straight to running (no queued/started status or webhook).'),
  // Output downloads (GET /media/…), whatever the provider.
  slowDownloadsBytesPerSecond: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('Throttle every /media/ download to about this many bytes per second (real time); null = full speed.'),
  truncateDownloads: z
    .boolean()
    .default(false)
    .describe('/media/ downloads declare the full Content-Length but the connection closes after half the body.'),
  wrongContentLength: z
    .boolean()
    .default(false)
    .describe('/media/ downloads declare a Content-Length larger than the body, send the body, then close.'),
  cutDownloadsAtPercent: z
    .number()
    .int()
    .min(0)
    .max(99)
    .nullable()
    .default(null)
    .describe(
      '/media/ downloads declare the full Content-Length, send this % of the body, then close the connection; each URL once (its first request) unless cutDownloadsTimes is set. null = off.',
    ),
  cutDownloadsTimes: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('How many /media/ requests (any URL, Range requests included) cutDownloadsAtPercent cuts before switching itself off; null = the first request of each URL.'),
  serveHtmlForMedia: z
    .enum(['off', 'labelled', 'disguised'])
    .default('off')
    .describe(
      '/media/ answers 200 with an HTML sign-in page instead of the file: labelled = Content-Type text/html; disguised = the file’s own Content-Type (a CDN serving its error page under the cached type).',
    ),
  redirectMediaTo: z
    .string()
    .min(1)
    .max(2000)
    .nullable()
    .default(null)
    .describe(
      '/media/ answers 302 to this URL, `{path}` replaced by the request’s path and query plus `redirected=1`; requests carrying `redirected=1` are served. null = off.',
    ),
  failDownloadsWithStatus: z
    .number()
    .int()
    .min(400)
    .max(599)
    .nullable()
    .default(null)
    .describe('/media/ downloads answer this HTTP status (429, 503…; retryAfterSeconds adds Retry-After) instead of the file.'),
  failDownloadsTimes: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('How many /media/ downloads failDownloadsWithStatus hits before switching itself off; null = until cleared.'),
  expireOutputUrlsAfterMs: z
    .number()
    .int()
    .min(0)
    .nullable()
    .default(null)
    .describe(
      'ComfyDeploy: output URLs are presigned (expires/signature query) for this many real ms from each GET /run or webhook; an expired or unsigned one answers 403. null = public URLs.',
    ),
  failGetRunWithStatus: z
    .number()
    .int()
    .min(400)
    .max(599)
    .nullable()
    .default(null)
    .describe('ComfyDeploy: answer GET /api/run/{id} with this HTTP status (429, 500, 502, 503…); retryAfterSeconds adds Retry-After.'),
  failGetRunTimes: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe('How many GET /api/run calls failGetRunWithStatus hits before switching itself off; null = until cleared.'),
  largeOutputBytes: z
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 ** 3)
    .default(64 * 1024 ** 2)
    .describe('ComfyDeploy "Poster 8K": exact byte size of its one PNG output, generated and streamed on each download (default 64 MiB).'),
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
