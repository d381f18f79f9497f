import type { CourierClient } from '@shared/client'
import {
  contract,
  type AppInfo,
  type ConnectionCheck,
  type MethodArgs,
  type MethodName,
  type MethodResult,
  type ProviderInfo,
} from '@shared/contract'
import { seedField, type Deployment, type InputField } from '@shared/deployment'
import type { TunnelStatus, WebhookRecord } from '@shared/delivery'
import type { CourierEvent } from '@shared/events'
import type { ImportFolder, ImportProgress } from '@shared/imports'
import { OUTPUTS_PAGE_DEFAULT, OutputId, type Output, type OutputFacets, type OutputFacetsArgs } from '@shared/output'
import { emptyInspection, type Inspection } from '@shared/provenance'
import { err, errWith, ok, type Failure, type Result } from '@shared/result'
import { isTerminal, RunId, type InputValues, type ProviderId, type Run } from '@shared/run'
import { GRID_MAX_CELLS, type Grid, type GridCell } from '@shared/grid'
import type { KeyState, SettingsView } from '@shared/settings'
import { DEFAULT_BUDGET, type SpendGroupBy, type SpendOverview, type SpendQuote, type SpendRow } from '@shared/spend'
import { isoWeekKey, localDayKey, localMonthKey } from '../features/spend/spend-range'

/** One run's cost as the fake's spend ledger keeps it (for `spend.summary`), apart from the runs it keeps. */
export interface SpendEntry {
  provider: ProviderId
  deploymentId: string
  createdAt: number
  gpuSeconds: number
  estimatedUsd: number
}

/** The deployment every test sees on the demo provider: a prompt, two numbers and a seed. */
/** An inspection of a file that carries nothing. */
export const noGenerationData = emptyInspection

export const demoDeployment: Deployment = {
  id: 'txt2img',
  name: 'Text to image',
  provider: 'demo',
  description: 'A small SDXL workflow.',
  inputs: [
    { id: 'prompt', label: 'Prompt', kind: 'prompt', description: 'What to draw.', defaultValue: 'a lighthouse at dusk', required: true },
    { id: 'steps', label: 'Steps', kind: 'integer', description: 'More steps, more detail.', defaultValue: 20, min: 1, max: 50, required: false },
    { id: 'cfg', label: 'Guidance', kind: 'number', description: '', defaultValue: 7, min: 0, max: 20, step: 0.5, required: false },
    { id: 'seed', label: 'Seed', kind: 'seed', description: '', defaultValue: 42, min: 0, max: 4294967295, required: false },
  ],
  customForm: false,
}

/**
 * A RunComfy-style deployment (node ids as input ids, such as `6.text` and `38:42.seed`) with one input of
 * every file kind, a slider and an enum. RunComfy is not configured until a test gives it a key.
 */
export const mediaDeployment: Deployment = {
  id: 'rc-img2vid',
  name: 'Image to video',
  provider: 'runcomfy',
  description: 'Animates a still image.',
  inputs: [
    { id: '6.text', label: 'Prompt', kind: 'prompt', description: '', defaultValue: 'gentle waves', required: true },
    { id: '10.image', label: 'Start image', kind: 'image', description: 'The first frame.', defaultValue: null, required: false },
    { id: '11.images', label: 'Style images', kind: 'images', description: '', defaultValue: null, required: false },
    { id: '12.video', label: 'Motion video', kind: 'video', description: '', defaultValue: null, required: false },
    { id: '13.audio', label: 'Soundtrack', kind: 'audio', description: '', defaultValue: null, required: false },
    { id: '14.file', label: 'Mask file', kind: 'file', description: '', defaultValue: null, required: false },
    { id: '20.denoise', label: 'Denoise', kind: 'number', description: '', defaultValue: 0.6, min: 0, max: 1, step: 0.05, required: false, slider: true },
    { id: '21.frames', label: 'Frames', kind: 'integer', description: '', defaultValue: 24, min: 8, max: 120, required: false, slider: true },
    { id: '30.sampler', label: 'Sampler', kind: 'enum', description: '', defaultValue: 'euler', options: ['euler', 'dpmpp_2m', 'ddim'], required: false },
    { id: '38:42.seed', label: 'Seed', kind: 'seed', description: '', defaultValue: 7, min: 0, max: 4294967295, required: false },
  ],
  customForm: false,
}

/**
 * Every literal node input of the media deployment's workflow graph, as `forms.candidates` offers them: the
 * inputs the service shows plus some a creator rarely wants (negative prompt, latent size, file prefix).
 */
export const mediaCandidates: InputField[] = [
  ...mediaDeployment.inputs,
  { id: '7.text', label: 'Negative prompt', kind: 'prompt', description: 'Node 7: CLIP Text Encode (Negative)', defaultValue: 'blurry', required: false },
  { id: '5.width', label: 'Width', kind: 'integer', description: 'Node 5: Empty Latent Image', defaultValue: 768, min: 64, max: 2048, step: 8, required: false },
  { id: '5.height', label: 'Height', kind: 'integer', description: 'Node 5: Empty Latent Image', defaultValue: 512, min: 64, max: 2048, step: 8, required: false },
  { id: '40.filename_prefix', label: 'Filename prefix', kind: 'text', description: 'Node 40: Save Video', defaultValue: 'courier', required: false },
]

/**
 * A RunComfy LoRA deployment: the service publishes neither its inputs nor a workflow, so the creator types
 * the body's field names. Not listed unless a test adds it (`fake.deployments.push(loraDeployment)`).
 */
