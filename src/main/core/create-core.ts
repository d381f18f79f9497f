import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { CourierEvent, LibraryMoveProgress } from '@shared/events'
import { errorAdvice } from '@shared/errors'
import { err, ok } from '@shared/result'
import type { Sim } from '../../sim/index'
import type { CoreApi } from './api/build-api'
import { invoke } from './api/invoke'
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
import { plainResponse, serveFile } from './library/media'
import { moveLibrary } from './library/move-library'
import { probeMedia } from './library/probe'
import { Thumbnails } from './library/thumbnails'
import { VideoPosters } from './library/video-poster'
import { countRuns, diagnosticsText } from './diagnostics/diagnostics'
import { createLogger } from './log/logger'
import { resolveConfig } from './config/config'
import { StoredSettings } from './config/settings-file'
import { ComfyDeployClient } from './providers/comfydeploy/client'
import { startDemoProvider } from './providers/demo/demo-provider'
import { ProviderRegistry } from './providers/registry'
import { RunComfyClient } from './providers/runcomfy/client'
import type { ProviderClient } from './providers/types'
import { isLoopback } from './downloads/url-guard'
import { RunService, toRunError } from './runs/run-service'
import { openDatabase } from './store/database'
import { EventsRepo } from './store/events-repo'
import { FormsRepo } from './store/forms-repo'
import { OutputsRepo, type ThumbnailState } from './store/outputs-repo'
import { publicRun, RunsRepo } from './store/runs-repo'

