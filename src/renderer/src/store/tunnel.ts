import type { SliceContext, TunnelSlice } from './types'

export function createTunnelSlice({ get, patch, deps }: SliceContext): TunnelSlice {
  return {
    status: null,
    error: null,
    retrying: false,
    async load() {
      const res = await deps.courier.invoke('tunnel.status', {})
      if (res.ok) patch('tunnel', { status: res.value, error: null })
      else patch('tunnel', { error: res.error })
    },
    receive(status) {
      patch('tunnel', { status, error: null })
    },
    async retry() {
      if (get().tunnel.retrying) return
      patch('tunnel', { retrying: true })
      const res = await deps.courier.invoke('tunnel.retry', {})
      // The answer is not folded in: `tunnel.changed` events carry every state, and the answer (`connecting`)
      // can land after the event saying the tunnel is up, which it would then hide.
      patch('tunnel', { retrying: false })
      if (!res.ok) get().toasts.failure('Could not try the public URL again', res.error, () => void get().tunnel.retry())
    },
  }
}
