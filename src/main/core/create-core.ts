import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { CourierEvent } from '@shared/events'
import type { Sim } from '../../sim/index'
import { appApi } from './api/app-api'
import { assembleApi, type CoreApi } from './api/build-api'
import { deliveryApi } from './api/delivery-api'
import { exportApi } from './api/export-api'
import { formsApi } from './api/forms-api'
import { invoke, invokeMethod } from './api/invoke'
import { libraryApi } from './api/library-api'
import { importApi } from './api/import-api'
import { ImportFolders } from './library/import-folders'
import { ImportService } from './library/import-service'
import { ImportsRepo } from './store/imports-repo'
import { providersApi } from './api/providers-api'
import { runsApi } from './api/runs-api'
import { settingsApi } from './api/settings-api'
import { gridsApi } from './api/grids-api'
import { spendApi } from './api/spend-api'
import { SpendService } from './spend/spend-service'
import { fileSecretBox, SettingsService } from './config/settings-service'
import type { Core, CoreDeps } from './core-types'
import { startHookListener, type HookListener } from './delivery/hook-listener'
import { Poller } from './delivery/poller'
import { TunnelSupervisor } from './delivery/tunnel-supervisor'
import { WebhookIngest } from './delivery/webhook-ingest'
import { OutputSaver } from './downloads/output-saver'
import { systemResolver } from './downloads/url-guard'
import { EventHub } from './events/event-hub'
import { LibraryService } from './library/library-service'
import { ARCHIVE_MAX_FILES, archiveResponse } from './library/archive'
import { attachmentHeader, downloadName } from './library/download-name'
import { readOutputFile } from './library/output-file'
import { locateVideoTools } from './metadata/containers/video'
import { inspectBytes, inspectSavedOutput } from './metadata/read-file'
import { recordFor } from './metadata/record'
import { writeRecord } from './metadata/write-record'
import { provenanceApi } from './api/provenance-api'
import { plainResponse, serveFile } from './library/media'
import { folderName } from './library/paths'
import { probeMedia } from './library/probe'
import { RecentPictures } from './library/recent-pictures'
import { Thumbnails } from './library/thumbnails'
import { VideoPosters } from './library/video-poster'
import { countRuns } from './diagnostics/diagnostics'
import { createLogger } from './log/logger'
import { resolveConfig } from './config/config'
import { StoredSettings } from './config/settings-file'
import { ComfyDeployClient } from './providers/comfydeploy/client'
import { startDemoProvider } from './providers/demo/demo-provider'
import { ComfyUIClient } from './providers/comfyui/client'
import { ProviderRegistry } from './providers/registry'
import { RunComfyClient } from './providers/runcomfy/client'
import type { ProviderClient } from './providers/types'
import { isLoopback } from './downloads/url-guard'
import { RunLedger } from './runs/run-ledger'
import { RunService } from './runs/run-service'
import { PendingCancels } from './runs/pending-cancels'
import { PROVIDER_CONCURRENCY, ProviderQueue } from './runs/provider-queue'
import { GridService } from './grids/grid-service'
import { openDatabase } from './store/database'
import { EventsRepo } from './store/events-repo'
import { FormsRepo } from './store/forms-repo'
import { ComfyWorkflowsRepo } from './store/comfyui-workflows-repo'
import { comfyuiApi } from './api/comfyui-api'
import { OutputsRepo, type ThumbnailState } from './store/outputs-repo'
import { buildVersion } from './version'

/** The web host's trash: the `trash` package, loaded on first use (globbing off: names are taken literally). */
async function trashWithPackage(path: string): Promise<void> {
  const { default: trash } = await import('trash')
  await trash(path, { glob: false })
}

/** True when a provider base URL is plain http on loopback: the user pointed the client at a local simulator. */
function isLocalApi(baseUrl: string): boolean {
  try {
    const url = new URL(baseUrl)
    return isLoopback(url.hostname.replace(/^\[|\]$/g, '')) || url.hostname === 'localhost'
  } catch {
    return false
  }
}

/**
 * The composition root: every service is built here, in plain sight, from the deps it is handed.
 * Electron and the web host both call it, then add their transport on top of `invoke` and `events`.
 */
