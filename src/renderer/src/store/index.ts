import { createStore } from 'zustand/vanilla'
import { createAppSlice } from './app'
import { createComfyUISlice } from './comfyui'
import { createDownloadsSlice } from './downloads'
import { createGenerateSlice } from './generate'
import { createGridsSlice } from './grids'
import { createNavSlice } from './nav'
import { createOutputsSlice } from './outputs'
import { createRunsSlice } from './runs'
import { createSettingsSlice } from './settings'
import { createSpendSlice } from './spend'
import { createToastsSlice } from './toasts'
import { createTunnelSlice } from './tunnel'
import { createUploadsSlice } from './uploads'
import { createWebhooksSlice } from './webhooks'
import type { CourierState, CourierStore, SliceContext, SliceKey, StoreDeps } from './types'

export type * from './types'

/**
 * One store, one namespace per slice (`state.runs.items`, `state.runs.cancel(id)`). Actions call the
 * courier API; `connectEvents` folds main's events in through each slice's `receive`. The renderer
 * mirrors main and owns no facts beyond the form being filled in and the view being shown.
 */
export function createCourierStore(deps: StoreDeps): CourierStore {
  /** The state being built inside `batch`: slices read and patch it, and the store publishes it once at the end. */
  let draft: CourierState | null = null
  const store = createStore<CourierState>()((set, get) => {
    const ctx: SliceContext = {
      get: () => draft ?? get(),
      deps,
      patch(key, change) {
        if (draft !== null) draft = patched(draft, key, change)
        else set((state) => patched(state, key, change))
      },
    }
    return {
      app: createAppSlice(ctx),
      nav: createNavSlice(ctx),
      runs: createRunsSlice(ctx),
      outputs: createOutputsSlice(ctx),
      generate: createGenerateSlice(ctx),
      settings: createSettingsSlice(ctx),
      tunnel: createTunnelSlice(ctx),
      webhooks: createWebhooksSlice(ctx),
      downloads: createDownloadsSlice(ctx),
      uploads: createUploadsSlice(ctx),
      toasts: createToastsSlice(ctx),
      spend: createSpendSlice(ctx),
      comfyui: createComfyUISlice(ctx),
      grids: createGridsSlice(ctx),
    }
  })
  return Object.assign(store, {
    batch(work: () => void): void {
      if (draft !== null) return work()
      draft = store.getState()
      try {
        work()
      } finally {
        const next = draft
        draft = null
        if (next !== store.getState()) store.setState(next, true)
      }
    },
  })
}

/** The state with one slice shallow-merged; the same state when the change is empty. */
function patched<K extends SliceKey>(state: CourierState, key: K, change: Partial<CourierState[K]> | ((slice: CourierState[K]) => Partial<CourierState[K]>)): CourierState {
  const slice = state[key]
  const partial = typeof change === 'function' ? change(slice) : change
  if (Object.keys(partial).length === 0) return state
  return { ...state, [key]: { ...slice, ...partial } }
}
