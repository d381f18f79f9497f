import type { ProviderId } from '@shared/run'
import type { KeyState, SettingsPatch, SettingsView } from '@shared/settings'
import type { SettingsSlice, SliceContext } from './types'

/** The providers whose key or URL a patch changes. */
function providersTouched(change: SettingsPatch): ProviderId[] {
  const touched: ProviderId[] = []
  if (change.comfydeployApiKey !== undefined || change.comfydeployBaseUrl !== undefined) touched.push('comfydeploy')
  if (change.runcomfyApiKey !== undefined || change.runcomfyBaseUrl !== undefined) touched.push('runcomfy')
  return touched
}

/** A service's key state as the view says it (an older core that leaves it out: a saved key counts as verified). */
export function keyStateOf(view: SettingsView | null, provider: 'comfydeploy' | 'runcomfy'): KeyState {
  const service = view?.[provider]
  if (service === undefined) return 'none'
  return service.keyState ?? (service.apiKeySet ? 'verified' : 'none')
}

export function createSettingsSlice({ get, patch, deps }: SliceContext): SettingsSlice {
  const testRequests: Partial<Record<ProviderId, number>> = {}
  /** Scans started from this window: their end stays shown even when they found nothing new. */
  const startedScans = new Set<string>()

  return {
    view: null,
    status: 'idle',
    error: null,
    checks: {},
    libraryMove: null,
    imports: null,
    importScans: {},

    async loadImports() {
      const res = await deps.courier.invoke('library.imports', {})
      if (res.ok) patch('settings', { imports: res.value })
    },

    async startImport(folder, watch) {
      const res = await deps.courier.invoke('library.import', { folder, watch })
      if (res.ok) {
        startedScans.add(res.value.id)
        void get().settings.loadImports()
      }
      return res
    },

    cancelImport(id) {
      return deps.courier.invoke('library.importCancel', { id })
    },

    receiveImport(progress) {
      // A watched folder's rescan that found nothing new (every minute) leaves no line behind.
      const quiet = progress.state === 'done' && progress.added === 0 && progress.failed === 0 && !startedScans.has(progress.id)
      patch('settings', (s) => {
        const { [progress.id]: _old, ...rest } = s.importScans
        return { importScans: quiet ? rest : { ...rest, [progress.id]: progress } }
      })
      if (progress.state === 'scanning' && get().settings.imports?.some((f) => f.scanning === progress.id)) return
      // A scan started or ended: the folder list's counts follow; new files reach the gallery once it ends.
      void get().settings.loadImports()
      if (progress.state !== 'scanning' && progress.added > 0) {
        void get().outputs.loadGallery()
        void get().outputs.loadFacets()
      }
    },

    async rescanImport(importId) {
      const res = await deps.courier.invoke('library.rescan', { importId })
      if (res.ok) {
        startedScans.add(res.value.id)
        void get().settings.loadImports()
      }
      return res
    },

    async setImportWatch(importId, watch) {
      const res = await deps.courier.invoke('library.importWatch', { importId, watch })
      if (res.ok) patch('settings', (s) => ({ imports: s.imports?.map((f) => (f.id === importId ? res.value : f)) ?? null }))
      return res
    },

    async removeImport(importId) {
      const folder = get().settings.imports?.find((f) => f.id === importId)?.folder
      const res = await deps.courier.invoke('library.importRemove', { importId })
      // The event that follows does the same; acting on the answer too covers a lost event stream.
      if (res.ok && folder !== undefined) get().settings.receiveImportRemoved(importId, folder)
      return res
    },

    receiveImportRemoved(importId, folder) {
      patch('settings', (s) => ({ imports: s.imports?.filter((f) => f.id !== importId) ?? null }))
      void get().settings.loadImports()
      // Its outputs are gone from the store: off every list, then the gallery and its counts are read again.
      get().outputs.forgetFolder(folder)
    },

    dismissImport(id) {
      patch('settings', (s) => {
        const { [id]: _gone, ...rest } = s.importScans
        return { importScans: rest }
      })
    },

    async load() {
      patch('settings', { status: 'loading' })
      const res = await deps.courier.invoke('settings.get', {})
      if (res.ok) patch('settings', { view: res.value, status: 'loaded', error: null })
      else patch('settings', { status: 'error', error: res.error })
    },

    async save(change) {
      const res = await deps.courier.invoke('settings.update', change)
      if (!res.ok) return res
      const touched = providersTouched(change)
      patch('settings', (s): Partial<SettingsSlice> => {
        // A test of the old key says nothing about the new one.
        const checks = { ...s.checks }
        touched.forEach((p) => {
          delete checks[p]
          testRequests[p] = (testRequests[p] ?? 0) + 1
        })
        return { view: res.value, status: 'loaded', error: null, checks }
      })
      // A key added or removed changes which providers can run.
      if (touched.length > 0) void get().generate.loadProviders()
      return res
    },

    async testConnection(provider, apiKey) {
      const seq = (testRequests[provider] ?? 0) + 1
      testRequests[provider] = seq
      patch('settings', (s) => ({ checks: { ...s.checks, [provider]: { status: 'running' } } }))
      const res = await deps.courier.invoke('providers.test', apiKey === undefined ? { provider } : { provider, apiKey })
      if (testRequests[provider] !== seq) return null
      // The saved key's state may have changed (verified, or refused): Settings, About and the picker follow.
      if (apiKey === undefined && res.ok && provider !== 'demo' && provider !== 'comfyui') {
        const state = keyStateOf(get().settings.view, provider)
        const changed = res.value.ok ? state === 'unverified' : res.value.code === 'PROVIDER_AUTH' && state === 'verified'
        if (changed) {
          void get().settings.load()
          void get().generate.loadProviders()
        }
      }
      // A call that failed on the way reads like a failed check; the words are the result's to choose.
      const check = res.ok ? res.value : { ok: false, message: res.error.message, code: res.error.code, deploymentCount: null }
      patch('settings', (s) => ({ checks: { ...s.checks, [provider]: { status: 'done', check } } }))
      return check
    },

    keyWorked(provider) {
      if (provider === 'demo' || provider === 'comfyui' || keyStateOf(get().settings.view, provider) !== 'unverified') return
      void get().settings.load()
      void get().generate.loadProviders()
    },

    async finishWelcome(provider) {
      const res = await get().settings.save({ onboarded: true })
      if (!res.ok) return res
      // Generate opens now, with the app: going there after the providers were read took the user back from
      // wherever they had gone meanwhile (Settings, clicked at once, became Generate again).
      get().nav.go('generate')
      const g = get().generate
      if (provider !== null) {
        // A key saved in the welcome changed what can run: know that before picking the provider.
        await g.loadProviders()
        if (get().generate.providers.some((p) => p.id === provider && p.configured)) await get().generate.selectProvider(provider)
      }
      return res
    },

    receiveLibraryMove(progress) {
      patch('settings', { libraryMove: progress })
    },
  }
}
