import type { ComfyServerCheck } from '@shared/comfyui'
import type { ComfyUISlice, SliceContext } from './types'

/**
 * Your own ComfyUI (issue 19): its servers, as core keeps them in settings (secrets never come back), and the
 * workflows added to them, which are ComfyUI's deployments in the Generate slice.
 */
export function createComfyUISlice({ get, patch, deps }: SliceContext): ComfyUISlice {
  /** The server list changed: the provider list (configured or not) and its deployments follow. */
  const serversChanged = (servers: ComfyUISlice['servers']) => {
    patch('comfyui', { servers, error: null })
    void get().generate.loadProviders()
  }
  return {
    servers: null,
    error: null,
    checks: {},
    saved: null,

    async loadServers() {
      const res = await deps.courier.invoke('comfyui.servers', {})
      patch('comfyui', res.ok ? { servers: res.value, error: null } : { error: res.error })
    },

    async saveServer(input) {
      const res = await deps.courier.invoke('comfyui.saveServer', input)
      if (!res.ok) return res.error
      serversChanged(res.value)
      return null
    },

    async removeServer(id) {
      const res = await deps.courier.invoke('comfyui.removeServer', { id })
      if (!res.ok) return res.error
      serversChanged(res.value)
      return null
    },

    async testServer(id) {
      patch('comfyui', (s) => ({ checks: { ...s.checks, [id]: 'running' as const } }))
      const res = await deps.courier.invoke('comfyui.testServer', { id })
      const check: ComfyServerCheck = res.ok ? res.value : { ok: false, message: res.error.message, version: null, device: null, vramFreeBytes: null, vramTotalBytes: null }
      patch('comfyui', (s) => ({ checks: { ...s.checks, [id]: check } }))
    },

    async loadSaved() {
      const res = await deps.courier.invoke('comfyui.savedWorkflows', {})
      if (!res.ok) return res.error
      patch('comfyui', { saved: res.value })
      return null
    },

    async addWorkflow(args) {
      const res = await deps.courier.invoke('deployments.add', { provider: 'comfyui', ...args })
      if (!res.ok) return res.error
      await get().generate.loadDeployments('comfyui')
      get().generate.selectDeployment(res.value.id)
      return null
    },

    async removeWorkflow(deploymentId) {
      const res = await deps.courier.invoke('deployments.remove', { provider: 'comfyui', deploymentId })
      if (!res.ok) return res.error
      await get().generate.loadDeployments('comfyui')
      return null
    },
  }
}
