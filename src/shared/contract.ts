import { z } from 'zod'
import { ErrorCode } from './errors'
import { InputValues, ProviderId, Run, RunId } from './run'
import { Deployment, InputField } from './deployment'
import { Output, OutputFacets, OutputFacetsArgs, OutputId, OutputListArgs } from './output'
import { TunnelStatus, WebhookListArgs, WebhookRecord } from './delivery'
import { KeyState, SettingsPatch, SettingsView } from './settings'
import { Inspection } from './provenance'
import { ImportArgs, ImportFolder, ImportRef, ImportRemoved, ImportWatchArgs } from './imports'
import { Grid, GridListArgs, GridSubmitArgs, GridSubmitResult, SubmitListArgs } from './grid'
import { ComfyServerCheck, ComfyServerInput, ComfyServerView } from './comfyui'
import { SpendEstimate, SpendEstimateArgs, SpendOverview, SpendQuote, SpendRow, SpendSummaryArgs } from './spend'

const NoArgs = z.object({}).strict()

/**
 * The spend check's consent (issue 17): the dollars the user agreed to for this action. A submit whose
 * estimate crosses the per-action threshold or the month's budget is refused with SPEND_CONFIRMATION_REQUIRED
 * (its details name `estimateUsd`) unless this is at or above the estimate.
 */
const ConfirmUsd = z.number().nonnegative().max(1_000_000).optional()

export const ProviderInfo = z.object({
  id: ProviderId,
  label: z.string(),
  configured: z.boolean(),
  /** The built-in simulator: runs cost nothing and never leave this machine. */
  demo: z.boolean(),
  /** The service's key (`SettingsView`): left out for the Demo, which needs none. */
  keyState: KeyState.optional(),
})
export type ProviderInfo = z.infer<typeof ProviderInfo>

export const ConnectionCheck = z.object({
  ok: z.boolean(),
  /** What works, or exactly what is wrong, in words a user can act on. */
  message: z.string(),
  code: ErrorCode.nullable(),
  deploymentCount: z.number().int().nullable(),
})
export type ConnectionCheck = z.infer<typeof ConnectionCheck>

/**
 * The largest file an input takes from here: web-mode bodies are capped at 32 MiB and base64 adds a third. An
 * output sent on as an input (`uploads.fromOutput`) is held to the same size, so both ways agree.
 */
export const UPLOAD_MAX_BYTES = 25 * 1024 * 1024

/** A file for an image/video/audio/file input, sent as base64 (web mode bodies are capped at 32 MiB). */
export const UploadArgs = z
  .object({
    provider: ProviderId,
    fileName: z.string().min(1).max(255),
    mime: z.string().min(1).max(100),
    dataBase64: z.string().min(1),
    /** Chosen by the caller to follow this upload's `upload.progress` events. */
    uploadId: z.string().min(1).max(64).optional(),
  })
  .strict()
export const UploadResult = z.object({
  /** The value to put in the input: the service's URL for the file, or a data URI where it takes those. */
  value: z.string(),
  bytes: z.number().int(),
})
export type UploadResult = z.infer<typeof UploadResult>

/** A file dropped on the app, read for its generation data (the same size limit as an upload). */
export const InspectFileArgs = z.object({ fileName: z.string().min(1).max(255), dataBase64: z.string().min(1) }).strict()

/** A saved output sent on to a provider as an input's file (img2img chaining without the file system). */
export const UploadFromOutputArgs = z
  .object({
    provider: ProviderId,
    outputId: OutputId,
    /** Chosen by the caller to follow this upload's `upload.progress` events. */
    uploadId: z.string().min(1).max(64).optional(),
  })
  .strict()

/** The largest selection `outputs.export` takes at once. */
export const EXPORT_MAX_FILES = 500

