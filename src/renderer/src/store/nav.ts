import type { OutputId } from '@shared/output'
import type { RunId } from '@shared/run'
import type { NavSlice, SliceContext } from './types'

export function createNavSlice({ get, patch }: SliceContext): NavSlice {
  return {
    view: 'generate',
    helpOpen: false,
    pendingOutput: null,
    grid: null,

    go(view) {
      patch('nav', { view, grid: null })
    },

    showGrid(gridId) {
      patch('nav', { view: 'runs', grid: gridId })
      void get().grids.load(gridId)
    },

    setHelpOpen(open) {
      patch('nav', { helpOpen: open })
    },

    open(target) {
      if (target.view === 'runs') {
        // Ids from main, as its events carry them (the event schema leaves them unbranded).
        get().runs.show(target.runId as RunId)
        return
      }
      patch('nav', { pendingOutput: target.outputId as OutputId, view: 'gallery' })
    },

    clearPendingOutput() {
      patch('nav', { pendingOutput: null })
    },
  }
}
