import type { SettingsSlice, SliceContext } from './types'

export function createSettingsSlice({ get, patch, deps }: SliceContext): SettingsSlice {
  return {
    view: null,
    status: 'idle',
    error: null,

    async load() {
      patch('settings', { status: 'loading' })
      const res = await deps.courier.invoke('settings.get', {})
      if (res.ok) patch('settings', { view: res.value, status: 'loaded', error: null })
      else patch('settings', { status: 'error', error: res.error })
    },

    async save(change) {
      const res = await deps.courier.invoke('settings.update', change)
      if (!res.ok) return res
      patch('settings', { view: res.value, status: 'loaded', error: null })
      // A key added or removed changes which providers can run.
      if (change.comfydeployApiKey !== undefined || change.comfydeployBaseUrl !== undefined) {
        void get().generate.loadProviders()
      }
      return res
    },
  }
}