/** Saved outputs copied to a folder of the user's, with how they were made kept in them or removed. */
export const ExportArgs = z
  .object({
    ids: z
      .array(OutputId)
      .min(1)
      .max(EXPORT_MAX_FILES)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'each output may be named once' }),
    /** An absolute path; made when missing; never inside the library folder. */
    folder: z.string().min(1).max(4096),
    /** `keep`: byte-identical copies (and a record's sidecar); `strip`: without the prompt, seed and workflow. */
    metadata: z.enum(['keep', 'strip']),
  })
  .strict()
export const ExportResult = z.object({
  /** The folder written to, as an absolute real path. */
  folder: z.string(),
  exported: z.array(z.object({ id: OutputId, fileName: z.string() })),
  skipped: z.array(z.object({ id: OutputId, reason: z.string() })),
})
export type ExportResult = z.infer<typeof ExportResult>

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  dataDir: z.string(),
  libraryDir: z.string(),
  /** e.g. { app, node, electron, chrome, sqlite } — whatever this build runs on, for About and bug reports. */
  versions: z.record(z.string(), z.string()),
  /** `process.platform` and `process.arch` of the machine running core, e.g. "linux x64". */
  platform: z.string(),
})
export type AppInfo = z.infer<typeof AppInfo>

/**
 * The only list of API methods. Both transports (IPC and HTTP) are generated from it and both end in
 * core's `invoke`, so validation and errors cannot differ between them.
 */
export const Diagnostics = z.object({
  /** Plain text to paste in a bug report: versions, settings without secrets, tunnel, live runs, recent errors. */
  text: z.string(),
})
export type Diagnostics = z.infer<typeof Diagnostics>

