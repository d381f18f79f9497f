import type { AppOpenTarget, LibraryMoveProgress, UploadProgress } from '@shared/events'
import type { ImportFolder, ImportProgress, ImportRemoved } from '@shared/imports'
import type { ComfyServerCheck, ComfyServerInput, ComfyServerView } from '@shared/comfyui'
import type { StoreApi } from 'zustand/vanilla'
import type { CourierClient } from '@shared/client'
import type { AppInfo, ConnectionCheck, Diagnostics, MethodName, MethodResult, ProviderInfo } from '@shared/contract'
import type { Deployment, InputField } from '@shared/deployment'
import type { TunnelStatus, WebhookOutcome, WebhookRecord } from '@shared/delivery'
import type { DownloadProgress } from '@shared/events'
import type { Output, OutputFacets, OutputId } from '@shared/output'
import type { Inspection } from '@shared/provenance'
import type { GalleryFilter, GalleryQuery } from './gallery-query'
import type { Failure, Result } from '@shared/result'
import type { ProviderId, Run, RunId } from '@shared/run'
import type { SettingsPatch, SettingsView } from '@shared/settings'
import type { BudgetAlert, SpendOverview, SpendQuote, SpendRow } from '@shared/spend'
import type { AxisMode } from '@shared/grid-axes'
import type { Grid, GridSetup, GridSubmitArgs, GridSubmitResult, SubmitListArgs } from '@shared/grid'
import type { Period, PeriodGroup, RangeKind, SpendRange } from '../features/spend/spend-range'
import type { Draft, DraftValue } from './form-model'
import type { WebhookQuery } from './webhook-query'

export type View = 'generate' | 'runs' | 'gallery' | 'spend' | 'webhooks' | 'settings'
export const views: readonly View[] = ['generate', 'runs', 'gallery', 'spend', 'webhooks', 'settings']

/** What a list fetched from main looks like while it loads. */
export type LoadState = 'idle' | 'loading' | 'loaded' | 'error'

export interface AppSlice {
  /** 'loaded' once every start-up fetch has settled (whether or not it succeeded). */
  state: 'loading' | 'loaded'
  info: AppInfo | null
  /** Start-up fetches that failed, shown as a banner with a retry. */
  loadErrors: Array<{ method: MethodName; error: Failure }>
  load(): Promise<void>
  /** Re-fetches everything main knows (after the event stream reconnected). */
  resync(): Promise<void>
  /** The text to paste in a bug report (`app.diagnostics`; secrets already redacted by main). */
  diagnostics(): Promise<Result<Diagnostics>>
}

export interface NavSlice {
  view: View
  /** Leaves a grid's view too. */
  go(view: View): void
  /** The comparison grid shown (`#/grids/<id>`, under Runs), or null. */
  grid: string | null
  /** Shows a grid's live view (and reads it from main). */
  showGrid(gridId: string): void
  /** The keyboard shortcuts sheet (`?`) is open. */
  helpOpen: boolean
  setHelpOpen(open: boolean): void
  /** An output the gallery opens in the lightbox once it is listed (the desktop shell asked: `app.open`). */
  pendingOutput: OutputId | null
  /** Shows what the desktop shell asked for (a notification was clicked): an output large, or a run. */
  open(target: AppOpenTarget): void
  /** The gallery has dealt with `pendingOutput`. */
  clearPendingOutput(): void
}

export interface RunsSlice {
  /** Newest first. */
  items: Run[]
  status: LoadState
  error: Failure | null
  cancelling: Partial<Record<RunId, boolean>>
  cancelErrors: Partial<Record<RunId, Failure>>
  /** Runs fetched one by one (`runs.get`) for the lightbox, when they are not among `items`. */
  byId: Partial<Record<RunId, Run>>
  /** A run to bring into view in the Runs view (a re-run just started). */
  highlight: RunId | null
  load(): Promise<void>
  cancel(id: RunId): Promise<void>
  /** Folds a run from an answer or a `run.updated` event in; never lets an older copy win. */
  receive(run: Run): void
  /** Folds many runs in at once (a grid's 400 cells): one change of the store, not one per run. */
  receiveAll(runs: readonly Run[]): void
  /** The run from `items`, else `runs.get` (kept in `byId`). */
  fetch(id: RunId): Promise<Result<Run>>
  /**
   * Submits a run again (`runs.rerun`, through the spend check) and folds the new run in; null when the user
   * declined the spend it asked to confirm.
   */
  rerun(id: RunId, seed: 'same' | 'new'): Promise<Result<Run> | null>
  /** Opens the Runs view with this run brought into view. */
  show(id: RunId): void
}

