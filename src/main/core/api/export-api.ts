import { exportOutputs, type ExportDeps } from '../library/export-outputs'
import type { CoreApi } from './build-api'

/** Export: saved outputs copied to a folder of the user's, keeping or removing how they were made. */
export function exportApi(deps: ExportDeps): Pick<CoreApi, 'outputs.export'> {
  return {
    'outputs.export': (args) => exportOutputs(deps, args),
  }
}
