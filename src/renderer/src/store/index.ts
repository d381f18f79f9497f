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
import type { CourierState, CourierStore, SliceContext, StoreDeps } from './types'

export type * from './types'

/**
 * One store, one namespace per slice (`state.runs.items`, `state.runs.cancel(id)`). Actions call the
 * courier API; `connectEvents` folds main's events in through each slice's `receive`. The renderer
 * mirrors main and owns no facts beyond the form being filled in and the view being shown.
 */
export function createCourierStore(deps: StoreDeps): CourierStore {
  return createStore<CourierState>()((set, get) => {
    const ctx: SliceContext = {
      get,
      deps,
      patch(key, change) {
        set((state) => {
          const slice = state[key]
          const partial = typeof change === 'function' ? change(slice) : change
          if (Object.keys(partial).length === 0) return state
          return { [key]: { ...slice, ...partial } } as Partial<CourierState>
        })
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
}