export interface OutputsSlice {
  /** The newest saved outputs (fetched at start-up), plus those `output.saved` announced since: the run rows' thumbnails. */
  items: Output[]
  status: LoadState
  error: Failure | null
  /** The gallery's filter bar. */
  filter: GalleryFilter
  /** What `results` were fetched for (`filter` as `outputs.list` takes it); saved outputs are added only if they match it. */
  query: GalleryQuery
  /** The gallery: the pages loaded for `query`, newest first, plus the matching outputs saved since. */
  results: Output[]
  resultsStatus: LoadState
  resultsError: Failure | null
  /** The last page was full, so older outputs may match too (the grid asks as its end scrolls near). */
  hasMore: boolean
  loadingMore: boolean
  moreError: Failure | null
  /** The search box changed and the pause in typing has not ended yet. */
  searchPending: boolean
  /** What the filter menus offer, with counts; kept in step with saves, deletes and favourites. */
  facets: OutputFacets | null
  /** The gallery filter the facets were counted for (each menu counts what the rest of it leaves). */
  facetsQuery: GalleryQuery | null
  facetsError: Failure | null
  load(): Promise<void>
  /** Fetches the first page for the filter. */
  loadGallery(): Promise<void>
  /** Fetches the next page (`after` = the oldest output shown). */
  loadMore(): Promise<void>
  loadFacets(): Promise<void>
  /** Changes the filter and reloads: at once, except the search box, which waits for a pause in typing. */
  setFilter(change: Partial<GalleryFilter>): void
  clearFilters(): void
  /** Folds in an output from `output.saved`. */
  receive(output: Output): void
  /** Stars or un-stars an output (shown at once, put back if main refuses). */
  setFavourite(id: OutputId, favourite: boolean): Promise<Result<Output>>
  /** Moves outputs to the trash and takes them off every list. */
  remove(ids: readonly OutputId[]): Promise<Result<{ deleted: number }>>
  /**
   * Takes an import folder's outputs off every list (it left the library: `library.importRemoved`), then reads
   * the gallery and its counts again (a reload of the same filter would otherwise keep what it shows).
   */
  forgetFolder(folder: string): void
  /** Desktop only: opens the file, or shows it in its folder. */
  open(id: OutputId, how: 'open' | 'reveal'): Promise<Result<MethodResult<'outputs.open'>>>
  /** One output by id (`outputs.get`), for one that is not among the pages loaded. */
  get(id: OutputId): Promise<Result<Output>>
}

export interface DeploymentList {
  status: LoadState
  items: Deployment[]
  error: Failure | null
}

/** A deployment named by provider and id (which may not be the one on screen). */
export interface FormTarget {
  provider: ProviderId
  deploymentId: string
}