export const contract = {
  'app.info': { args: NoArgs, result: AppInfo },
  /** Secrets are redacted before the text leaves core. */
  'app.diagnostics': { args: NoArgs, result: Diagnostics },
  'providers.list': { args: NoArgs, result: z.array(ProviderInfo) },
  /**
   * Tests the saved key, or `apiKey` when given: a key typed but not saved, tested at the saved base URL and
   * never stored or logged (a key that passes and is then saved counts as verified).
   */
  'providers.test': { args: z.object({ provider: ProviderId, apiKey: z.string().min(1).max(4096).optional() }).strict(), result: ConnectionCheck },
  'uploads.create': { args: UploadArgs, result: UploadResult },
  'uploads.fromOutput': { args: UploadFromOutputArgs, result: UploadResult },
  'deployments.list': { args: z.object({ provider: ProviderId }).strict(), result: z.array(Deployment) },
  /**
   * Adds a workflow as a deployment (ComfyUI only): `workflowJson` in API or UI format (UI format is converted
   * with the server's `/object_info`), or `savedWorkflow`, a path among the server's saved workflows
   * (`comfyui.savedWorkflows`). `serverId` defaults to the default server. A workflow that cannot be converted
   * is refused (BAD_INPUT) with its reason.
   */
  'deployments.add': {
    args: z
      .object({
        provider: ProviderId,
        name: z.string().trim().min(1).max(200),
        workflowJson: z.string().min(1).max(20_000_000).optional(),
        savedWorkflow: z.string().min(1).max(500).optional(),
        serverId: z.string().min(1).max(64).optional(),
      })
      .strict(),
    result: Deployment,
  },
  /** Removes an added workflow (ComfyUI only); its runs and outputs stay. */
  'deployments.remove': { args: z.object({ provider: ProviderId, deploymentId: z.string().min(1) }).strict(), result: z.object({}) },
  /** Your ComfyUI servers (secrets never included). */
  'comfyui.servers': { args: NoArgs, result: z.array(ComfyServerView) },
  /** Adds or edits a server; answers the list. The secret is sealed like the services' keys. */
  'comfyui.saveServer': { args: ComfyServerInput, result: z.array(ComfyServerView) },
  /** Removes a server (refused while workflows still belong to it). */
  'comfyui.removeServer': { args: z.object({ id: z.string().min(1).max(64) }).strict(), result: z.array(ComfyServerView) },
  /** Reads a server's `/system_stats`: version, device, free VRAM. */
  'comfyui.testServer': { args: z.object({ id: z.string().min(1).max(64) }).strict(), result: ComfyServerCheck },
  /** The workflows saved on a server (`/api/userdata?dir=workflows`), as paths for `deployments.add`'s `savedWorkflow`. */
  'comfyui.savedWorkflows': { args: z.object({ serverId: z.string().min(1).max(64).optional() }).strict(), result: z.array(z.string()) },
  'forms.candidates': {
    args: z
      .object({
        provider: ProviderId,
        deploymentId: z.string().min(1),
        /** A workflow in ComfyUI's API format to take the inputs from, instead of the deployment's own. */
        workflowApiJson: z.string().max(5_000_000).optional(),
      })
      .strict(),
    result: z.array(InputField),
  },
  'forms.save': {
    args: z.object({ provider: ProviderId, deploymentId: z.string().min(1), fields: z.array(InputField).max(200) }).strict(),
    result: Deployment,
  },
  'forms.reset': { args: z.object({ provider: ProviderId, deploymentId: z.string().min(1) }).strict(), result: Deployment },
  'runs.submit': {
    args: z.object({ provider: ProviderId, deploymentId: z.string().min(1), inputs: InputValues, confirmUsd: ConfirmUsd }).strict(),
    result: Run,
  },
  'runs.get': { args: z.object({ id: RunId }).strict(), result: Run },
  'runs.list': { args: z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), result: z.array(Run) },
  'runs.cancel': { args: z.object({ id: RunId }).strict(), result: Run },
  /** Variations of one form: `count` runs whose seed input (the field of kind `seed`) differs. */
  'runs.submitBatch': {
    args: z
      .object({ provider: ProviderId, deploymentId: z.string().min(1), inputs: InputValues, count: z.number().int().min(2).max(16), confirmUsd: ConfirmUsd })
      .strict(),
    result: z.array(Run),
  },
  /** Submits a run again with the same inputs, keeping its seed or drawing a new one. */
  'runs.rerun': { args: z.object({ id: RunId, seed: z.enum(['same', 'new']), confirmUsd: ConfirmUsd }).strict(), result: Run },
  /** A prompt list or CSV: one run per row over the shared inputs, one batch, sent through the provider's queue. */
  'runs.submitList': { args: SubmitListArgs, result: z.array(Run) },
  /** A comparison grid over 1–3 inputs: every cell a run carrying `gridId`, queued within the provider's concurrency. */
  'grids.submit': { args: GridSubmitArgs, result: GridSubmitResult },
  'grids.get': { args: z.object({ gridId: z.string().min(1).max(64) }).strict(), result: Grid },
  'grids.list': { args: GridListArgs, result: z.array(Grid) },
  /** Submits the failed, cancelled and timed-out cells again (each a new run in its place); the estimate is theirs alone. */
  'grids.rerunFailed': { args: z.object({ gridId: z.string().min(1).max(64), confirmUsd: ConfirmUsd }).strict(), result: Grid },
  /** Cancels the cells not yet ended: those waiting locally are never sent; those at the service are cancelled there. */
  'grids.cancel': { args: z.object({ gridId: z.string().min(1).max(64) }).strict(), result: Grid },
  /** Runs created in a range, grouped; estimates beside the services' own account figures where they have them. */
  'spend.summary': { args: SpendSummaryArgs, result: z.array(SpendRow) },
  /** What `count` runs of a deployment would cost, and on what basis. */
  'spend.estimate': { args: SpendEstimateArgs, result: SpendEstimate },
  /** The estimate with its reasoning, this month's spend, the budget, and what a submit of it would meet. */
  'spend.quote': { args: SpendEstimateArgs, result: SpendQuote },
  /** This month per provider against its budget, the account figures and prices in use, deployment names. */
  'spend.overview': { args: NoArgs, result: SpendOverview },
  /** Reads the services' account figures (usage, balance) and prices now, then answers the overview. */
  'spend.refresh': { args: NoArgs, result: SpendOverview },
  'outputs.list': { args: OutputListArgs, result: z.array(Output) },
  'outputs.facets': { args: OutputFacetsArgs, result: OutputFacets },
  'outputs.get': { args: z.object({ id: OutputId }).strict(), result: Output },
  'outputs.update': { args: z.object({ id: OutputId, favourite: z.boolean() }).strict(), result: Output },
  /** Moves the files to the OS trash and forgets them; the runs stay. */
  'outputs.delete': { args: z.object({ ids: z.array(OutputId).min(1).max(1000) }).strict(), result: z.object({ deleted: z.number().int() }) },
  /** Desktop only (NOT_SUPPORTED in web mode): opens the file with its default app, or shows it in its folder. */
  'outputs.open': { args: z.object({ id: OutputId, how: z.enum(['open', 'reveal']) }).strict(), result: z.object({}) },
  /** Copies outputs into a folder, named as downloads are, never overwriting; `strip` removes how they were made. */
  'outputs.export': { args: ExportArgs, result: ExportResult },
  /** A saved output's generation data: our record, or what ComfyUI, A1111, SwarmUI or InvokeAI wrote into it. */
  'outputs.inspect': { args: z.object({ id: OutputId }).strict(), result: Inspection },
  /** A file's generation data, for a file dropped on the app (never saved: read and forgotten). */
  'files.inspect': { args: InspectFileArgs, result: Inspection },
  /**
   * Adds a folder to the library, indexed in place (never copied), or scans one added before again; answers
   * the scan's id at once, and the scan reports as `library.importing` events. BAD_INPUT for a folder that
   * does not exist, is not a folder, or is (or is inside) the library folder.
   */
  'library.import': { args: ImportArgs, result: z.object({ id: z.string() }) },
  /** Stops a scan; what it added stays. NOT_FOUND when no scan has that id (it may have ended). */
  'library.importCancel': { args: z.object({ id: z.string().min(1).max(64) }).strict(), result: z.object({}) },
  /** The folders added to the library, oldest first. */
  'library.imports': { args: NoArgs, result: z.array(ImportFolder) },
  /**
   * Scans an import folder again (as `library.import` on its path); answers the scan's id, or the id of the
   * scan already under way. NOT_FOUND for an unknown folder id; BAD_INPUT when the folder is gone from disk.
   */
  'library.rescan': { args: ImportRef, result: z.object({ id: z.string() }) },
  /** Sets whether an import folder is scanned again every 60 s while the app runs; answers the folder. NOT_FOUND for an unknown id. */
  'library.importWatch': { args: ImportWatchArgs, result: ImportFolder },
  /**
   * Takes an import folder out of the library: a scan of it is cancelled, its outputs leave the gallery (rows,
   * search entries, favourites, thumbnails), and **its files stay on disk, untouched**. NOT_FOUND for an unknown id.
   */
  'library.importRemove': { args: ImportRef, result: ImportRemoved },
  'tunnel.status': { args: NoArgs, result: TunnelStatus },
  /** Tries to open the tunnel now rather than when its backoff ends; answers the status (usually `connecting`). */
  'tunnel.retry': { args: NoArgs, result: TunnelStatus },
  'settings.get': { args: NoArgs, result: SettingsView },
  'settings.update': { args: SettingsPatch.strict(), result: SettingsView },
  'webhooks.list': { args: WebhookListArgs, result: z.array(WebhookRecord) },
  'webhooks.replay': { args: z.object({ id: z.number().int() }).strict(), result: WebhookRecord },
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export const methodNames = Object.keys(contract) as MethodName[]
export type MethodArgs<M extends MethodName> = z.input<Contract[M]['args']>
export type MethodResult<M extends MethodName> = z.infer<Contract[M]['result']>

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(contract, name)

/** Transport names are computed from the method key, never spelled twice. */
export const ipcChannel = (name: MethodName): string => `courier:${name}`
export const IPC_EVENTS_CHANNEL = 'courier:events'
export const httpPath = (name: MethodName): string => `/api/${name}`
export const HTTP_EVENTS_PATH = '/api/events'