/** The web host's trash: the `trash` package, loaded on first use (globbing off: names are taken literally). */
async function trashWithPackage(path: string): Promise<void> {
  const { default: trash } = await import('trash')
  await trash(path, { glob: false })
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** The runtimes this core runs on; `electron` and `chrome` exist only inside the desktop app. */
function runtimeVersions(app: string): Record<string, string> {
  const { node, electron, chrome, v8 } = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string }
  const versions: Record<string, string> = { app, node, v8 }
  if (electron) versions.electron = electron
  if (chrome) versions.chrome = chrome
  return versions
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
  const runsRepo = new RunsRepo(db)
  const eventsRepo = new EventsRepo(db)
  // A thumbnail made while the saver checked the file is adopted as the row is written (`thumbnails` below).
  const outputsRepo: OutputsRepo = new OutputsRepo(db, { thumbnailOnInsert: (output): ThumbnailState => thumbnails.adopt(output) })
  const events = new EventHub<CourierEvent>()
  const formsRepo = new FormsRepo(db)
  const providers = new ProviderRegistry(formsRepo)
  const instanceId = randomBytes(8).toString('hex')
  // Video posters come from the system's ffmpeg (`COURIER_FFMPEG`, else PATH); without it videos have no thumbnail.
  const posters = new VideoPosters({ env: deps.env ?? process.env, log: log.child('thumbnails') })
  const thumbnails: Thumbnails = new Thumbnails({ dir: join(dataDir, 'thumbnails'), outputs: outputsRepo, log: log.child('thumbnails'), posters })
  const library = new LibraryService({
    outputs: outputsRepo,
    runs: runsRepo,
    events,
    thumbnails,
    trash: deps.trash ?? tuning.trash ?? trashWithPackage,
    desktop: deps.desktop ?? null,
    log: log.child('library'),
  })
  /** Set while the library folder is being moved: another change of folder meanwhile is refused, not queued. */
  let moving = false

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
    runs: runsRepo,
    outputs: outputsRepo,
    events,
    log: log.child('downloads'),
    libraryDir: () => settings.config().libraryDir,
    resolve: tuning.resolve ?? systemResolver,
    // Thumbnails are made as the file is checked, before its row exists (so `output.saved` says
    // `hasThumbnail`); one that could not be made then is tried again after the save.
    probe: async (file, mime) => (await Promise.all([probeMedia(file, mime), thumbnails.prepare(file, mime)]))[0],
    onSaved: (output) => void thumbnails.ensure(output.id), // never rejects
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
      for (const run of runsRepo.unfinished()) if (run.webhookBase === previous) runService.markPolling(run, true)
    },
  })

  const runService: RunService = new RunService({
    db,
    runs: runsRepo,
    providers,
    events,
    log: log.child('runs'),
    // The demo simulator lives on this machine and calls the listener directly; real services need the tunnel.
    webhookBase: (client) => (client.demo ? (listener?.url ?? null) : tunnel.publicUrl()),
    saveOutputs: (run, snapshot, client) => saver.save(run, snapshot, client),
    resolveSoon: (runId) => poller.enqueue(runId),
    ...(tuning.lostSubmitWindowMs !== undefined ? { lostSubmitWindowMs: tuning.lostSubmitWindowMs } : {}),
  })

  const poller = new Poller({
    runs: runsRepo,
    runService,
    log: log.child('poller'),
    downloadsBusy: (runId) => saver.isBusy(runId),
    options: { intervalMs: tuning.pollIntervalMs ?? 2000, safetyMs: tuning.safetyPollMs ?? 30_000, concurrency: 4 },
  })

  const ingest = new WebhookIngest({
    db,
    runs: runsRepo,
    events: eventsRepo,
    providers,
    runService,
    hub: events,
    log: log.child('webhooks'),
    confirm: (runId) => poller.enqueue(runId, { urgent: true }),
  })

  /**
   * After a restart the listener's port and the tunnel's URL are new: runs that were told another address
   * will never call us again, so they are polled from now on (the poller's 2 s, not the 30 s safety net).
   */
  function pollRunsWithStaleHooks(): void {
    for (const run of runsRepo.unfinished()) {
      const client = providers.get(run.provider)
      const current = client?.demo ? (listener?.url ?? null) : tunnel.publicUrl()
      if (run.webhookBase !== null && run.webhookBase !== current) runService.markPolling(run, true)
    }
  }

  /** Rebuilds provider clients and the tunnel wish from the effective configuration. */
  function applyConfig(): void {
    const config = settings.config()
    const clients: ProviderClient[] = demo ? [demo.client] : []
    if (config.comfydeploy.apiKey) {
      clients.push(
        new ComfyDeployClient({
          baseUrl: config.comfydeploy.baseUrl,
          apiKey: config.comfydeploy.apiKey,
          allowLoopbackMedia: isLocalApi(config.comfydeploy.baseUrl),
        }),
      )
    }
    if (config.runcomfy.apiKey) {
      clients.push(
        new RunComfyClient({
          baseUrl: config.runcomfy.baseUrl,
          apiKey: config.runcomfy.apiKey,
          allowLoopbackMedia: isLocalApi(config.runcomfy.baseUrl),
        }),
      )
    }
    providers.replace(clients)
    tunnel.configure({
      mode: config.tunnelMode,
      host: config.tunnelHost,
      publicUrl: config.publicUrl,
      ngrok: { authtoken: config.ngrok.authtoken, domain: config.ngrok.domain },
      needed: clients.some((client) => !client.demo),
    })
  }

  const api: CoreApi = {
    'app.info': async () =>
      ok({
        version: deps.version ?? packageVersion(),
        mode: deps.mode,
        dataDir,
        libraryDir: settings.config().libraryDir,
        versions: runtimeVersions(deps.version ?? packageVersion()),
        platform: `${process.platform} ${process.arch}`,
      }),
    // Plain text for a bug report; secrets never in it (core/diagnostics/diagnostics.ts).
    'app.diagnostics': async () => {
      const info = await api['app.info']({})
      if (!info.ok) return info
      const config = settings.config()
      return ok({
        text: diagnosticsText({
          info: info.value,
          settings: settings.view(),
          tunnel: tunnel.status(),
          listenerUrl: listener?.url ?? null,
          runs: countRuns(db),
          recentLog: log.recent(),
          secrets: [config.comfydeploy.apiKey, config.runcomfy.apiKey, config.ngrok.authtoken],
          now: new Date(),
        }),
      })
    },
    'providers.list': async () => {
      const configured = new Set(providers.all().map((client) => client.id))
      return ok([
        { id: 'demo' as const, label: 'Built-in simulator', configured: configured.has('demo'), demo: true },
        { id: 'comfydeploy' as const, label: 'ComfyDeploy', configured: configured.has('comfydeploy'), demo: false },
        { id: 'runcomfy' as const, label: 'RunComfy', configured: configured.has('runcomfy'), demo: false },
      ])
    },
    'providers.test': async ({ provider }) => {
      const client = providers.get(provider)
      if (!client) return ok({ ok: false, message: `No API key for ${provider} yet: add it in Settings.`, code: 'NOT_CONFIGURED' as const, deploymentCount: null })
      try {
        const deployments = await providers.listDeployments(provider, true)
        const count = deployments.length
        return ok({ ok: true, message: `Connected to ${client.label}: ${count} deployment${count === 1 ? '' : 's'}.`, code: null, deploymentCount: count })
      } catch (error) {
        const failure = toRunError(error)
        return ok({ ok: false, message: `${errorAdvice[failure.code]} ${failure.message}`, code: failure.code, deploymentCount: null })
      }
    },
    'uploads.create': async ({ provider, fileName, mime, dataBase64, uploadId }) => {
      const client = providers.get(provider)
      if (!client) return err('NOT_CONFIGURED', `${provider} has no API key yet: add it in Settings`)
      const bytes = Buffer.from(dataBase64, 'base64')
      if (bytes.length === 0) return err('BAD_INPUT', 'the file is empty', 'file')
      let lastAt = 0
      const progress = (sentBytes: number, totalBytes: number) => {
        // At most every 100 ms, and always the last one.
        const now = Date.now()
        if (!uploadId || (sentBytes < totalBytes && now - lastAt < 100)) return
        lastAt = now
        events.publish({ type: 'upload.progress', progress: { uploadId, sentBytes, totalBytes } })
      }
      try {
        const value = await client.prepareFile({ fileName, mime, bytes }, progress)
        return ok({ value, bytes: bytes.length })
      } catch (error) {
        const failure = toRunError(error)
        return err(failure.code, failure.message)
      }
    },
    'deployments.list': async ({ provider }) => {
      if (!providers.get(provider)) return err('NOT_CONFIGURED', `${provider} has no API key yet: add it in Settings`)
      try {
        return ok(await providers.listDeployments(provider))
      } catch (error) {
        const failure = toRunError(error)
        return err(failure.code, failure.message)
      }
    },
    'forms.candidates': async ({ provider, deploymentId, workflowApiJson }) => {
      const client = providers.get(provider)
      if (!client) return err('NOT_CONFIGURED', `${provider} has no API key yet: add it in Settings`)
      try {
        const deployment = await providers.serviceDeployment(provider, deploymentId)
        if (!deployment) return err('NOT_FOUND', `deployment ${deploymentId} is not among ${client.label}'s deployments`)
        // Services that publish their inputs offer exactly those; RunComfy offers every node input of the graph.
        return ok(client.formCandidates ? await client.formCandidates(deploymentId, workflowApiJson) : deployment.inputs)
      } catch (error) {
        const failure = toRunError(error)
        return err(failure.code, failure.message, failure.field)
      }
    },
    'forms.save': async ({ provider, deploymentId, fields }) => {
      const ids = new Set<string>()
      for (const field of fields) {
        if (ids.has(field.id)) return err('BAD_INPUT', `two fields share the input "${field.id}"`, field.id)
        ids.add(field.id)
      }
      const deployment = await providers.findDeployment(provider, deploymentId).catch(() => undefined)
      if (!deployment) return err('NOT_FOUND', `deployment ${deploymentId} is not among ${provider}'s deployments`)
      formsRepo.save(provider, deploymentId, fields, Date.now())
      return ok((await providers.findDeployment(provider, deploymentId))!)
    },
    'forms.reset': async ({ provider, deploymentId }) => {
      formsRepo.reset(provider, deploymentId)
      const deployment = await providers.findDeployment(provider, deploymentId).catch(() => undefined)
      return deployment ? ok(deployment) : err('NOT_FOUND', `deployment ${deploymentId} is not among ${provider}'s deployments`)
    },
    'runs.submit': (args) => runService.submit(args),
    'runs.get': async ({ id }) => {
      const run = runsRepo.get(id)
      return run ? ok(publicRun(run)) : err('NOT_FOUND', `no run ${id}`)
    },
    'runs.list': async ({ limit }) => ok(runsRepo.list(limit ?? 200).map(publicRun)),
    'runs.cancel': ({ id }) => runService.cancel(id),
    'runs.submitBatch': (args) => runService.submitBatch(args),
    'runs.rerun': ({ id, seed }) => runService.rerun(id, seed),
    'outputs.list': async (args) => {
      const page = outputsRepo.list(args)
      return page ? ok(page) : err('NOT_FOUND', `no output ${args.after}: the page cannot continue after an output that was deleted`)
    },
    'outputs.facets': async () => ok(outputsRepo.facets()),
    'outputs.get': async ({ id }) => {
      const output = outputsRepo.get(id)
      return output ? ok(output) : err('NOT_FOUND', `no output ${id}`)
    },
    'outputs.update': async ({ id, favourite }) => {
      const output = outputsRepo.setFavourite(id, favourite)
      return output ? ok(output) : err('NOT_FOUND', `no output ${id}`)
    },
    'outputs.delete': ({ ids }) => library.delete(ids),
    'outputs.open': ({ id, how }) => library.open(id, how),
    'tunnel.status': async () => ok(tunnel.status()),
    'settings.get': async () => ok(settings.view()),
    'settings.update': async (patch) => {
      if (patch.libraryDir !== undefined && !isAbsolute(patch.libraryDir)) {
        return err('BAD_INPUT', 'the library folder must be an absolute path', 'libraryDir')
      }
      const from = settings.config().libraryDir
      const to = patch.libraryDir === undefined ? from : effectiveLibraryFor(patch.libraryDir)
      if (resolve(to) === resolve(from) || outputsRepo.count() === 0) {
        settings.update(patch)
        applyConfig()
        return ok(settings.view())
      }
      // The saved outputs follow the library to its new folder before the setting changes.
      if (moving) return err('CONFLICT', 'the library folder is already being moved; wait for that to finish', 'libraryDir')
      moving = true
      // `library.moving` while the files move; its end (done or failed) is held until the setting has changed.
      let end: LibraryMoveProgress | null = null
      const onProgress = (progress: LibraryMoveProgress) =>
        progress.state === 'moving' ? events.publish({ type: 'library.moving', progress }) : void (end = progress)
      try {
        const outcome = await moveLibrary({ outputs: outputsRepo, from, to, log: log.child('library'), onProgress })
        if (!outcome.ok) return err('BAD_INPUT', outcome.message, 'libraryDir')
        settings.update(patch)
        applyConfig()
        mkdirSync(to, { recursive: true })
        // Outputs saved into the old folder while the files were moving follow them now.
        const late = await moveLibrary({ outputs: outputsRepo, from, to, log: log.child('library'), checkTarget: false })
        if (!late.ok) log.warn('outputs saved during the move stay in the old folder', { message: late.message })
        return ok(settings.view())
      } catch (error) {
        if (end) end = { ...(end as LibraryMoveProgress), state: 'failed', message: `The move did not finish: ${(error as Error).message}` }
        throw error
      } finally {
        moving = false
        if (end) events.publish({ type: 'library.moving', progress: end })
      }
    },
    'webhooks.list': async (filter) => ok(eventsRepo.list(filter)),
    'webhooks.replay': async ({ id }) => {
      const record = ingest.replay(id)
      return record ? ok(record) : err('NOT_FOUND', `no webhook ${id}`)
    },
  }

  let started = false
  return {
    api,
    dataDir,
    log,
    events,
    invoke: (name, raw) => invoke(api, name, raw, log.child('api')),
    media: async (outputId, range, opts) => {
      if (opts?.thumbnail) return thumbnails.serve(outputId, range)
      const location = outputsRepo.location(outputId)
      if (!location) return plainResponse(404, 'no such output')
      return serveFile(location, range)
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
        isKnownHook: (_family, token) => runsRepo.hasHookToken(token),
        ...(tuning.listenerRateLimit !== undefined ? { rateLimit: tuning.listenerRateLimit } : {}),
      })
      demo = await startDemoProvider(tuning.demoTimeScale !== undefined ? { timeScale: tuning.demoTimeScale } : {})
      applyConfig()
      pollRunsWithStaleHooks()
      ingest.pruneRejected()
      poller.start()
      log.info('core started', { listener: listener.url, mode: deps.mode })
    },
    async stop() {
      if (!started) return
      started = false
      await poller.stop()
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