export interface GenerateSlice {
  providers: ProviderInfo[]
  providersStatus: LoadState
  providersError: Failure | null
  provider: ProviderId | null
  deploymentId: string | null
  /** Last deployment picked per provider, so switching back restores it. */
  lastDeployment: Partial<Record<ProviderId, string>>
  deployments: Partial<Record<ProviderId, DeploymentList>>
  /** Form drafts per `${provider}/${deploymentId}`, remembered across restarts. */
  drafts: Record<string, Draft>
  /** Client-side validation messages are shown once the user has tried to submit. */
  showErrors: boolean
  submitting: boolean
  /** How many variations Generate submits, as typed (1–16 is allowed: `variationsError`); more than one is a batch (`runs.submitBatch`). */
  variations: number
  /** A submit failure not tied to one input (or the advice for one that is). */
  submitError: Failure | null
  /** Messages main attached to a named input (`error.field`). */
  serverFieldErrors: Record<string, string>
  loadProviders(): Promise<void>
  selectProvider(provider: ProviderId): Promise<void>
  loadDeployments(provider: ProviderId): Promise<void>
  selectDeployment(deploymentId: string): void
  setValue(fieldId: string, value: DraftValue): void
  /** Changes one value in a given deployment's draft (which may no longer be the one on screen). */
  applyValue(target: { provider: ProviderId; deploymentId: string }, field: InputField, change: (current: DraftValue) => DraftValue): void
  randomizeSeed(fieldId: string): void
  setRandomEachRun(fieldId: string, on: boolean): void
  /** Puts the form back to the deployment's defaults; returns what undoes it (the draft as it was). */
  resetDraft(): () => void
  setVariations(count: number): void
  /** Submits the form: one run, or a batch of `variations` runs; returns the first run. */
  submit(): Promise<Run | null>
  /** Fills the form with a past run's provider, deployment and inputs, and shows the Generate view. */
  reuse(run: Run): void
  /**
   * Fills the form from a file's generation data (`outputs.inspect` / `files.inspect`), `from` naming the
   * file in the toast: its own deployment and exact inputs when the file names one this app knows, else the
   * fields of the form on screen that match, saying what had nowhere to go.
   */
  applyFileSettings(data: Inspection, from: string): void
  /** Every input a deployment's form could show (`forms.candidates`); from `workflowApiJson` when given. */
  formCandidates(target: FormTarget, workflowApiJson?: string): Promise<Result<InputField[]>>
  /** Saves the inputs the user chose (`forms.save`) and puts the deployment main returns in its list. */
  saveForm(target: FormTarget, fields: InputField[]): Promise<Result<Deployment>>
  /** Goes back to the service's own inputs (`forms.reset`), likewise. */
  resetForm(target: FormTarget): Promise<Result<Deployment>>
  /** Replaces a deployment in its provider's list (a list fetch already under way will not undo it). */
  receiveDeployment(deployment: Deployment): void
}

/** A "Test connection" in Settings: running, or its answer (a failed call is folded into a ConnectionCheck). */
export type ConnectionTest = { status: 'running' } | { status: 'done'; check: ConnectionCheck }

export interface SettingsSlice {
  view: SettingsView | null
  status: LoadState
  error: Failure | null
  /** The last connection test per provider; dropped when that provider's key or URL is saved. */
  checks: Partial<Record<ProviderId, ConnectionTest>>
  /** The library folder's move to a new place, as main reports it (`library.moving`); the last report stays. */
  libraryMove: LibraryMoveProgress | null
  /** The folders added to the library (`library.imports`); null until loaded. */
  imports: ImportFolder[] | null
  /** Each scan's last `library.importing` report, by scan id, oldest first; an ended one stays until dismissed. */
  importScans: Record<string, ImportProgress>
  loadImports(): Promise<void>
  /** Adds a folder to the library (or scans it again): `library.import`. */
  startImport(folder: string, watch: boolean): Promise<Result<{ id: string }>>
  cancelImport(id: string): Promise<Result<Record<string, never>>>
  receiveImport(progress: ImportProgress): void
  dismissImport(id: string): void
  /** Scans an import folder again (`library.rescan`); its progress shows like an import started here. */
  rescanImport(importId: number): Promise<Result<{ id: string }>>
  /** Watches an import folder or stops (`library.importWatch`); the list shows the answer. */
  setImportWatch(importId: number, watch: boolean): Promise<Result<ImportFolder>>
  /** Takes an import folder out of the library (`library.importRemove`): its files stay on disk. */
  removeImport(importId: number): Promise<Result<ImportRemoved>>
  /** An import folder left the library (`library.importRemoved`, from here or elsewhere): the list and the gallery follow. */
  receiveImportRemoved(importId: number, folder: string): void
  load(): Promise<void>
  save(patch: SettingsPatch): Promise<{ ok: true; value: SettingsView } | { ok: false; error: Failure }>
  /**
   * Tests the key main has, or `apiKey` (typed, not saved: main tests it and keeps nothing); answers the check
   * it recorded (null when a newer test or a key change overtook it). A test of the saved key may change its
   * state (verified, or refused), so settings and providers are read again after it.
   */
  testConnection(provider: ProviderId, apiKey?: string): Promise<ConnectionCheck | null>
  /** A call with `provider`'s saved key succeeded: if it was unverified, main verified it; read its state again. */
  keyWorked(provider: ProviderId): void
  receiveLibraryMove(progress: LibraryMoveProgress): void
  /**
   * Ends the first-run welcome (finished or skipped): `onboarded` is saved, and Generate opens on the provider
   * chosen there, if any.
   */
  finishWelcome(provider: ProviderId | null): Promise<Result<SettingsView>>
}

