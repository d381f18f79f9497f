import { ok } from '@shared/result'
import type { ImportService } from '../library/import-service'
import type { CoreApi } from './build-api'

/** Folders added to the library: indexed in place, scanned with progress, cancelled, listed. */
export function importApi({ imports }: { imports: Pick<ImportService, 'start' | 'cancel' | 'list'> }): Pick<
  CoreApi,
  'library.import' | 'library.importCancel' | 'library.imports'
> {
  return {
    'library.import': ({ folder, watch }) => imports.start(folder, watch),
    'library.importCancel': async ({ id }) => imports.cancel(id),
    'library.imports': async () => ok(imports.list()),
  }
}
