import { err, ok } from '@shared/result'
import type { CoreApi } from './build-api'

/** Comparison grids and prompt lists (issue 18): answered by the grid service once it lands. */
export function gridsApi(): Pick<CoreApi, 'runs.submitList' | 'grids.submit' | 'grids.get' | 'grids.list' | 'grids.rerunFailed' | 'grids.cancel'> {
  const notYet = async () => err('NOT_SUPPORTED', 'comparison grids are not built yet')
  return {
    'runs.submitList': notYet,
    'grids.submit': notYet,
    'grids.get': notYet,
    'grids.list': async () => ok([]),
    'grids.rerunFailed': notYet,
    'grids.cancel': notYet,
  }
}