export interface UploadItem {
  id: string
  provider: ProviderId
  deploymentId: string
  fieldId: string
  fileName: string
  mime: string
  size: number
  status: 'uploading' | 'done' | 'error'
  error: Failure | null
  /** False for a file refused before sending (too large, empty, wrong type): retrying would not help. */
  retryable: boolean
  /** What `uploads.create` returned, once done. */
  value: string | null
  /** A blob: URL for an image's thumbnail (revoked when the item goes). */
  preview: string | null
  attempt: number
  /** How much of the file the service has taken so far (from `upload.progress`), while uploading. */
  sentBytes: number | null
  totalBytes: number | null
}

export interface UploadsSlice {
  /** Oldest first. */
  items: UploadItem[]
  /** Uploads files for a field of the form on screen (one for single kinds, replacing the old one). */
  add(field: InputField, files: readonly File[]): void
  /**
   * Sends a saved output on as a field's file (`uploads.fromOutput`), as `add` does a picked file: an output
   * of the wrong kind or too large is refused with the reason, before anything is sent.
   */
  addOutput(field: InputField, outputId: OutputId): Promise<void>
  retry(id: string): Promise<void>
  remove(id: string): void
  /** Forgets the uploads of one field (of the form on screen). */
  clearField(fieldId: string): void
  /** Forgets the uploads of the form on screen. */
  clearForm(): void
  /** Folds an `upload.progress` event into the upload it belongs to (if still current). */
  receiveProgress(progress: UploadProgress): void
}

export interface TunnelSlice {
  status: TunnelStatus | null
  error: Failure | null
  load(): Promise<void>
  receive(status: TunnelStatus): void
  /** True while a "Retry now" is on its way to main. */
  retrying: boolean
  /** Asks main to open the tunnel now (`tunnel.retry`); a refusal shows as an error toast. */
  retry(): Promise<void>
}

/** The Webhooks view's filter bar, as the user set it. */
export interface WebhookFilter {
  provider: ProviderId | null
  outcome: WebhookOutcome | null
  /** The search box: a whole run id shows that run's webhooks; other text is looked for in the body or the reason. */
  search: string
}

export interface WebhooksSlice {
  /** Newest first (by id): the pages loaded for `query`, plus the matching webhooks received since. */
  items: WebhookRecord[]
  status: LoadState
  error: Failure | null
  filter: WebhookFilter
  /** What `items` were asked for (`filter` as `webhooks.list` takes it); live webhooks are shown only if they match it. */
  query: WebhookQuery
  /** The last page was full, so older webhooks may match too ("Load older"). */
  hasMore: boolean
  loadingOlder: boolean
  olderError: Failure | null
  replaying: Partial<Record<number, boolean>>
  replayErrors: Partial<Record<number, Failure>>
  /** The record each replay made, by the id of the webhook replayed. */
  replayResults: Partial<Record<number, WebhookRecord>>
  /** Fetches the newest page for the filter. */
  load(): Promise<void>
  /** Fetches the next older page (`beforeId` = the oldest id shown). */
  loadOlder(): Promise<void>
  /** Changes the filter and reloads: at once for provider and outcome, after a pause in typing for the search box. */
  setFilter(change: Partial<WebhookFilter>): void
  replay(id: number): Promise<void>
  /** Folds in a webhook from an answer or a `webhook.received` event, if it matches the filter shown. */
  receive(record: WebhookRecord): void
}

export interface DownloadsSlice {
  /** Latest progress per run and output index; the run row decides when it is finished. */
  byRun: Partial<Record<string, DownloadProgress[]>>
  receive(progress: DownloadProgress): void
}

export interface Toast {
  id: number
  /** `warning` (amber: a budget at 80 %) stays until dismissed, like `error`. */
  tone: 'info' | 'warning' | 'error'
  text: string
  /** A button in the toast (e.g. "Show run"); it also dismisses the toast. */
  action?: { label: string; run(): void }
  /** Moves the focus to the action when shown (an "Undo" for what the user just did). */
  focusAction?: boolean
  /** How many times this same message was shown while it was up (identical toasts are one, "×3"). */
  count?: number
}

