import { ok } from '@shared/result'
import type { GridService } from '../grids/grid-service'
import type { CoreApi } from './build-api'

export interface GridsApiDeps {
  grids: Pick<GridService, 'submit' | 'submitList' | 'get' | 'list' | 'rerunFailed' | 'cancel'>
}

/** Comparison grids and prompt lists (issue 18): every cell and row a run, sent through the provider's queue. */
export function gridsApi({ grids }: GridsApiDeps): Pick<CoreApi, 'runs.submitList' | 'grids.submit' | 'grids.get' | 'grids.list' | 'grids.rerunFailed' | 'grids.cancel'> {
  return {
    'runs.submitList': (args) => grids.submitList(args),
    'grids.submit': (args) => grids.submit(args),
    'grids.get': async ({ gridId }) => grids.get(gridId),
    'grids.list': async ({ limit }) => ok(grids.list(limit ?? 50)),
    'grids.rerunFailed': ({ gridId, confirmUsd }) => grids.rerunFailed(gridId, confirmUsd),
    'grids.cancel': ({ gridId }) => grids.cancel(gridId),
  }
}