export const loraDeployment: Deployment = {
  id: 'rc-lora',
  name: 'Warm LoRA',
  provider: 'runcomfy',
  description: 'LoRA deployment on AMPERE_48.',
  inputs: [],
  customForm: false,
}

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
const humanize = (name: string): string => {
  const words = name.replace(/[_-]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** The literal inputs of a workflow in ComfyUI's API format (`{nodeId: {class_type, inputs}}`), or null if it is none. */
function workflowFields(text: string): InputField[] | null {
  let graph: unknown
  try {
    graph = JSON.parse(text)
  } catch {
    return null
  }
  if (!isObj(graph)) return null
  const fields: InputField[] = []
  let nodes = 0
  for (const [nodeId, node] of Object.entries(graph)) {
    if (!isObj(node) || typeof node.class_type !== 'string' || !isObj(node.inputs)) continue
    nodes++
    const classType = node.class_type
    const meta = isObj(node._meta) ? node._meta : {}
    const title = typeof meta.title === 'string' ? meta.title : classType
    for (const [name, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue
      const encoder = /TextEncode/.test(classType) && typeof value === 'string'
      const kind: InputField['kind'] =
        /(^|_)seed$/.test(name) && typeof value === 'number'
          ? 'seed'
          : encoder
            ? 'prompt'
            : classType === 'LoadImage' && name === 'image'
              ? 'image'
              : typeof value === 'boolean'
                ? 'boolean'
                : typeof value === 'number'
                  ? Number.isInteger(value)
                    ? 'integer'
                    : 'number'
                  : 'text'
      fields.push({
        id: `${nodeId}.${name}`,
        label: encoder && name === 'text' ? 'Prompt' : humanize(name),
        kind,
        description: `Node ${nodeId}: ${title}`,
        defaultValue: kind === 'image' ? null : value,
        required: false,
      })
    }
  }
  return nodes > 0 ? fields : null
}

const providerLabel: Record<ProviderId, string> = { demo: 'Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy', comfyui: 'ComfyUI' }

interface Call {
  method: MethodName
  args: unknown
}

type Handlers = { [M in MethodName]: (args: MethodArgs<M>) => Result<MethodResult<M>> }

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/**
 * A complete in-memory courier that behaves like main: it validates every call against the contract,
 * keeps runs, outputs, webhooks and settings, and emits the events main would. Runs move only when a test
 * says so (`advance`, `fail`), so tests wait on what the user sees rather than on time.
 */
export class FakeCourier implements CourierClient {
  readonly calls: Call[] = []
  info: AppInfo = { version: '1.2.3', mode: 'web', dataDir: '/home/ada/.comfy-courier', libraryDir: '/home/ada/Pictures/Comfy Courier', versions: { app: '1.2.3', node: '20.20.0' }, platform: 'linux x64' }
  providers: ProviderInfo[] = [
    { id: 'demo', label: 'Demo', configured: true, demo: true },
    { id: 'comfydeploy', label: 'ComfyDeploy', configured: false, demo: false },
    { id: 'runcomfy', label: 'RunComfy', configured: false, demo: false },
  ]
  deployments: Deployment[] = [demoDeployment, mediaDeployment]
  /** The literal inputs of each RunComfy deployment's workflow graph, by deployment id (LoRA deployments have none). */
  workflows: Record<string, InputField[]> = { [mediaDeployment.id]: mediaCandidates }
  runs = new Map<string, Run>()
  outputs: Output[] = []
  /** What `outputs.inspect` answers per output id, and `files.inspect` per file name (else: no data). */
  inspections = new Map<string, Inspection>()
  /** Ids `outputs.delete` moved to the trash. */
  trashed: string[] = []
  /** What `outputs.export` was asked to copy, in order. */
  exports: Array<{ ids: string[]; folder: string; metadata: 'keep' | 'strip' }> = []
  /** What `outputs.open` opened (desktop mode only). */
  opened: Array<{ id: string; how: 'open' | 'reveal' }> = []
  webhooks: WebhookRecord[] = []
  /** The folders added with `library.import`; a scan stays `scanning` until a test calls `finishImport`. */
  imports: ImportFolder[] = []
  /** Scan ids `library.importCancel` was asked to stop. */
  importsCancelled: string[] = []
  /** `library.importRemove` calls, by folder id. */
  importsRemoved: number[] = []
  tunnel: TunnelStatus = { mode: 'off', state: 'off', publicUrl: null, error: null, retryAt: null, address: null }
  /** How many times `tunnel.retry` was asked for. */
  tunnelRetries = 0
  settings: SettingsView = {
    libraryDir: '/home/ada/Pictures/Comfy Courier',
    tunnelMode: 'off',
    tunnelHost: null,
    publicUrl: null,
    ngrok: { authtokenSet: false, domain: null },
    comfydeploy: { apiKeySet: false, baseUrl: 'https://api.comfydeploy.com/api' },
    runcomfy: { apiKeySet: false, baseUrl: 'https://api.runcomfy.net' },
    keyStorage: 'file',
    // Most tests start past the welcome; the onboarding tests set this to false.
    onboarded: true,
    defaultLibraryDir: '/home/ada/Pictures/Comfy Courier',
    budgets: { comfydeploy: { ...DEFAULT_BUDGET }, runcomfy: { ...DEFAULT_BUDGET } },
    runcomfyPricing: { plan: 'payg', tiers: {} },
  }
  /** The spend ledger `spend.summary` groups (tests add entries). */
  spendEntries: SpendEntry[] = []
  /** The services' own figures by summary key (`2026-12`, `comfydeploy`, …); a key left out says nothing (null). */
  spendActuals: Record<string, number> = {}
  /** What `spend.overview` answers beyond the month, which is counted from the ledger. */
  spendAccounts: SpendOverview['accounts'] = []
  spendPrices: SpendOverview['prices'] = []
  deploymentNames: Record<string, string> = { 'demo/txt2img': 'Text to image', 'runcomfy/rc-img2vid': 'Image to video' }
  /** What a paid submit of one run is estimated at; the budget's threshold and hard stop are those of `settings.budgets`. */
  estimatePerRunUsd = 0.02
  /** How many times `spend.refresh` was asked for. */
  spendRefreshes = 0
  /** The "now" spend's month is counted at (the fake's own clock is in 2023). */
  spendNow = new Date(2026, 11, 6, 12).getTime()
  /** The ComfyDeploy key as main would keep it; the renderer must never be sent it. */
  apiKey: string | null = null
  /** The RunComfy token, likewise. */
  runcomfyKey: string | null = null
  /** The ngrok authtoken, likewise. */
  ngrokAuthtoken: string | null = null
  /** What `providers.test` answers for a provider that has a key, when set (e.g. a refused key): the bare fact, as core words it. */
  connectionProblem: Partial<Record<ProviderId, Pick<ConnectionCheck, 'code' | 'message'>>> = {}

  /** Each deployment as the service lists it, kept while a chosen form replaces its inputs. */
  private readonly serviceInputs = new Map<string, InputField[]>()
  private readonly listeners = new Set<(event: CourierEvent) => void>()
  private readonly failures = new Map<MethodName, Failure[]>()
  private readonly held = new Map<MethodName, Array<() => void>>()
  private clock = 1_700_000_000_000
  private seq = 0

  now(): number {
    this.clock += 1000
    return this.clock
  }

  // ---- CourierClient ----

  async invoke<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Result<MethodResult<M>>> {
    this.calls.push({ method, args: clone(args) })
    await Promise.resolve()
    const gate = this.held.get(method)
    if (gate !== undefined) await new Promise<void>((resolve) => gate.push(resolve))
    const failure = this.failures.get(method)?.shift()
    if (failure !== undefined) return { ok: false, error: failure }
    if (!Object.hasOwn(contract, method)) return err('UNKNOWN_METHOD', String(method))
    const schema: { safeParse(x: unknown): { success: true; data: unknown } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } } =
      contract[method].args
    const parsed = schema.safeParse(clone(args ?? {}))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined
      return err('BAD_INPUT', parsed.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`).join('; '), field)
    }
    const handler = this.handlers[method] as (a: MethodArgs<M>) => Result<MethodResult<M>>
    return clone(handler(parsed.data as MethodArgs<M>))
  }

  subscribe(listener: (event: CourierEvent) => void, signal: AbortSignal): void {
    if (signal.aborted) return
    this.listeners.add(listener)
    signal.addEventListener('abort', () => this.listeners.delete(listener), { once: true })
  }

  mediaUrl(id: OutputId): string {
    return `courier-media://output/${encodeURIComponent(id)}`
  }

  // ---- test controls ----

  /** The next call to `method` answers this failure (a fault switched on by name). */
  failNext(method: MethodName, failure: Failure): void {
    const queue = this.failures.get(method) ?? []
    queue.push(failure)
    this.failures.set(method, queue)
  }

  /** Calls to `method` wait until `release(method)`; lets a test see in-flight states. */
  hold(method: MethodName): void {
    if (!this.held.has(method)) this.held.set(method, [])
  }

  release(method: MethodName): void {
    const waiting = this.held.get(method) ?? []
    this.held.delete(method)
    waiting.forEach((resume) => resume())
  }

  callsTo<M extends MethodName>(method: M): Array<MethodArgs<M>> {
    return this.calls.filter((c) => c.method === method).map((c) => c.args as MethodArgs<M>)
  }

  emit(event: CourierEvent): void {
    const copy = clone(event)
    this.listeners.forEach((l) => l(copy))
  }

  get listenerCount(): number {
    return this.listeners.size
  }

  /** Moves a run one step: queued → running (50 %) → succeeded, saving one output on success. */
  advance(runId: string): Run {
    const run = this.mustRun(runId)
    if (run.status === 'submitting') return this.update(run, { status: 'queued', providerRunId: `prov-${run.id}` })
    if (run.status === 'queued') return this.update(run, { status: 'running', progress: 0.5, liveStatus: 'Sampling 10/20' })
    if (run.status === 'running') {
      // As core does: succeeded with its outputs pending in one update, then saved once the file is on disk.
      const done = this.update(run, { status: 'succeeded', progress: 1, liveStatus: null, outputs: 'pending', finishedAt: this.clock })
      this.saveOutput(done)
      return this.update(done, { outputCount: 1, outputs: 'saved' })
    }
    return run
  }

  fail(runId: string, error: Failure): Run {
    const run = this.mustRun(runId)
    return this.update(run, { status: 'failed', error, finishedAt: this.clock })
  }

  /** Seeds a finished run, its outputs saved, without events (as if it happened before start-up). */
  seedRun(inputs: InputValues, patch: Partial<Run> = {}): Run {
    const t = this.now()
    const status = patch.status ?? 'succeeded'
    const run: Run = {
      id: RunId.parse(`run-${++this.seq}`),
      provider: 'demo',
      deploymentId: demoDeployment.id,
      deploymentName: demoDeployment.name,
      providerRunId: `prov-${this.seq}`,
      status,
      progress: 1,
      liveStatus: null,
      polling: false,
      inputs,
      error: null,
      outputCount: 0,
      outputs: status === 'succeeded' ? 'saved' : 'none',
      batchId: null,
      gridId: null,
      cost: null,
      createdAt: t,
      updatedAt: t,
      finishedAt: t,
      ...patch,
    }
    this.runs.set(run.id, run)
    return run
  }

  seedOutput(run: Run, patch: Partial<Output> = {}): Output {
    const output = this.makeOutput(run, patch)
    this.outputs.unshift(output)
    return output
  }

  receiveWebhook(record: Partial<WebhookRecord> = {}): WebhookRecord {
    const webhook: WebhookRecord = {
      id: this.webhooks.length + 1,
      receivedAt: this.now(),
      provider: 'comfydeploy',
      runId: null,
      status: 'running',
      outcome: 'applied',
      reason: 'moved to running',
      httpStatus: 200,
      body: '{"run_id":"abc","status":"running","progress":0.5}',
      headers: { 'content-type': 'application/json', 'user-agent': 'ComfyDeploy/1.0', 'content-length': '50' },
      replayOf: null,
      ...record,
    }
    this.webhooks.unshift(webhook)
    this.emit({ type: 'webhook.received', webhook })
    return webhook
  }

  setTunnel(tunnel: TunnelStatus): void {
    this.tunnel = tunnel
    this.emit({ type: 'tunnel.changed', tunnel })
  }

  /** Whether each saved key passed a test (main's `keyState`): a key saved untested is unverified. */
  keyVerified: Record<'comfydeploy' | 'runcomfy', boolean> = { comfydeploy: false, runcomfy: false }
  /** Typed keys that passed `providers.test` ({provider, apiKey}): saved later, they are verified. */
  private readonly passedKeys = new Set<string>()

  /** Gives a provider a key, as if it had been saved (and tested) before start-up; `verified: false` for one kept untested. */
  configure(provider: 'comfydeploy' | 'runcomfy', key = `${provider}-secret-key`, verified = true): this {
    if (provider === 'comfydeploy') this.apiKey = key
    else this.runcomfyKey = key
    this.keyVerified[provider] = verified
    this.syncKeys()
    return this
  }

  // ---- behaviour ----

  private syncKeys(): void {
    const set: Record<'comfydeploy' | 'runcomfy', boolean> = { comfydeploy: this.apiKey !== null, runcomfy: this.runcomfyKey !== null }
    const state = (p: 'comfydeploy' | 'runcomfy'): KeyState => (!set[p] ? 'none' : this.keyVerified[p] ? 'verified' : 'unverified')
    this.settings = {
      ...this.settings,
      comfydeploy: { ...this.settings.comfydeploy, apiKeySet: set.comfydeploy, keyState: state('comfydeploy') },
      runcomfy: { ...this.settings.runcomfy, apiKeySet: set.runcomfy, keyState: state('runcomfy') },
    }
    this.providers = this.providers.map((p) => (p.id === 'demo' || p.id === 'comfyui' ? p : { ...p, configured: set[p.id], keyState: state(p.id) }))
  }

  /** Ends a scan `library.import` started: its folder's counts and the last `library.importing` event. */
  finishImport(id: string, counts: Partial<Pick<ImportProgress, 'found' | 'added' | 'duplicates' | 'failed' | 'state' | 'message'>> = {}): void {
    const folder = this.imports.find((f) => f.scanning === id)
    if (folder === undefined) throw new Error(`fake courier: no scan ${id}`)
    const progress: ImportProgress = { id, folder: folder.folder, state: 'done', found: 0, done: 0, added: 0, duplicates: 0, failed: 0, message: null, ...counts }
    progress.done = progress.found
    this.imports = this.imports.map((f) =>
      f === folder ? { ...f, scanning: null, files: f.files + progress.added, duplicates: progress.duplicates, failed: progress.failed, lastScanAt: this.now() } : f,
    )
    this.emit({ type: 'library.importing', progress })
  }

  private mustRun(id: string): Run {
    const run = this.runs.get(id)
    if (run === undefined) throw new Error(`fake courier: no run ${id}`)
    return run
  }

  private update(run: Run, change: Partial<Run>): Run {
    const next: Run = { ...run, ...change, updatedAt: this.now() }
    this.runs.set(next.id, next)
    this.emit({ type: 'run.updated', run: next })
    if (next.gridId !== null) this.gridCellMoved(next)
    return next
  }

  // ---- grids (issue 18) ----

  /** The grids `grids.submit` made, by id. */
  grids = new Map<string, Grid>()
  /** Makes the grid image fail with this reason (e.g. too big) instead of saving it. */
  gridImageProblem: string | null = null

  /** A grid's cell moved on with its run: the cell follows, and once every cell has ended the image is made. */
  private gridCellMoved(run: Run): void {
    const grid = this.grids.get(run.gridId ?? '')
    if (grid === undefined || !grid.cells.some((c) => c.runId === run.id)) return
    const outputId = run.status === 'succeeded' ? (this.outputs.find((o) => o.runId === run.id)?.id ?? null) : null
    const cells = grid.cells.map((c): GridCell => (c.runId === run.id ? { ...c, status: run.status, outputId } : c))
    this.setGrid({ ...grid, cells })
    this.makeGridImageIfDone(run.gridId ?? '')
  }

  private setGrid(grid: Grid): Grid {
    this.grids.set(grid.gridId, grid)
    this.emit({ type: 'grid.updated', grid })
    return grid
  }

  /** As core does once every cell has ended (and their files are saved): making, then saved (or refused). */
  private makeGridImageIfDone(gridId: string): void {
    const grid = this.grids.get(gridId)
    if (grid === undefined || grid.imageState !== 'waiting') return
    const runs = grid.cells.map((c) => this.runs.get(c.runId))
    if (runs.some((r) => r === undefined || !isTerminal(r.status) || r.outputs === 'pending')) return
    this.setGrid({ ...grid, imageState: 'making' })
    if (!grid.cells.some((c) => c.status === 'succeeded')) {
      this.setGrid({ ...grid, imageState: 'failed', imageError: 'No cell succeeded, so there is no grid image to make: re-run the failed cells.' })
      return
    }
    if (this.gridImageProblem !== null) {
      this.setGrid({ ...grid, imageState: 'failed', imageError: this.gridImageProblem })
      return
    }
    const first = this.runs.get(grid.cells[0]?.runId ?? '')
    const t = this.now()
    const output: Output = {
      id: OutputId.parse(`grid-${gridId}-${t}`),
      runId: null,
      path: `${new Date(t).toISOString().slice(0, 10)}/${grid.deploymentId}/grid-${gridId}.png`,
      kind: 'image',
      mime: 'image/png',
      bytes: 654321,
      sha256: 'cd'.repeat(32),
      originalSha256: null,
      width: 2048,
      height: 1536,
      durationMs: null,
      provider: grid.provider,
      deploymentId: grid.deploymentId,
      deploymentName: grid.deploymentName,
      prompt: first !== undefined && typeof first.inputs.prompt === 'string' ? first.inputs.prompt : '',
      seed: null,
      favourite: false,
      batchId: null,
      gridId,
      folder: null,
      missing: false,
      hasThumbnail: false,
      source: 'generated',
      createdAt: t,
    }
    this.outputs.unshift(output)
    this.inspections.set(output.id, {
      ...emptyInspection(),
      source: 'courier',
      restore: { provider: grid.provider, deploymentId: grid.deploymentId, inputs: grid.inputs },
      grid: { provider: grid.provider, deploymentId: grid.deploymentId, inputs: grid.inputs, axes: grid.axes },
    })
    this.emit({ type: 'output.saved', output })
    this.setGrid({ ...grid, imageState: 'saved', imageOutputId: output.id, imageError: null })
  }

  /** Every cell of a grid one step on (`advance`), for tests that fill it. */
  advanceGrid(gridId: string): void {
    const grid = this.grids.get(gridId)
    if (grid === undefined) throw new Error(`fake courier: no grid ${gridId}`)
    for (const cell of grid.cells) this.advance(cell.runId)
  }

  private makeOutput(run: Run, patch: Partial<Output>): Output {
    const n = this.outputs.filter((o) => o.runId === run.id).length + 1
    const prompt = typeof run.inputs.prompt === 'string' ? run.inputs.prompt : ''
    const seed = typeof run.inputs.seed === 'number' ? run.inputs.seed : null
    return {
      id: OutputId.parse(`out-${run.id}-${n}`),
      runId: run.id,
      path: `2023-11-14/${run.deploymentId}/${run.id.slice(0, 8)}-${n}.png`,
      kind: 'image',
      mime: 'image/png',
      bytes: 123456,
      sha256: 'ab'.repeat(32),
      originalSha256: null,
      width: 1024,
      height: 768,
      durationMs: null,
      provider: run.provider,
      deploymentId: run.deploymentId,
      deploymentName: run.deploymentName,
      prompt,
      seed,
      favourite: false,
      batchId: run.batchId,
      gridId: run.gridId,
      folder: null,
      missing: false,
      hasThumbnail: false,
      source: 'generated',
      createdAt: this.now(),
      ...patch,
    }
  }

  private saveOutput(run: Run): void {
    const output = this.makeOutput(run, {})
    this.outputs.unshift(output)
    const done = { runId: run.id, index: 0, receivedBytes: output.bytes, totalBytes: output.bytes, bytesPerSecond: null, etaSeconds: null, message: null }
    this.emit({ type: 'download.progress', progress: { ...done, state: 'done' } })
    this.emit({ type: 'output.saved', output })
  }

  /** A run as `runs.submit` makes it: queued with a provider run id, its event sent. */
  private queueRun(provider: ProviderId, deployment: Deployment, inputs: InputValues, batchId: string | null, gridId: string | null = null): Run {
    const t = this.now()
    const run: Run = {
      id: RunId.parse(`run-${++this.seq}`),
      provider,
      deploymentId: deployment.id,
      deploymentName: deployment.name,
      providerRunId: `prov-${this.seq}`,
      status: 'queued',
      progress: 0,
      liveStatus: null,
      polling: this.tunnel.state !== 'up',
      inputs,
      error: null,
      outputCount: 0,
      outputs: 'none',
      batchId,
      gridId,
      cost: null,
      createdAt: t,
      updatedAt: t,
      finishedAt: null,
    }
    this.runs.set(run.id, run)
    this.emit({ type: 'run.updated', run })
    return run
  }

  /** What `runs.submit` checks before anything is sent: a key, a known deployment, known inputs in range. */
  private checkSubmit(provider: ProviderId, deploymentId: string, inputs: InputValues): Result<Deployment> {
    if (!this.providers.find((p) => p.id === provider)?.configured) return err('NOT_CONFIGURED', `${provider} has no API key`)
    const deployment = this.deployments.find((d) => d.provider === provider && d.id === deploymentId)
    if (deployment === undefined) return err('NOT_FOUND', `no deployment ${deploymentId}`)
    for (const [key, value] of Object.entries(inputs)) {
      const field = deployment.inputs.find((f) => f.id === key)
      if (field === undefined) return err('BAD_INPUT', `unknown input ${key}`, key)
      if (typeof value === 'number' && ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max))) {
        return err('BAD_INPUT', `${key} is out of range`, key)
      }
    }
    for (const field of deployment.inputs) {
      if (field.required && inputs[field.id] === undefined) return err('BAD_INPUT', `${field.id} is required`, field.id)
    }
    return ok(deployment)
  }

  /** This month's estimated spend of a provider, from the ledger. */
  private monthUsd(provider: ProviderId): number {
    const month = localMonthKey(this.spendNow)
    return this.spendEntries.filter((e) => e.provider === provider && localMonthKey(e.createdAt) === month).reduce((sum, e) => sum + e.estimatedUsd, 0)
  }

  /** What `spend.quote` answers: the budget's verdict as core reaches it. */
  quoteFor(provider: ProviderId, deploymentId: string, count: number): SpendQuote {
    const paid = provider !== 'demo'
    const usd = paid ? this.estimatePerRunUsd * count : 0
    const budget = provider === 'demo' || provider === 'comfyui' ? null : this.settings.budgets[provider]
    const monthUsd = this.monthUsd(provider)
    const crossesMonth = budget?.monthlyUsd != null && monthUsd + usd > budget.monthlyUsd
    const verdict: SpendQuote['verdict'] = !paid
      ? 'free'
      : crossesMonth && budget?.hardStop
        ? 'refuse'
        : crossesMonth || (budget !== null && usd > budget.confirmAboveUsd)
          ? 'confirm'
          : 'ok'
    return {
      usd,
      basis: paid ? 'history' : 'none',
      provider,
      count,
      explanation: paid ? `median of 12 runs × A10G at $1.21/h` : 'The Demo is free: its prices are simulated.',
      secondsPerRun: paid ? 60 : null,
      usdPerSecond: paid ? 1.21 / 3600 : null,
      gpu: paid ? 'A10G' : null,
      monthUsd,
      budget,
      verdict,
      reason:
        verdict === 'refuse'
          ? 'This would take the month past its budget, which has a hard stop.'
          : verdict === 'confirm'
            ? crossesMonth
              ? 'This would take the month past its budget.'
              : `Above your confirmation threshold of $${budget?.confirmAboveUsd ?? 1}.`
            : null,
    }
  }

  /** The spend check core makes before anything is sent (issue 17). */
  private spendCheck(provider: ProviderId, count: number, confirmUsd: number | undefined): Result<null> {
    const quote = this.quoteFor(provider, provider, count)
    if (quote.verdict === 'refuse') return err('BUDGET_EXCEEDED', `That would take ${providerLabel[provider]} past its budget of $${quote.budget?.monthlyUsd}.`)
    if (quote.verdict === 'confirm' && (confirmUsd === undefined || confirmUsd < quote.usd)) {
      return errWith('SPEND_CONFIRMATION_REQUIRED', `This is estimated at $${quote.usd.toFixed(2)}: confirm it to go ahead.`, { estimateUsd: quote.usd })
    }
    return ok(null)
  }

  private summary(from: number, to: number, groupBy: SpendGroupBy): SpendRow[] {
    const keyOf = (e: SpendEntry): string =>
      groupBy === 'day'
        ? localDayKey(e.createdAt)
        : groupBy === 'week'
          ? isoWeekKey(e.createdAt)
          : groupBy === 'month'
            ? localMonthKey(e.createdAt)
            : groupBy === 'provider'
              ? e.provider
              : `${e.provider}/${e.deploymentId}`
    const rows = new Map<string, SpendRow>()
    for (const e of this.spendEntries) {
      if (e.createdAt < from || e.createdAt > to) continue
      const key = keyOf(e)
      const row = rows.get(key) ?? { key, runs: 0, gpuSeconds: 0, estimatedUsd: 0, actualUsd: this.spendActuals[key] ?? null }
      row.runs++
      row.gpuSeconds += e.gpuSeconds
      row.estimatedUsd += e.estimatedUsd
      rows.set(key, row)
    }
    return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key))
  }

  private overview(): SpendOverview {
    const month = localMonthKey(this.spendNow)
    const providers: ProviderId[] = ['demo', 'comfydeploy', 'runcomfy']
    return {
      month: {
        key: month,
        byProvider: providers
          .map((provider) => {
            const entries = this.spendEntries.filter((e) => e.provider === provider && localMonthKey(e.createdAt) === month)
            const estimatedUsd = entries.reduce((sum, e) => sum + e.estimatedUsd, 0)
            const budget = provider === 'demo' || provider === 'comfyui' ? null : this.settings.budgets[provider]
            const limit = budget?.monthlyUsd ?? null
            const budgetState = limit === null ? 'none' : estimatedUsd > limit ? 'over' : estimatedUsd >= 0.8 * limit ? 'warning' : 'ok'
            return { provider, runs: entries.length, estimatedUsd, actualUsd: this.spendActuals[provider] ?? null, budget, budgetState } as const
          })
          .filter((p) => p.runs > 0 || p.budget?.monthlyUsd != null),
      },
      accounts: this.spendAccounts,
      prices: this.spendPrices,
      deploymentNames: this.deploymentNames,
    }
  }

  /** A seed the fake draws for "new seed" and batches: predictable, so tests can name it. */
  private nextSeed(): number {
    return 1000 + this.seq * 7
  }

  /** The outputs a filter keeps, newest first, as `outputs.list` and main's search pick them. */
  private matching(args: OutputFacetsArgs & { runId?: string }): Output[] {
    const words = (args.query ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
    const tokens = (o: Output) => [o.prompt, o.deploymentName, o.path].join(' ').toLowerCase().split(/[^\p{L}\p{N}]+/u)
    return this.outputs
      .slice()
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .filter(
        (o) =>
          (args.runId === undefined || o.runId === args.runId) &&
          (args.batchId === undefined || o.batchId === args.batchId) &&
          (args.gridId === undefined || o.gridId === args.gridId) &&
          (args.provider === undefined || o.provider === args.provider) &&
          (args.deploymentId === undefined || o.deploymentId === args.deploymentId) &&
          (args.kind === undefined || o.kind === args.kind) &&
          (args.source === undefined || o.source === args.source) &&
          (args.favourite === undefined || o.favourite === args.favourite) &&
          (args.from === undefined || o.createdAt >= args.from) &&
          (args.to === undefined || o.createdAt < args.to) &&
          (words.length === 0 || words.every((w) => tokens(o).some((t) => t.startsWith(w)))),
      )
  }

  /** Like main's: each menu counts what the rest of the filter leaves. */
  private facets(args: OutputFacetsArgs): OutputFacets {
    const count = <K extends string>(keys: K[]): Array<[K, number]> => {
      const m = new Map<K, number>()
      for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1)
      return [...m.entries()]
    }
    const without = (...keys: Array<keyof OutputFacetsArgs>) => this.matching(Object.fromEntries(Object.entries(args).filter(([k]) => !keys.includes(k as keyof OutputFacetsArgs))))
    const deployments = new Map<string, { id: string; name: string; provider: ProviderId; count: number }>()
    for (const o of without('deploymentId')) {
      if (o.provider === null || o.deploymentId === null) continue
      const key = `${o.provider}/${o.deploymentId}`
      const d = deployments.get(key) ?? { id: o.deploymentId, name: o.deploymentName, provider: o.provider, count: 0 }
      d.count++
      deployments.set(key, d)
    }
    return {
      total: this.outputs.length,
      matching: this.matching(args).length,
      providers: count(without('provider', 'deploymentId').flatMap((o) => (o.provider === null ? [] : [o.provider]))).map(([id, n]) => ({ id, count: n })),
      deployments: [...deployments.values()],
      kinds: count(without('kind').map((o) => o.kind)).map(([kind, n]) => ({ kind, count: n })),
      sources: count(without('source').map((o) => o.source)).map(([source, n]) => ({ source, count: n })),
      favourites: without('favourite').filter((o) => o.favourite).length,
    }
  }

  private readonly handlers: Handlers = {
    'app.info': () => ok(this.info),
    'app.diagnostics': () => ok({ text: `Comfy Courier ${this.info.version} (${this.info.mode})` }),
    'providers.list': () => ok(this.providers),
    'providers.test': ({ provider, apiKey }) => {
      const label = providerLabel[provider]
      if (apiKey === undefined && !this.providers.find((p) => p.id === provider)?.configured) {
        return ok({ ok: false, message: `No API key for ${label} yet.`, code: 'NOT_CONFIGURED', deploymentCount: null })
      }
      const problem = this.connectionProblem[provider]
      if (problem !== undefined) return ok({ ok: false, ...problem, deploymentCount: null })
      if (provider !== 'demo' && provider !== 'comfyui') {
        if (apiKey !== undefined) this.passedKeys.add(`${provider}\n${apiKey.trim()}`)
        else if (!this.keyVerified[provider]) {
          this.keyVerified[provider] = true
          this.syncKeys()
        }
      }
      const count = this.deployments.filter((d) => d.provider === provider).length
      return ok({ ok: true, message: `Connected to ${label}: ${count} deployment${count === 1 ? '' : 's'}.`, code: null, deploymentCount: count })
    },
    'uploads.create': ({ provider, fileName, dataBase64 }) => {
      if (!this.providers.find((p) => p.id === provider)?.configured) return err('NOT_CONFIGURED', `${provider} has no API key yet: add it in Settings`)
      let bytes: number
      try {
        bytes = atob(dataBase64).length
      } catch {
        return err('BAD_INPUT', 'dataBase64 is not base64', 'dataBase64')
      }
      if (bytes === 0) return err('BAD_INPUT', 'the file is empty', 'file')
      return ok({ value: `https://uploads.example/${encodeURIComponent(fileName)}`, bytes })
    },
    'outputs.inspect': ({ id }) => {
      if (!this.outputs.some((o) => o.id === id)) return err('NOT_FOUND', `There is no output ${id} in the library: it may have been deleted.`)
      return ok(this.inspections.get(id) ?? noGenerationData())
    },
    'library.import': ({ folder, watch }) => {
      if (!folder.startsWith('/')) return err('BAD_INPUT', `${folder} is not a full path: give the folder's absolute path.`, 'folder')
      if (folder.startsWith(this.settings.libraryDir)) return err('BAD_INPUT', `${folder} is the library folder or inside it: its files are in the library already.`, 'folder')
      const existing = this.imports.find((f) => f.folder === folder)
      if (existing?.scanning) return ok({ id: existing.scanning })
      const id = `imp_${++this.seq}`
      const entry: ImportFolder = existing
        ? { ...existing, watch: watch ?? existing.watch, scanning: id }
        : { id: Math.max(0, ...this.imports.map((f) => f.id)) + 1, folder, watch: watch ?? false, files: 0, missing: 0, duplicates: 0, failed: 0, lastScanAt: null, scanning: id }
      this.imports = existing ? this.imports.map((f) => (f === existing ? entry : f)) : [...this.imports, entry]
      this.emit({ type: 'library.importing', progress: { id, folder, state: 'scanning', found: 0, done: 0, added: 0, duplicates: 0, failed: 0, message: null } })
      return ok({ id })
    },
    'library.importCancel': ({ id }) => {
      if (!this.imports.some((f) => f.scanning === id)) return err('NOT_FOUND', `no scan ${id} is under way: it may have ended`)
      this.importsCancelled.push(id)
      this.finishImport(id, { state: 'cancelled' })
      return ok({})
    },
    'library.imports': () => ok(this.imports),
    'library.rescan': ({ importId }) => {
      const folder = this.imports.find((f) => f.id === importId)
      if (folder === undefined) return err('NOT_FOUND', `There is no import folder ${importId}: it may have been removed from the library.`)
      return this.handlers['library.import']({ folder: folder.folder })
    },
    'library.importWatch': ({ importId, watch }) => {
      const folder = this.imports.find((f) => f.id === importId)
      if (folder === undefined) return err('NOT_FOUND', `There is no import folder ${importId}: it may have been removed from the library.`)
      const changed = { ...folder, watch }
      this.imports = this.imports.map((f) => (f === folder ? changed : f))
      return ok(changed)
    },
    'library.importRemove': ({ importId }) => {
      const folder = this.imports.find((f) => f.id === importId)
      if (folder === undefined) return err('NOT_FOUND', `There is no import folder ${importId}: it may have been removed from the library.`)
      this.importsRemoved.push(importId)
      this.imports = this.imports.filter((f) => f !== folder)
      const before = this.outputs.length
      this.outputs = this.outputs.filter((o) => o.folder !== folder.folder)
      const removed = before - this.outputs.length
      this.emit({ type: 'library.importRemoved', importId, folder: folder.folder, removed })
      return ok({ removed })
    },
    'files.inspect': ({ fileName }) => ok(this.inspections.get(fileName) ?? noGenerationData()),
    'uploads.fromOutput': ({ provider, outputId }) => {
      if (!this.providers.find((p) => p.id === provider)?.configured) return err('NOT_CONFIGURED', `${provider} has no API key yet: add it in Settings`)
      const output = this.outputs.find((o) => o.id === outputId)
      if (output === undefined) return err('NOT_FOUND', `There is no output ${outputId} in the library: it may have been deleted.`)
      return ok({ value: `https://uploads.example/${encodeURIComponent(output.path.split('/').pop() ?? output.id)}`, bytes: output.bytes })
    },
    'deployments.list': ({ provider }) => {
      const info = this.providers.find((p) => p.id === provider)
      if (!info?.configured) return err('NOT_CONFIGURED', `${provider} has no API key`)
      return ok(this.deployments.filter((d) => d.provider === provider))
    },
    'forms.candidates': ({ provider, deploymentId, workflowApiJson }) => {
      if (!this.providers.find((p) => p.id === provider)?.configured) return err('NOT_CONFIGURED', `${provider} has no API key yet: add it in Settings`)
      const deployment = this.deployments.find((d) => d.provider === provider && d.id === deploymentId)
      if (deployment === undefined) return err('NOT_FOUND', `deployment ${deploymentId} is not among ${provider}'s deployments`)
      if (provider !== 'runcomfy') return ok(this.serviceInputs.get(`${provider}/${deploymentId}`) ?? deployment.inputs)
      if (workflowApiJson !== undefined) {
        const fields = workflowFields(workflowApiJson)
        if (fields === null) {
          return err('PROVIDER_VALIDATION', 'that is not a workflow in ComfyUI’s API format (export it with “Save (API)”)', 'workflowApiJson')
        }
        return ok(fields)
      }
      const graph = this.workflows[deploymentId]
      if (graph === undefined) return err('PROVIDER_VALIDATION', 'this deployment publishes no workflow: add its input names by hand', 'workflowApiJson')
      return ok(graph)
    },
    'forms.save': ({ provider, deploymentId, fields }) => {
      const ids = new Set<string>()
      for (const field of fields) {
        if (ids.has(field.id)) return err('BAD_INPUT', `two fields share the input "${field.id}"`, field.id)
        ids.add(field.id)
      }
      const index = this.deployments.findIndex((d) => d.provider === provider && d.id === deploymentId)
      const deployment = this.deployments[index]
      if (deployment === undefined) return err('NOT_FOUND', `deployment ${deploymentId} is not among ${provider}'s deployments`)
      const key = `${provider}/${deploymentId}`
      if (!this.serviceInputs.has(key)) this.serviceInputs.set(key, deployment.inputs)
      // The contract's parse above filled in the fields' defaults (`description`, `required`).
      const saved: Deployment = { ...deployment, inputs: fields as InputField[], customForm: true }
      this.deployments[index] = saved
      return ok(saved)
    },
    'forms.reset': ({ provider, deploymentId }) => {
      const index = this.deployments.findIndex((d) => d.provider === provider && d.id === deploymentId)
      const deployment = this.deployments[index]
      if (deployment === undefined) return err('NOT_FOUND', `deployment ${deploymentId} is not among ${provider}'s deployments`)
      const key = `${provider}/${deploymentId}`
      const restored: Deployment = { ...deployment, inputs: this.serviceInputs.get(key) ?? deployment.inputs, customForm: false }
      this.serviceInputs.delete(key)
      this.deployments[index] = restored
      return ok(restored)
    },
    'runs.submit': ({ provider, deploymentId, inputs, confirmUsd }) => {
      const checked = this.checkSubmit(provider, deploymentId, inputs)
      if (!checked.ok) return checked
      const spend = this.spendCheck(provider, 1, confirmUsd)
      if (!spend.ok) return spend
      return ok(this.queueRun(provider, checked.value, inputs, null))
    },
    'runs.submitBatch': ({ provider, deploymentId, inputs, count, confirmUsd }) => {
      const checked = this.checkSubmit(provider, deploymentId, inputs)
      if (!checked.ok) return checked
      const spend = this.spendCheck(provider, count, confirmUsd)
      if (!spend.ok) return spend
      const seedInput = seedField(checked.value.inputs)
      const batchId = `b_${++this.seq}`
      const given = seedInput === undefined ? undefined : inputs[seedInput.id]
      const base = typeof given === 'number' ? given : this.nextSeed()
      return ok(
        Array.from({ length: count }, (_, i) =>
          this.queueRun(provider, checked.value, seedInput === undefined ? inputs : { ...inputs, [seedInput.id]: base + i }, batchId),
        ),
      )
    },
    'runs.rerun': ({ id, seed, confirmUsd }) => {
      const run = this.runs.get(id)
      if (run === undefined) return err('NOT_FOUND', `no run ${id}`)
      const checked = this.checkSubmit(run.provider, run.deploymentId, run.inputs)
      if (!checked.ok) return checked
      const spend = this.spendCheck(run.provider, 1, confirmUsd)
      if (!spend.ok) return spend
      const seedInput = seedField(checked.value.inputs)
      const inputs = seed === 'new' && seedInput !== undefined ? { ...run.inputs, [seedInput.id]: this.nextSeed() } : run.inputs
      return ok(this.queueRun(run.provider, checked.value, inputs, null))
    },
    'runs.get': ({ id }) => {
      const run = this.runs.get(id)
      return run ? ok(run) : err('NOT_FOUND', `no run ${id}`)
    },
    'runs.list': ({ limit }) =>
      ok([...this.runs.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit ?? 100)),
    'runs.cancel': ({ id }) => {
      const run = this.runs.get(id)
      if (run === undefined) return err('NOT_FOUND', `no run ${id}`)
      if (isTerminal(run.status)) return err('CONFLICT', `run is already ${run.status}`)
      return ok(this.update(run, { status: 'cancelled', finishedAt: this.clock }))
    },
    'outputs.list': (args) => {
      const matching = this.matching(args)
      let start = 0
      if (args.after !== undefined) {
        const at = matching.findIndex((o) => o.id === args.after)
        if (at < 0) return err('NOT_FOUND', `no output ${args.after} in this list`)
        start = at + 1
      }
      return ok(matching.slice(start, start + (args.limit ?? OUTPUTS_PAGE_DEFAULT)))
    },
    'outputs.facets': (args) => ok(this.facets(args)),
    'outputs.get': ({ id }) => {
      const output = this.outputs.find((o) => o.id === id)
      return output ? ok(output) : err('NOT_FOUND', `no output ${id}`)
    },
    'outputs.update': ({ id, favourite }) => {
      const index = this.outputs.findIndex((o) => o.id === id)
      const output = this.outputs[index]
      if (output === undefined) return err('NOT_FOUND', `no output ${id}`)
      const next = { ...output, favourite }
      this.outputs[index] = next
      return ok(next)
    },
    'outputs.delete': ({ ids }) => {
      const before = this.outputs.length
      this.outputs = this.outputs.filter((o) => !ids.includes(o.id))
      this.trashed.push(...ids)
      return ok({ deleted: before - this.outputs.length })
    },
    'outputs.export': ({ ids, folder, metadata }) => {
      if (!folder.startsWith('/')) return err('BAD_INPUT', `The folder must be a full path (such as /home/you/Exports), not “${folder}”.`, 'folder')
      if (folder === this.settings.libraryDir || folder.startsWith(`${this.settings.libraryDir}/`)) {
        return err('BAD_INPUT', 'That folder is inside the library folder, where exported files would never be listed. Choose a folder outside it.', 'folder')
      }
      this.exports.push({ ids: [...ids], folder, metadata })
      const exported: Array<{ id: OutputId; fileName: string }> = []
      const skipped: Array<{ id: OutputId; reason: string }> = []
      for (const id of ids) {
        const output = this.outputs.find((o) => o.id === id)
        if (output === undefined) skipped.push({ id: id as OutputId, reason: 'It is no longer in the library (it may have been deleted).' })
        else exported.push({ id: id as OutputId, fileName: output.path.split('/').pop() ?? output.id })
      }
      return ok({ folder, exported, skipped })
    },
    'outputs.open': ({ id, how }) => {
      if (this.info.mode === 'web') return err('NOT_SUPPORTED', 'opening files needs the desktop app')
      if (!this.outputs.some((o) => o.id === id)) return err('NOT_FOUND', `no output ${id}`)
      this.opened.push({ id, how })
      return ok({})
    },
    'tunnel.status': () => ok(this.tunnel),
    'tunnel.retry': () => {
      this.tunnelRetries++
      if (this.tunnel.state === 'down') this.setTunnel({ ...this.tunnel, state: 'connecting', error: null, retryAt: null })
      return ok(this.tunnel)
    },
    'settings.get': () => ok(this.settings),
    'spend.summary': ({ from, to, groupBy }) => ok(this.summary(new Date(from).getTime(), new Date(to).getTime(), groupBy)),
    'spend.estimate': ({ provider, deploymentId, count }) => {
      const { usd, basis } = this.quoteFor(provider, deploymentId, count)
      return ok({ usd, basis })
    },
    'spend.quote': ({ provider, deploymentId, count }) => ok(this.quoteFor(provider, deploymentId, count)),
    'spend.overview': () => ok(this.overview()),
    'spend.refresh': () => {
      this.spendRefreshes++
      this.spendAccounts = this.spendAccounts.map((a) => ({ ...a, readAt: this.spendNow }))
      return ok(this.overview())
    },
    'settings.update': (patch) => {
      const s = this.settings
      const keyOf = (typed: string): string | null => (typed.trim() === '' ? null : typed.trim())
      if (patch.comfydeployApiKey !== undefined) this.apiKey = keyOf(patch.comfydeployApiKey)
      if (patch.runcomfyApiKey !== undefined) this.runcomfyKey = keyOf(patch.runcomfyApiKey)
      // A new key is verified only if it passed a test before it was saved.
      if (patch.comfydeployApiKey !== undefined) this.keyVerified.comfydeploy = this.passedKeys.has(`comfydeploy\n${patch.comfydeployApiKey.trim()}`)
      if (patch.runcomfyApiKey !== undefined) this.keyVerified.runcomfy = this.passedKeys.has(`runcomfy\n${patch.runcomfyApiKey.trim()}`)
      if (patch.ngrokAuthtoken !== undefined) this.ngrokAuthtoken = keyOf(patch.ngrokAuthtoken)
      this.settings = {
        ...s,
        libraryDir: patch.libraryDir ?? s.libraryDir,
        tunnelMode: patch.tunnelMode ?? s.tunnelMode,
        tunnelHost: patch.tunnelHost === undefined ? s.tunnelHost : patch.tunnelHost,
        publicUrl: patch.publicUrl === undefined ? s.publicUrl : patch.publicUrl,
        ngrok: {
          authtokenSet: this.ngrokAuthtoken !== null,
          domain: patch.ngrokDomain === undefined ? s.ngrok.domain : patch.ngrokDomain,
        },
        comfydeploy: { ...s.comfydeploy, baseUrl: patch.comfydeployBaseUrl ?? s.comfydeploy.baseUrl },
        runcomfy: { ...s.runcomfy, baseUrl: patch.runcomfyBaseUrl ?? s.runcomfy.baseUrl },
        onboarded: patch.onboarded ?? s.onboarded,
        budgets: {
          comfydeploy: { ...s.budgets.comfydeploy, ...patch.budgets?.comfydeploy },
          runcomfy: { ...s.budgets.runcomfy, ...patch.budgets?.runcomfy },
        },
        runcomfyPricing: {
          plan: patch.runcomfyPlan ?? s.runcomfyPricing.plan,
          tiers: Object.fromEntries(
            Object.entries({ ...s.runcomfyPricing.tiers, ...patch.runcomfyTiers }).filter((entry): entry is [string, NonNullable<(typeof entry)[1]>] => entry[1] !== null),
          ),
        },
      }
      this.syncKeys()
      return ok(this.settings)
    },
    'webhooks.list': ({ provider, outcome, runId, text, beforeId, limit }) => {
      const needle = text?.toLowerCase() ?? ''
      const matching = this.webhooks.filter(
        (w) =>
          (provider === undefined || w.provider === provider) &&
          (outcome === undefined || w.outcome === outcome) &&
          (runId === undefined || w.runId === runId) &&
          (beforeId === undefined || w.id < beforeId) &&
          (needle === '' || w.body.toLowerCase().includes(needle) || w.reason.toLowerCase().includes(needle)),
      )
      return ok(matching.slice(0, limit ?? 200))
    },
    // Grids and prompt lists (issue 18) are answered by the renderer's grid work.
    'deployments.add': () => err('NOT_SUPPORTED', 'ComfyUI workflows are not in the fake yet'),
    'deployments.remove': () => err('NOT_SUPPORTED', 'ComfyUI workflows are not in the fake yet'),
    'comfyui.servers': () => ok([]),
    'comfyui.saveServer': () => err('NOT_SUPPORTED', 'ComfyUI servers are not in the fake yet'),
    'comfyui.removeServer': () => err('NOT_SUPPORTED', 'ComfyUI servers are not in the fake yet'),
    'comfyui.testServer': () => err('NOT_SUPPORTED', 'ComfyUI servers are not in the fake yet'),
    'comfyui.savedWorkflows': () => ok([]),
    'runs.submitList': ({ provider, deploymentId, inputs, rows, confirmUsd }) => {
      for (const row of rows) {
        const checked = this.checkSubmit(provider, deploymentId, { ...inputs, ...row })
        if (!checked.ok) return checked
      }
      const checked = this.checkSubmit(provider, deploymentId, { ...inputs, ...rows[0] })
      if (!checked.ok) return checked
      const spend = this.spendCheck(provider, rows.length, confirmUsd)
      if (!spend.ok) return spend
      const batchId = `l_${++this.seq}`
      return ok(rows.map((row) => this.queueRun(provider, checked.value, { ...inputs, ...row }, batchId)))
    },
    'grids.submit': ({ provider, deploymentId, inputs, axes, cellTime, confirmUsd }) => {
      const cellsOf = axes.reduce((n, a) => n * a.values.length, 1)
      if (cellsOf > GRID_MAX_CELLS) return err('BAD_INPUT', `${cellsOf} cells is more than a grid may have (${GRID_MAX_CELLS}).`, 'axes')
      const deployment = this.deployments.find((d) => d.provider === provider && d.id === deploymentId)
      for (const axis of axes) {
        if (deployment !== undefined && !deployment.inputs.some((f) => f.id === axis.input)) return err('BAD_INPUT', `unknown input ${axis.input}`, axis.input)
      }
      const [ax, ay, az] = axes
      const places: Array<{ x: number; y: number; z: number; inputs: InputValues }> = []
      for (let z = 0; z < (az?.values.length ?? 1); z++) {
        for (let y = 0; y < (ay?.values.length ?? 1); y++) {
          for (let x = 0; x < (ax?.values.length ?? 1); x++) {
            const cell: InputValues = { ...inputs }
            ;[ax, ay, az].forEach((axis, i) => {
              const value = axis?.values[[x, y, z][i] ?? 0]
              if (axis !== undefined && value !== undefined) cell[axis.input] = value
            })
            places.push({ x, y, z, inputs: cell })
          }
        }
      }
      for (const place of places) {
        const checked = this.checkSubmit(provider, deploymentId, place.inputs)
        if (!checked.ok) return checked
      }
      const checked = this.checkSubmit(provider, deploymentId, places[0]?.inputs ?? inputs)
      if (!checked.ok) return checked
      const spend = this.spendCheck(provider, places.length, confirmUsd)
      if (!spend.ok) return spend
      const gridId = `g_${++this.seq}`
      const grid: Grid = {
        gridId,
        provider,
        deploymentId,
        deploymentName: checked.value.name,
        inputs,
        axes: axes.map((a) => ({ input: a.input, values: a.values, labels: a.labels ?? a.values.map(String) })),
        cells: [],
        cellTime: cellTime ?? true,
        imageOutputId: null,
        imageState: 'waiting',
        imageError: null,
        createdAt: this.now(),
      }
      this.grids.set(gridId, grid)
      const runs = places.map((place) => this.queueRun(provider, checked.value, place.inputs, null, gridId))
      const cells = places.map((place, i): GridCell => ({ x: place.x, y: place.y, z: place.z, runId: runs[i]?.id ?? RunId.parse('missing'), status: 'queued', outputId: null }))
      this.setGrid({ ...grid, cells })
      return ok({ gridId, runs })
    },
    'grids.get': ({ gridId }) => {
      const grid = this.grids.get(gridId)
      return grid ? ok(grid) : err('NOT_FOUND', `There is no grid ${gridId}: it may have been made on another computer.`)
    },
    'grids.list': ({ limit }) => ok([...this.grids.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit ?? 50)),
    'grids.rerunFailed': ({ gridId, confirmUsd }) => {
      const grid = this.grids.get(gridId)
      if (grid === undefined) return err('NOT_FOUND', `There is no grid ${gridId}.`)
      const again = grid.cells.filter((c) => c.status === 'failed' || c.status === 'cancelled' || c.status === 'timed_out')
      if (again.length === 0) return err('CONFLICT', 'No cell of this grid failed: there is nothing to run again.')
      const deployment = this.deployments.find((d) => d.provider === grid.provider && d.id === grid.deploymentId)
      if (deployment === undefined) return err('NOT_FOUND', `no deployment ${grid.deploymentId}`)
      const spend = this.spendCheck(grid.provider, again.length, confirmUsd)
      if (!spend.ok) return spend
      const fresh = new Map<GridCell, Run>()
      for (const cell of again) {
        const old = this.runs.get(cell.runId)
        if (old !== undefined) fresh.set(cell, this.queueRun(grid.provider, deployment, old.inputs, null, gridId))
      }
      const cells = grid.cells.map((c): GridCell => {
        const run = fresh.get(c)
        return run === undefined ? c : { ...c, runId: run.id, status: run.status, outputId: null }
      })
      return ok(this.setGrid({ ...grid, cells, imageState: 'waiting', imageError: null, imageOutputId: null }))
    },
    'grids.cancel': ({ gridId }) => {
      const grid = this.grids.get(gridId)
      if (grid === undefined) return err('NOT_FOUND', `There is no grid ${gridId}.`)
      for (const cell of grid.cells) {
        const run = this.runs.get(cell.runId)
        if (run !== undefined && !isTerminal(run.status)) this.update(run, { status: 'cancelled', finishedAt: this.clock })
      }
      return ok(this.grids.get(gridId) ?? grid)
    },
    'webhooks.replay': ({ id }) => {
      const original = this.webhooks.find((w) => w.id === id)
      if (original === undefined) return err('NOT_FOUND', `no webhook ${id}`)
      const { id: _originalId, ...rest } = original
      const replayed = this.receiveWebhook({
        ...rest,
        receivedAt: this.now(),
        outcome: 'duplicate',
        reason: 'already applied',
        replayOf: original.id,
      })
      return ok(replayed)
    },
  }
}