export interface ToastsSlice {
  /** Oldest first; at most a few. */
  items: Toast[]
  /**
   * Shows a message; info toasts go by themselves after a while, errors stay until dismissed. The same text
   * and tone as a toast still up is that toast again: its count goes up, its action is the newest, its time restarts.
   */
  show(toast: Omit<Toast, 'id' | 'count'>): number
  /**
   * Shows an action's failure ("Could not start the run: …") with its next step as a button: "Open Settings"
   * for a missing or refused key, "Retry" (when `retry` is given) for a failure that may pass.
   */
  failure(what: string, failure: Failure, retry?: () => void): number
  dismiss(id: number): void
  /** Keeps an info toast up while the pointer or the focus is on it (on), and lets it go after a while again (off). */
  hold(id: number, on: boolean): void
}

/** What a paid submit is, for the spend check's question ("Generate 8 runs of Dreamscape"). */
export interface SpendRequest {
  what: string
  provider: ProviderId
  /** null where it is not known (a re-run of a run not in the store): the question goes without the month's figures. */
  deploymentId: string | null
  count: number
}

/** The question on screen: a submit main asked to confirm (SPEND_CONFIRMATION_REQUIRED). */
export interface SpendConfirmation {
  id: number
  what: string
  provider: ProviderId
  count: number
  /** The refusal's own estimate (`details.estimateUsd`): what Confirm sends as `confirmUsd`. */
  estimateUsd: number
  /** Main's words, naming the estimate. */
  message: string
  /** The month so far and the budget (`spend.quote`), when it could be read. */
  quote: SpendQuote | null
}

/** The Spend view's figures for one range and grouping. */
export interface SpendReport {
  range: SpendRange
  groupBy: PeriodGroup
  /** Every period of the range, oldest first (also those without runs). */
  periods: Period[]
  /** `spend.summary` by period (only periods with runs). */
  byPeriod: SpendRow[]
  /** By period key: that period's rows by provider. */
  providersByPeriod: Record<string, SpendRow[]>
  byProvider: SpendRow[]
  byDeployment: SpendRow[]
}

/** Your own ComfyUI servers (issue 19) and the workflows added to them. */
export interface ComfyUISlice {
  servers: ComfyServerView[] | null
  error: Failure | null
  /** The last test of each server, by id ('running' while it runs). */
  checks: Record<string, ComfyServerCheck | 'running'>
  /** The default server's saved workflows, once asked for. */
  saved: string[] | null
  loadServers(): Promise<void>
  /** Adds or edits a server; answers the failure to show, or null. */
  saveServer(input: ComfyServerInput): Promise<Failure | null>
  removeServer(id: string): Promise<Failure | null>
  testServer(id: string): Promise<void>
  loadSaved(): Promise<Failure | null>
  /** Adds a workflow and selects it on Generate. */
  addWorkflow(args: { name: string; workflowJson?: string; savedWorkflow?: string }): Promise<Failure | null>
  removeWorkflow(deploymentId: string): Promise<Failure | null>
}

export interface SpendSlice {
  /** Generate's estimate before the click, for the deployment and count on screen. */
  quote: { key: string; status: LoadState; value: SpendQuote | null; error: Failure | null } | null
  loadQuote(provider: ProviderId, deploymentId: string, count: number): Promise<void>
  confirmation: SpendConfirmation | null
  /**
   * Every paid submit goes through here: `send` without `confirmUsd` first; a SPEND_CONFIRMATION_REQUIRED
   * answer asks the user (the dialog names the estimate, the month so far and the budget), and Confirm sends
   * again with `confirmUsd` = the estimate. Answers the last result, or null when the user declined.
   */
  submitWithSpendCheck<T>(request: SpendRequest, send: (confirmUsd?: number) => Promise<Result<T>>): Promise<Result<T> | null>
  answerConfirmation(confirmed: boolean): void
  range: { kind: RangeKind; month: string | null }
  groupBy: PeriodGroup
  report: SpendReport | null
  reportStatus: LoadState
  reportError: Failure | null
  overview: SpendOverview | null
  overviewError: Failure | null
  refreshing: boolean
  refreshError: Failure | null
  setRange(kind: RangeKind, month?: string | null): void
  setGroupBy(groupBy: PeriodGroup): void
  loadReport(): Promise<void>
  loadOverview(): Promise<void>
  /** Reads the services' account figures now (`spend.refresh`), then the report again. */
  refresh(): Promise<void>
  /** A `spend.budget` event: a toast with the way to the Spend view. */
  receiveAlert(alert: BudgetAlert): void
}