export function createCore(deps: CoreDeps): Core {
  const { dataDir } = deps
  mkdirSync(dataDir, { recursive: true })
  const tuning = deps.tuning ?? {}
  const log = createLogger({ dataDir, ...(deps.logSink ? { sink: deps.logSink } : {}) })
  const settings = new SettingsService(dataDir, deps.flags ?? {}, deps.env ?? process.env, deps.secrets ?? fileSecretBox)
  const db = openDatabase(join(dataDir, 'courier.db'))
  const eventsRepo = new EventsRepo(db)
  // A thumbnail made while the saver checked the file is adopted as the row is written (`thumbnails` below).
  const outputsRepo: OutputsRepo = new OutputsRepo(db, { thumbnailOnInsert: (output): ThumbnailState => thumbnails.adopt(output) })
  const events = new EventHub<CourierEvent>(log.child('events'))
  // The one writer of run rows and the one publisher of `run.updated`: everything below reports to it.
  const ledger = new RunLedger({ db, events })
  const formsRepo = new FormsRepo(db)
  const comfyWorkflows = new ComfyWorkflowsRepo(db)
  // ComfyUI sends a prompt's live messages to the socket of the client that queued it: stable per data folder,
  // so that after a restart the socket still hears about prompts sent before.
  const comfyClientId = `courier-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`
  let comfyui: ComfyUIClient | null = null
  const providers = new ProviderRegistry(formsRepo)
  const instanceId = randomBytes(8).toString('hex')
  // Video posters come from the system's ffmpeg (`COURIER_FFMPEG`, else PATH); without it videos have no thumbnail.
  const posters = new VideoPosters({ env: deps.env ?? process.env, log: log.child('thumbnails') })
  // ffmpeg and ffprobe write and read video tags (generation records); without them a sidecar is written.
  const videoTools = locateVideoTools(deps.env ?? process.env)
  // Pictures the thumbnails decode are drawn from again by the grids' images (one decode per cell, not two).
  const recentPictures = new RecentPictures()
  const thumbnails: Thumbnails = new Thumbnails({ dir: join(dataDir, 'thumbnails'), outputs: outputsRepo, log: log.child('thumbnails'), posters, recent: recentPictures })
  const importsRepo = new ImportsRepo(db)
  const imports = new ImportService({
    outputs: outputsRepo,
    imports: importsRepo,
    thumbnails,
    videoTools,
    events,
    log: log.child('import'),
    libraryDir: () => settings.config().libraryDir,
    dataDir,
    ...(tuning.importWatchMs !== undefined ? { watchIntervalMs: tuning.importWatchMs } : {}),
  })
  const importFolders = new ImportFolders({ imports: importsRepo, scans: imports, thumbnails, events, log: log.child('import') })
  const library = new LibraryService({
    outputs: outputsRepo,
    ledger,
    thumbnails,
    trash: deps.trash ?? tuning.trash ?? trashWithPackage,
    desktop: deps.desktop ?? null,
    log: log.child('library'),
  })

  /** The library folder that would be in effect with `libraryDir` saved in settings (flags and environment still win). */
  const effectiveLibraryFor = (libraryDir: string): string =>
    resolveConfig({
      flags: deps.flags ?? {},
      env: deps.env ?? process.env,
      settings: StoredSettings.parse({ libraryDir }),
      apiKeys: { comfydeploy: null, runcomfy: null },
    }).libraryDir

  let listener: HookListener | null = null
  let demo: { client: ComfyDeployClient; sim: Sim } | null = null

  const saver = new OutputSaver({
    ledger,
    outputs: outputsRepo,
    events,
    log: log.child('downloads'),
    libraryDir: () => settings.config().libraryDir,
    resolve: tuning.resolve ?? systemResolver,
    // Thumbnails are made as the file is checked, before its row exists (so `output.saved` says
    // `hasThumbnail`); one that could not be made then is tried again after the save.
    probe: async (file, mime) => (await Promise.all([probeMedia(file, mime), thumbnails.prepare(file, mime)]))[0],
    onSaved: (output) => void thumbnails.ensure(output.id), // never rejects
    writeRecord: (file, run, index, size) => writeRecord(file, recordFor(run, index, Date.now(), `Comfy Courier ${deps.version ?? buildVersion}`), size, videoTools),
    ...(tuning.downloadRetryMs !== undefined ? { retryDelayMs: tuning.downloadRetryMs } : {}),
    ...(tuning.downloads ? { downloads: tuning.downloads } : {}),
  })

  const tunnel = new TunnelSupervisor({
    listenerPort: () => listener?.port ?? 0,
    instanceId, // the listener's /healthz answer: the health check proves the public URL reaches this app
    log: log.child('tunnel'),
    openTimeoutMs: tuning.tunnelOpenTimeoutMs ?? 15_000,
    onChange: (status) => events.publish({ type: 'tunnel.changed', tunnel: status }),
    // Runs told to call the old URL will never reach us again: poll them from now on.
    onUrlChanged: (previous) => {
      for (const run of ledger.unfinished()) if (run.webhookBase === previous) ledger.change(run.id, { polling: true })
    },
  })

  const spend = new SpendService({
    db,
    providers,
    budget: (provider) => settings.budget(provider),
    runcomfyPricing: () => settings.runcomfyPricing(),
    events,
    log: log.child('spend'),
  })

  const runService: RunService = new RunService({
    ledger,
    providers,
    spend,
    log: log.child('runs'),
    // The demo simulator lives on this machine and calls the listener directly; real services need the tunnel.
    webhookBase: (client) => webhookBaseFor(client),
    saveOutputs: (run, snapshot, client) => saver.save(run, snapshot, client),
    resolveSoon: (runId) => poller.enqueue(runId),
    cancelPending: (runId) => pendingCancels.add(runId),
    ...(tuning.lostSubmitWindowMs !== undefined ? { lostSubmitWindowMs: tuning.lostSubmitWindowMs } : {}),
  })

  // Grid cells and prompt-list rows wait here, and are sent within each provider's concurrency.
  const providerQueue = new ProviderQueue({
    ledger,
    events,
    log: log.child('queue'),
    send: (runId) => {
      const sending = runService.sendWaiting(runId)
      if (sending.outcome === 'sent') sending.done.catch((error: unknown) => log.error('queued send failed', { runId, error: String(error) }))
      return sending.outcome
    },
    ...(tuning.providerConcurrency ? { concurrency: (provider) => tuning.providerConcurrency?.[provider] ?? PROVIDER_CONCURRENCY[provider] } : {}),
  })

  // Cancels the service could not take yet (a run not dispatched) are asked again until it can, or the run ends.
  const pendingCancels = new PendingCancels({
    ledger,
    providers,
    events,
    reconcile: (runId) => runService.reconcile(runId),
    log: log.child('runs'),
  })

  const grids = new GridService({
    db,
    ledger,
    runService,
    queue: providerQueue,
    spend,
    outputs: outputsRepo,
    events,
    log: log.child('grids'),
    libraryDir: () => settings.config().libraryDir,
    app: `Comfy Courier ${deps.version ?? buildVersion}`,
    thumbnails: { ensure: (id) => thumbnails.ensure(id), remove: (id) => thumbnails.remove(id) },
    recentPictures,
    ...(tuning.gridUpdateEveryMs !== undefined ? { updateEveryMs: tuning.gridUpdateEveryMs } : {}),
  })

  const poller = new Poller({
    ledger,
    runService,
    log: log.child('poller'),
    downloadsBusy: (runId) => saver.isBusy(runId),
    options: { intervalMs: tuning.pollIntervalMs ?? 2000, safetyMs: tuning.safetyPollMs ?? 30_000, concurrency: 4 },
  })

  const ingest = new WebhookIngest({
    ledger,
    events: eventsRepo,
    providers,
    hub: events,
    log: log.child('webhooks'),
    confirm: (runId) => poller.confirm(runId),
    isConfirming: (runId) => poller.isConfirming(runId),
  })

  /**
   * After a restart the listener's port and the tunnel's URL are new: runs that were told another address
   * will never call us again, so they are polled from now on (the poller's 2 s, not the 30 s safety net).
   */
  function pollRunsWithStaleHooks(): void {
    for (const run of ledger.unfinished()) {
      const client = providers.get(run.provider)
      const current = client ? webhookBaseFor(client) : null
      if (run.webhookBase !== null && run.webhookBase !== current) ledger.change(run.id, { polling: true })
    }
  }

  /** A service's client for a key, at the configured base URL. */
  function serviceClient(provider: 'comfydeploy' | 'runcomfy', apiKey: string): ProviderClient {
    const { baseUrl } = settings.config()[provider]
    const Client = provider === 'comfydeploy' ? ComfyDeployClient : RunComfyClient
    return new Client({ baseUrl, apiKey, allowLoopbackMedia: isLocalApi(baseUrl) })
  }

  /**
   * Rebuilds provider clients and the tunnel wish from the effective configuration. The tunnel is wanted
   * only for a service whose key is verified (docs/api.md, "Keys and the tunnel"): a key that never passed
   * a test opens no public address, and its runs are polled.
   */
  function applyConfig(): void {
    const config = settings.config()
    const clients: ProviderClient[] = demo ? [demo.client] : []
    for (const provider of ['comfydeploy', 'runcomfy'] as const) {
      const key = config[provider].apiKey
      if (key) clients.push(serviceClient(provider, key))
    }
    comfyui = comfyClient()
    if (comfyui) clients.push(comfyui)
    providers.replace(clients)
    // Runs left waiting for a provider that had no key are sent once it has one again.
    providerQueue.kick()
    tunnel.configure({
      mode: config.tunnelMode,
      host: config.tunnelHost,
      publicUrl: config.publicUrl,
      ngrok: { authtoken: config.ngrok.authtoken, domain: config.ngrok.domain },
      needed: config.comfydeploy.keyVerified || config.runcomfy.keyVerified,
    })
  }

  /**
   * Your own ComfyUI servers (issue 19), or null when none is set. Their socket messages are ingested like
   * webhooks (the run ledger stays the one owner of run state); a dropped socket puts their runs on polling.
   */
  function comfyClient(): ComfyUIClient | null {
    let found: ReturnType<SettingsService['comfyServers']>
    try {
      found = settings.comfyServers()
    } catch (error) {
      log.warn('ComfyUI servers not loaded', { error: (error as Error).message })
      return null
    }
    if (found.servers.length === 0) return null
    return new ComfyUIClient({
      servers: found.servers,
      defaultServerId: found.defaultServerId,
      workflows: comfyWorkflows,
      clientId: comfyClientId,
      ...(tuning.comfyuiSocketBackoffMs ? { socketBackoffMs: tuning.comfyuiSocketBackoffMs } : {}),
      onMessage: (token, message) =>
        void ingest.handle({ family: 'comfyui', token, body: Buffer.from(JSON.stringify(message)), headers: { 'content-type': 'application/json' } }),
      onSocket: (serverId, up) => {
        log.info(up ? 'ComfyUI socket open' : 'ComfyUI socket dropped; polling its runs', { serverId })
        if (up) return
        for (const run of ledger.unfinished()) if (run.provider === 'comfyui' && !run.polling) ledger.change(run.id, { polling: true })
      },
    })
  }

  /** The address a run on `client` is told to call back: the listener for the Demo, the tunnel for a verified key, else none (polled). */
  function webhookBaseFor(client: ProviderClient): string | null {
    // ComfyUI's news comes over its socket and is handed to the ingest directly: no tunnel, the URL only carries the token.
    if (client.demo || client.id === 'comfyui') return listener?.url ?? null
    const verified = client.id !== 'demo' && settings.config()[client.id].keyVerified
    return verified ? tunnel.publicUrl() : null
  }

  // Each domain's methods come from its own module, handed only what it needs; `assembleApi` checks at
  // compile time that together they are the contract, each method once.
  const api: CoreApi = assembleApi(
    appApi({
      version: deps.version ?? buildVersion,
      mode: deps.mode,
      dataDir,
      settings,
      tunnelStatus: () => tunnel.status(),
      listenerUrl: () => listener?.url ?? null,
      runCounts: () => countRuns(db),
      recentLog: () => log.recent(),
      spendOverview: () => spend.overview(),
    }),
    providersApi({ providers, events, settings, clientFor: serviceClient, applyConfig, outputFile: (id) => readOutputFile(outputsRepo, id) }),
    formsApi({ providers, forms: formsRepo }),
    comfyuiApi({
      settings,
      providers,
      workflows: comfyWorkflows,
      client: () => comfyui,
      applyConfig,
      hasUnfinishedRuns: (deploymentId) => ledger.unfinished().some((run) => run.provider === 'comfyui' && run.deploymentId === deploymentId),
    }),
    runsApi({ runService, runs: ledger }),
    spendApi({ spend }),
    gridsApi({ grids }),
    libraryApi({ outputs: outputsRepo, library }),
    exportApi({ outputs: outputsRepo, libraryDir: () => settings.config().libraryDir, videoTools }),
    importApi({ imports, folders: importFolders }),
    provenanceApi({
      inspectBytes: (fileName, bytes) => inspectBytes(fileName, bytes, videoTools, join(dataDir, 'scratch')),
      inspectOutput: (id) => inspectSavedOutput(outputsRepo, id, videoTools),
      providers,
    }),
    settingsApi({ settings, outputs: outputsRepo, events, applyConfig, effectiveLibraryFor, log: log.child('library') }),
    deliveryApi({ tunnel, webhooks: eventsRepo, ingest }),
  )
  const apiLog = log.child('api')

  let started = false
  return {
    dataDir,
    log,
    events,
    invoke: (name, raw) => invoke(api, name, raw, apiLog),
    call: (method, args) => invokeMethod(api, method, args, apiLog),
    media: async (outputId, range, opts) => {
      if (opts?.thumbnail) return thumbnails.serve(outputId, range)
      const location = outputsRepo.location(outputId)
      if (!location) return plainResponse(404, 'no such output')
      const response = await serveFile(location, range)
      // An imported file that vanished from its folder is shown as missing from now on (its row stays).
      if (response.status === 404 && location.source === 'imported') outputsRepo.setMissing([outputId], true)
      const output = opts?.download ? outputsRepo.get(outputId) : undefined
      if (output !== undefined && response.ok) response.headers.set('content-disposition', attachmentHeader(downloadName(output)))
      return response
    },
    archive: async (selector) => {
      const ids = 'ids' in selector ? [...new Set(selector.ids)] : null
      if (ids !== null && ids.length > ARCHIVE_MAX_FILES) return plainResponse(413, `at most ${ARCHIVE_MAX_FILES} outputs go in one archive`)
      const outputs =
        ids !== null
          ? ids.flatMap((id) => outputsRepo.get(id) ?? [])
          : (outputsRepo.list({ batchId: (selector as { batchId: string }).batchId, limit: ARCHIVE_MAX_FILES + 1 }) ?? [])
      if (outputs.length > ARCHIVE_MAX_FILES) return plainResponse(413, `at most ${ARCHIVE_MAX_FILES} outputs go in one archive`)
      const entries = outputs.flatMap((output) => {
        const location = outputsRepo.location(output.id)
        return location ? [{ output, root: location.root }] : []
      })
      if (entries.length === 0) return plainResponse(404, 'none of those outputs is in the library')
      const deployments = new Set(outputs.map((o) => o.deploymentName))
      const what = deployments.size === 1 ? folderName(outputs[0]?.deploymentName ?? '') : 'comfy-courier'
      return archiveResponse(entries, `${what}-${entries.length}-output${entries.length === 1 ? '' : 's'}.zip`)
    },
    listenerUrl: () => {
      if (!listener) throw new Error('core not started')
      return listener.url
    },
    async start() {
      if (started) return
      started = true
      mkdirSync(settings.config().libraryDir, { recursive: true })
      listener = await startHookListener({
        port: settings.config().listenerPort,
        handler: ingest.handle,
        log: log.child('listener'),
        instanceId,
        isKnownHook: (_family, token) => ledger.hasHookToken(token),
        ...(tuning.listenerRateLimit !== undefined ? { rateLimit: tuning.listenerRateLimit } : {}),
      })
      demo = await startDemoProvider({
        ...(tuning.demoTimeScale !== undefined ? { timeScale: tuning.demoTimeScale } : {}),
        ...(deps.demoPainterWorker !== undefined ? { painterWorker: deps.demoPainterWorker } : {}),
      })
      applyConfig()
      pollRunsWithStaleHooks()
      ingest.pruneRejected()
      poller.start()
      pendingCancels.start()
      providerQueue.start()
      grids.start()
      imports.startWatching()
      log.info('core started', { listener: listener.url, mode: deps.mode })
    },
    async stop() {
      if (!started) return
      started = false
      providerQueue.stop()
      await grids.stop()
      await pendingCancels.stop()
      await poller.stop()
      comfyui?.dispose()
      await imports.stop()
      await tunnel.stop()
      await saver.stop()
      await thumbnails.stop()
      await listener?.close()
      ingest.drain()
      await demo?.sim.close()
      db.close()
      log.info('core stopped')
      log.flush()
    },
  }
}
