import type { MethodName } from '@shared/contract'
import type { Failure } from '@shared/result'
import type { AppSlice, SliceContext } from './types'

type LoadError = { method: MethodName; error: Failure }

export function createAppSlice({ get, patch, deps }: SliceContext): AppSlice {
  let infoError: Failure | null = null
  const loadInfo = async (): Promise<void> => {
    const res = await deps.courier.invoke('app.info', {})
    infoError = res.ok ? null : res.error
    if (res.ok) patch('app', { info: res.value })
  }

  /** The start-up fetches, in parallel; each loader records its result in its own slice. */
  const fetchAll = async (): Promise<LoadError[]> => {
    const s = get()
    const steps: Array<[MethodName, () => Promise<void>, () => Failure | null]> = [
      ['app.info', loadInfo, () => infoError],
      ['providers.list', s.generate.loadProviders, () => get().generate.providersError],
      ['runs.list', s.runs.load, () => get().runs.error],
      ['outputs.list', s.outputs.load, () => get().outputs.error],
      ['tunnel.status', s.tunnel.load, () => get().tunnel.error],
      ['settings.get', s.settings.load, () => get().settings.error],
    ]
    await Promise.all(steps.map(([, run]) => run()))
    return steps.flatMap(([method, , failure]) => {
      const error = failure()
      return error === null ? [] : [{ method, error }]
    })
  }

  return {
    state: 'loading',
    info: null,
    loadErrors: [],

    async load() {
      const loadErrors = await fetchAll()
      patch('app', { state: 'loaded', loadErrors })
    },

    async resync() {
      const loadErrors = await fetchAll()
      patch('app', { loadErrors })
      const s = get()
      await Promise.all([
        s.webhooks.status !== 'idle' ? s.webhooks.load() : undefined,
        s.outputs.resultsStatus !== 'idle' ? s.outputs.loadGallery() : undefined,
        s.outputs.facets !== null ? s.outputs.loadFacets() : undefined,
      ])
    },

    diagnostics() {
      return deps.courier.invoke('app.diagnostics', {})
    },
  }
}
