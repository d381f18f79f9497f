import type { SliceContext, TunnelSlice } from './types'

export function createTunnelSlice({ patch, deps }: SliceContext): TunnelSlice {
  return {
    status: null,
    error: null,
    async load() {
      const res = await deps.courier.invoke('tunnel.status', {})
      if (res.ok) patch('tunnel', { status: res.value, error: null })
      else patch('tunnel', { error: res.error })
    },
    receive(status) {
      patch('tunnel', { status, error: null })
    },
  }
}