/** What Generate submits: one run (or variations), a comparison grid, or a prompt list. */
export type ComposeMode = 'one' | 'grid' | 'list'

/** One axis as the grid editor holds it: what is typed, and the seeds drawn for a random axis. */
export interface AxisDraft {
  key: number
  input: string
  mode: AxisMode
  text: string
  /** How many random seeds (`random`). */
  count: number
  /** The seeds drawn (`random`), kept until the count changes or the user asks for new ones. */
  rolled: number[] | null
}

/** A CSV loaded into the prompt list: its header, its rows, and the input each column goes to (null: ignored). */
export interface CsvDraft {
  fileName: string
  header: string[]
  rows: string[][]
  mapping: Array<string | null>
}

export interface ListDraft {
  /** Pasted (or loaded from a .txt): one prompt per line. */
  text: string
  /** The input each line goes to (the prompt, by default). */
  field: string | null
  csv: CsvDraft | null
}

export interface GridsSlice {
  /** What Generate's segmented control has chosen. */
  mode: ComposeMode
  setMode(mode: ComposeMode): void
  /** The grid editor's axes (X, Y, Z in order). */
  axes: AxisDraft[]
  setAxes(axes: AxisDraft[]): void
  list: ListDraft
  setList(change: Partial<ListDraft>): void
  /** Every grid read or announced (`grid.updated`), by id. */
  byId: Partial<Record<string, Grid>>
  /** Why a grid could not be read, by id. */
  errors: Partial<Record<string, Failure>>
  /** The newest grids (`grids.list`), for Runs' grid groups that are not in `byId` yet. */
  listStatus: LoadState
  /** A grid's saved outputs read with `outputs.list {gridId}` (cells and image of a grid made before this session). */
  outputs: Partial<Record<string, Output[]>>
  load(gridId: string): Promise<Result<Grid>>
  loadOutputs(gridId: string): Promise<void>
  loadList(): Promise<void>
  /** Folds in a grid from an answer or a `grid.updated` event. */
  receive(grid: Grid): void
  /** Submits a grid through the spend check, folds its runs in and shows its live view; null when declined. */
  submit(args: Omit<GridSubmitArgs, 'confirmUsd'>, deploymentName: string): Promise<Result<GridSubmitResult> | null>
  /** Submits a prompt list (one run per row) through the spend check; null when declined. */
  submitList(args: Omit<SubmitListArgs, 'confirmUsd'>, deploymentName: string): Promise<Result<Run[]> | null>
  /** Runs the failed, cancelled and timed-out cells again (through the spend check). */
  rerunFailed(gridId: string): Promise<Result<Grid> | null>
  cancel(gridId: string): Promise<Result<Grid>>
  /** Puts a saved grid's set-up in Generate: its deployment, its fixed inputs in the form, its axes in the grid editor. */
  restore(setup: GridSetup): void
}

export interface CourierState {
  app: AppSlice
  nav: NavSlice
  runs: RunsSlice
  outputs: OutputsSlice
  generate: GenerateSlice
  settings: SettingsSlice
  tunnel: TunnelSlice
  webhooks: WebhooksSlice
  downloads: DownloadsSlice
  uploads: UploadsSlice
  toasts: ToastsSlice
  spend: SpendSlice
  comfyui: ComfyUISlice
  grids: GridsSlice
}

export type SliceKey = keyof CourierState
export interface CourierStore extends StoreApi<CourierState> {
  /**
   * Runs `work` (slices' actions and receives) against a draft and publishes the result as one change: the
   * components' selectors run once for all of it, not once per patch.
   */
  batch(work: () => void): void
}

export interface StoreDeps {
  courier: CourierClient
  /** Where the Generate form is remembered; null keeps nothing. */
  storage: Storage | null
  /** Uniform in [0, 1); injected so tests can pin seeds. */
  random: () => number
}

/** What every slice creator receives. */
export interface SliceContext {
  get: () => CourierState
  /** Shallow-merges into one slice. */
  patch<K extends SliceKey>(key: K, change: Partial<CourierState[K]> | ((slice: CourierState[K]) => Partial<CourierState[K]>)): void
  deps: StoreDeps
}
